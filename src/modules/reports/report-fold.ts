/**
 * How one conversation's events become report figures (docs/reports.md has the rules in
 * prose, with worked examples). Pure: the subscriber loads a conversation's state and its
 * new events in id order, folds them here, adds the contributions to the rollups and stores
 * the state, all in one transaction.
 */

/** The events reports read; every other type passes through untouched. */
export const REPORT_EVENT_TYPES = [
  'conversation.opened',
  'conversation.reopened',
  'conversation.assigned',
  'conversation.assignment_ended',
  'conversation.transfer_timed_out',
  'conversation.completed',
  'conversation.trashed',
  'message.created',
  'customer.bound',
  'customer.unbound',
] as const;

export interface ReportEvent {
  id: string;
  type: string;
  actorId: string | null;
  occurredAt: Date;
  data: Record<string, unknown>;
}

interface Holder {
  memberId: string;
  unitId: string;
}

export interface ReportState {
  /** The current assignment. */
  holder?: (Holder & { assignmentId: string }) | null;
  /** The holder of the last assignment that ended. */
  last?: Holder | null;
  boundUnitId?: string | null;
  /** The session (started by the customer, or by an agent's reopen) until done or trash. */
  session?: {
    start: string;
    startDay: string;
    reopened: boolean;
    /** Waiting for the first agent reply (sessions a customer message started). */
    awaiting: boolean;
    /** Already attributed in `conversations` (to its first holder). */
    counted: boolean;
  } | null;
  /** The last assignment whose transfer timeout was counted (the job may run twice). */
  timedOut?: string | null;
}

export interface Figures {
  conversations: number;
  reopened: number;
  messagesIn: number;
  messagesOut: number;
  transfers: number;
  transferTimeouts: number;
  completed: number;
}

export const FIGURES: readonly (keyof Figures)[] = ['conversations', 'reopened', 'messagesIn', 'messagesOut', 'transfers', 'transferTimeouts', 'completed'];

export interface Contribution {
  /** Local date (org timezone) the figure belongs to, YYYY-MM-DD. */
  day: string;
  unitId: string;
  memberId: string | null;
  figures: Partial<Figures>;
  firstResponseSeconds?: number;
  resolutionSeconds?: number;
}

export interface FoldContext {
  rootUnitId: string;
  localDay(at: Date): string;
}

/**
 * Who a figure is attributed to: the current holder (member, and the unit recorded with the
 * assignment); nobody holding it, the last holder; never held, the customer's bound unit,
 * else the root unit (no member).
 */
export function attributionOf(s: ReportState, ctx: FoldContext): { unitId: string; memberId: string | null } {
  if (s.holder) return { unitId: s.holder.unitId, memberId: s.holder.memberId };
  if (s.last) return { unitId: s.last.unitId, memberId: s.last.memberId };
  return { unitId: s.boundUnitId ?? ctx.rootUnitId, memberId: null };
}

export function fold(initial: ReportState, events: readonly ReportEvent[], ctx: FoldContext): { state: ReportState; contributions: Contribution[] } {
  const s: ReportState = structuredClone(initial);
  const out: Contribution[] = [];
  const add = (at: Date, who: { unitId: string; memberId: string | null }, c: Omit<Contribution, 'day' | 'unitId' | 'memberId'>, day = ctx.localDay(at)) =>
    out.push({ day, unitId: who.unitId, memberId: who.memberId, ...c });
  /** The session's `conversations` figure, once, to whoever it is attributed to now, on its start day. */
  const countSession = (at: Date) => {
    if (!s.session || s.session.counted) return;
    add(at, attributionOf(s, ctx), { figures: { conversations: 1, reopened: s.session.reopened ? 1 : 0 } }, s.session.startDay);
    s.session.counted = true;
  };
  const startSession = (at: Date, reopened: boolean, awaiting: boolean) => {
    s.session = { start: at.toISOString(), startDay: ctx.localDay(at), reopened, awaiting, counted: false };
    if (s.holder) countSession(at);
  };

  for (const e of events) {
    const at = e.occurredAt;
    const d = e.data;
    switch (e.type) {
      case 'conversation.opened':
        // A session still open (an agent reopened it, then the customer wrote): it goes on.
        if (s.session && d.reopened) break;
        startSession(at, d.reopened === true, true);
        break;
      case 'conversation.reopened':
        startSession(at, true, false);
        break;
      case 'conversation.assigned':
        s.holder = { memberId: String(d.memberId), unitId: String(d.unitId), assignmentId: String(d.assignmentId) };
        countSession(at);
        break;
      case 'conversation.assignment_ended': {
        const ended = s.holder && s.holder.assignmentId === d.assignmentId ? { unitId: s.holder.unitId, memberId: s.holder.memberId } : { unitId: attributionOf(s, ctx).unitId, memberId: String(d.memberId) };
        if (d.reason === 'transferred') add(at, ended, { figures: { transfers: 1 } });
        s.last = ended;
        s.holder = null;
        break;
      }
      case 'conversation.transfer_timed_out':
        if (s.timedOut === d.assignmentId) break;
        s.timedOut = String(d.assignmentId);
        add(at, { unitId: String(d.unitId), memberId: String(d.memberId) }, { figures: { transferTimeouts: 1 } });
        break;
      case 'message.created':
        if (d.direction === 'in') add(at, attributionOf(s, ctx), { figures: { messagesIn: 1 } });
        else if (d.direction === 'out' && d.kind === 'text' && e.actorId) {
          const c: Omit<Contribution, 'day' | 'unitId' | 'memberId'> = { figures: { messagesOut: 1 } };
          if (s.session?.awaiting) {
            c.firstResponseSeconds = Math.max(0, (at.getTime() - Date.parse(s.session.start)) / 1000);
            s.session.awaiting = false;
          }
          add(at, attributionOf(s, ctx), c);
        }
        break;
      case 'conversation.completed': {
        countSession(at);
        const c: Omit<Contribution, 'day' | 'unitId' | 'memberId'> = { figures: { completed: 1 } };
        if (s.session) c.resolutionSeconds = Math.max(0, (at.getTime() - Date.parse(s.session.start)) / 1000);
        add(at, attributionOf(s, ctx), c);
        s.session = null;
        break;
      }
      case 'conversation.trashed':
        countSession(at);
        s.session = null;
        break;
      case 'customer.bound':
        s.boundUnitId = String((d.after as { unitId: string }).unitId);
        break;
      case 'customer.unbound':
        s.boundUnitId = null;
        break;
    }
  }
  return { state: s, contributions: out };
}
