import { fold, FoldContext, ReportEvent } from './report-fold';

const ROOT = 'root-unit';
const STORE = 'store-unit';
const REGION = 'region-unit';
const ctx: FoldContext = { rootUnitId: ROOT, localDay: (at) => at.toISOString().slice(0, 10) };
let seq = 0;
const ev = (type: string, at: string, data: Record<string, unknown> = {}, actorId: string | null = null): ReportEvent => ({ id: String(++seq), type, actorId, occurredAt: new Date(at), data });

describe('report fold', () => {
  it('attributes a session to its first holder and measures first response and resolution from its start', () => {
    const { contributions, state } = fold(
      {},
      [
        ev('message.created', '2026-03-01T10:00:00Z', { direction: 'in', kind: 'text' }),
        ev('conversation.opened', '2026-03-01T10:00:00Z', { reopened: false }),
        ev('conversation.assigned', '2026-03-01T10:01:00Z', { assignmentId: 'a1', memberId: 'winnie', unitId: STORE }, 'winnie'),
        ev('message.created', '2026-03-01T10:02:00Z', { direction: 'out', kind: 'note' }, 'winnie'),
        ev('message.created', '2026-03-01T10:05:00Z', { direction: 'out', kind: 'text' }, 'winnie'),
        ev('message.created', '2026-03-01T10:06:00Z', { direction: 'out', kind: 'text' }, 'winnie'),
        ev('conversation.assignment_ended', '2026-03-01T11:00:00Z', { assignmentId: 'a1', memberId: 'winnie', reason: 'completed' }, 'winnie'),
        ev('conversation.completed', '2026-03-01T11:00:00Z', {}, 'winnie'),
      ],
      ctx,
    );
    // The opening message: nobody held it yet, never held → the root unit, no member.
    expect(contributions[0]).toEqual({ day: '2026-03-01', unitId: ROOT, memberId: null, figures: { messagesIn: 1 } });
    // The session counts for its first holder, on its start day.
    expect(contributions[1]).toEqual({ day: '2026-03-01', unitId: STORE, memberId: 'winnie', figures: { conversations: 1, reopened: 0 } });
    // The note is not a reply; the first reply 5 minutes after the start, the second is not a first response.
    expect(contributions[2]).toEqual({ day: '2026-03-01', unitId: STORE, memberId: 'winnie', figures: { messagesOut: 1 }, firstResponseSeconds: 300 });
    expect(contributions[3]).toEqual({ day: '2026-03-01', unitId: STORE, memberId: 'winnie', figures: { messagesOut: 1 } });
    // Completed: the holding ended first, so the last holder gets it; one hour from the start.
    expect(contributions[4]).toEqual({ day: '2026-03-01', unitId: STORE, memberId: 'winnie', figures: { completed: 1 }, resolutionSeconds: 3600 });
    expect(contributions).toHaveLength(5);
    expect(state.session).toBeNull();
  });

  it('counts a transfer for the holding that ended and a timeout once per assignment; a reopen starts a new session', () => {
    const start = fold({}, [ev('conversation.opened', '2026-03-02T09:00:00Z', { reopened: false }), ev('conversation.assigned', '2026-03-02T09:00:10Z', { assignmentId: 'a1', memberId: 'A', unitId: REGION })], ctx);
    const { contributions } = fold(
      start.state,
      [
        ev('conversation.assignment_ended', '2026-03-02T09:10:00Z', { assignmentId: 'a1', memberId: 'A', reason: 'transferred' }, 'A'),
        ev('conversation.assigned', '2026-03-02T09:10:00Z', { assignmentId: 'a2', memberId: 'winnie', unitId: STORE }, 'A'),
        ev('conversation.transfer_timed_out', '2026-03-02T10:10:00Z', { assignmentId: 'a2', memberId: 'winnie', unitId: STORE }),
        ev('conversation.transfer_timed_out', '2026-03-02T10:10:01Z', { assignmentId: 'a2', memberId: 'winnie', unitId: STORE }),
        ev('conversation.assignment_ended', '2026-03-02T11:00:00Z', { assignmentId: 'a2', memberId: 'winnie', reason: 'completed' }, 'winnie'),
        ev('conversation.completed', '2026-03-02T11:00:00Z', {}, 'winnie'),
        ev('message.created', '2026-03-03T08:00:00Z', { direction: 'in', kind: 'text' }),
        ev('conversation.opened', '2026-03-03T08:00:00Z', { reopened: true }),
        ev('conversation.trashed', '2026-03-03T09:00:00Z', {}, 'winnie'),
      ],
      ctx,
    );
    expect(contributions).toEqual([
      { day: '2026-03-02', unitId: REGION, memberId: 'A', figures: { transfers: 1 } },
      { day: '2026-03-02', unitId: STORE, memberId: 'winnie', figures: { transferTimeouts: 1 } },
      // Resolution runs from the session's start (09:00), whoever held it.
      { day: '2026-03-02', unitId: STORE, memberId: 'winnie', figures: { completed: 1 }, resolutionSeconds: 7200 },
      // Reopened unassigned: the last holder's figures; never assigned before the trash → counted then.
      { day: '2026-03-03', unitId: STORE, memberId: 'winnie', figures: { messagesIn: 1 } },
      { day: '2026-03-03', unitId: STORE, memberId: 'winnie', figures: { conversations: 1, reopened: 1 } },
    ]);
  });

  it('sends figures of a never-held conversation of a bound customer to the bound unit', () => {
    const { contributions } = fold({}, [ev('customer.bound', '2026-03-04T00:00:00Z', { after: { unitId: STORE, memberId: null } }), ev('message.created', '2026-03-04T01:00:00Z', { direction: 'in', kind: 'text' })], ctx);
    expect(contributions).toEqual([{ day: '2026-03-04', unitId: STORE, memberId: null, figures: { messagesIn: 1 } }]);
  });
});
