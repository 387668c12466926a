import { EventClock } from '../src/modules/events/event-clock';
import { RELATIVE_ERROR } from '../src/modules/reports/histogram';
import { createChannel, TestChannel } from './support/channels';
import { customerSays, newLineUserId } from './support/inbox';
import { Actor, expectError, memberWithPermissions, SeedOrg, seedOrg } from './support/org-fixture';
import { ProviderStub } from './support/provider-stub';
import { drainQueues, eventually } from './support/queues';
import { startTestApp, TestApp } from './support/test-app';

expect.extend({
  /** A percentile as reported: the exact nearest-rank value within the documented error (and rounding to whole seconds). */
  toBeAround(received: number, exact: number) {
    const pass = typeof received === 'number' && Math.abs(received - exact) <= exact * RELATIVE_ERROR + 0.5;
    return { pass, message: () => `expected ${received} to be within ${(RELATIVE_ERROR * 100).toFixed(1)} % of ${exact}` };
  },
});

/**
 * Reports (docs/reports.md) on a hand-built timeline: real webhooks and actions, with the
 * time recorded on their events pinned through the EventClock, so every expected figure is
 * worked out by hand below. The org is in Asia/Taipei (UTC+8).
 */
describe('reports', () => {
  let t: TestApp;
  let org: SeedOrg;
  let line: TestChannel;
  let providers: ProviderStub;
  let clock: EventClock;
  /** 台中北屯門市: claims, replies, completes. */
  let sally: Actor;
  /** 台中北屯門市: reads reports only. */
  let storeLead: Actor;
  let conv1: string;
  let conv2: string;

  /** Runs `work` with events stamped `iso`, and waits until they are relayed (rolled up). */
  const at = async <T>(iso: string, work: () => Promise<T>): Promise<T> => {
    clock.pin(new Date(iso));
    const out = await work();
    await drainQueues(t.app);
    return out;
  };
  const summary = async (token: string, query: string) => (await t.as(token).get(`/api/v1/reports/summary?${query}`).expect(200)).body;
  const about = (exact: number) => expect.toBeAround(exact);

  beforeAll(async () => {
    providers = await new ProviderStub().start();
    t = await startTestApp({ LINE_API_BASE_URL: providers.url });
    clock = t.app.get(EventClock);
    org = await seedOrg(t);
    line = await createChannel(t, org.admin.token, 'line');
    await t.as(org.admin.token).patch('/api/v1/org', { settings: { timezone: 'Asia/Taipei', transferTimeoutSeconds: 1 } }).expect(200);
    sally = await memberWithPermissions(
      t,
      org.admin.token,
      org.units.beitun,
      ['inbox.access', 'folder.unassigned', 'folder.assigned', 'conversation.reply', 'conversation.claim', 'conversation.complete'],
      'Sally 門市',
    );
    storeLead = await memberWithPermissions(t, org.admin.token, org.units.beitun, ['report.view'], 'Store Lead');

    // Conversation 1 (customer U1), across the Taipei midnight of 1 → 2 March.
    const u1 = newLineUserId();
    conv1 = (await at('2026-03-01T15:50:00Z', () => customerSays(t, line, u1, '你好', Date.parse('2026-03-01T15:50:00Z')))).conversationId; // 23:50 local
    await at('2026-03-01T15:55:00Z', () => t.as(sally.token).post(`/api/v1/conversations/${conv1}/claim`).expect(200));
    await at('2026-03-01T16:10:00Z', () => t.as(sally.token).post(`/api/v1/conversations/${conv1}/messages`, { text: '您好' }).expect(201)); // 00:10 local, 2 March
    await at('2026-03-01T16:40:00Z', () => t.as(sally.token).post(`/api/v1/conversations/${conv1}/complete`).expect(200));
    // The customer writes again: reopened (unassigned), claimed, answered, done.
    await at('2026-03-02T02:00:00Z', () => customerSays(t, line, u1, '還有一個問題', Date.parse('2026-03-02T02:00:00Z')));
    await at('2026-03-02T02:30:00Z', () => t.as(sally.token).post(`/api/v1/conversations/${conv1}/claim`).expect(200));
    await at('2026-03-02T02:31:00Z', () => t.as(sally.token).post(`/api/v1/conversations/${conv1}/messages`, { text: '好的' }).expect(201));
    await at('2026-03-02T03:00:00Z', () => t.as(sally.token).post(`/api/v1/conversations/${conv1}/complete`).expect(200));

    // Conversation 2 (customer U2): Manager A claims, answers, transfers to Sally, who never replies.
    conv2 = (await at('2026-03-02T01:00:00Z', () => customerSays(t, line, newLineUserId(), '請問營業時間', Date.parse('2026-03-02T01:00:00Z')))).conversationId;
    await at('2026-03-02T01:05:00Z', () => t.as(org.managerA.token).post(`/api/v1/conversations/${conv2}/claim`).expect(200));
    await at('2026-03-02T01:11:00Z', () => t.as(org.managerA.token).post(`/api/v1/conversations/${conv2}/messages`, { text: '早上九點' }).expect(201));
    clock.pin(new Date('2026-03-02T01:20:00Z'));
    await t.as(org.managerA.token).post(`/api/v1/conversations/${conv2}/assign`, { assigneeId: sally.id }).expect(200);
    // The transfer-timeout job fires (1 s later in real time); its event is stamped an hour on.
    clock.pin(new Date('2026-03-02T02:20:00Z'));
    await eventually(async () => (await t.query(`SELECT 1 FROM domain_events WHERE type = 'conversation.transfer_timed_out' AND conversation_id = $1`, [conv2])).length > 0, 20000);
    await drainQueues(t.app);

    // Conversation 3, in 南區營業所.
    const conv3 = (await at('2026-03-01T04:00:00Z', () => customerSays(t, line, newLineUserId(), '南部門市在哪', Date.parse('2026-03-01T04:00:00Z')))).conversationId;
    await at('2026-03-01T04:01:00Z', () => t.as(org.southManager.token).post(`/api/v1/conversations/${conv3}/claim`).expect(200));
    clock.pin(null);
  }, 180000);

  afterAll(async () => {
    await t.close();
    await providers.stop();
  });

  /*
   * Worked out by hand (docs/reports.md has the rules):
   * Sally   conversations 2 (conv1 on 1 Mar local, its reopening on 2 Mar), reopened 1, messagesIn 1
   *         (the reopening message: nobody held it, its last holder was Sally), messagesOut 2,
   *         first responses 20 min (15:50→16:10) and 31 min (02:00→02:31), resolutions 50 min
   *         (15:50→16:40) and 60 min (02:00→03:00), transferTimeouts 1, completed 2.
   * A       conversations 1, messagesOut 1, first response 11 min (01:00→01:11), transfers 1.
   * South   conversations 1.
   * nobody  messagesIn 3 (each conversation's first message, never held then: the root unit).
   */
  const sallyFigures = {
    conversations: 2,
    reopened: 1,
    messagesIn: 1,
    messagesOut: 2,
    firstResponseSeconds: { p50: about(1200), p90: about(1860) },
    resolutionSeconds: { p50: about(3000), p90: about(3600) },
    transfers: 0,
    transferTimeouts: 1,
    completed: 2,
  };
  const aFigures = {
    conversations: 1,
    reopened: 0,
    messagesIn: 0,
    messagesOut: 1,
    firstResponseSeconds: { p50: about(660), p90: about(660) },
    resolutionSeconds: { p50: null, p90: null },
    transfers: 1,
    transferTimeouts: 0,
    completed: 0,
  };
  const none = { p50: null, p90: null };

  it('HQ sees every unit; grouped by member, figures follow the holder', async () => {
    const r = await summary(org.heine.token, 'from=2026-03-01&to=2026-03-02&groupBy=member');
    expect(r).toMatchObject({ from: '2026-03-01', to: '2026-03-02', groupBy: 'member', unitId: org.units.hq, timezone: 'Asia/Taipei' });
    const byKey = Object.fromEntries(r.items.map((i: { key: string | null }) => [i.key ?? 'none', i]));
    expect(Object.keys(byKey).sort()).toEqual([sally.id, org.managerA.id, org.southManager.id, 'none'].sort());
    expect(byKey[sally.id]).toEqual({ key: sally.id, label: 'Sally 門市', ...sallyFigures });
    expect(byKey[org.managerA.id]).toEqual({ key: org.managerA.id, label: 'Manager A', ...aFigures });
    expect(byKey[org.southManager.id]).toMatchObject({ conversations: 1, messagesIn: 0, messagesOut: 0, firstResponseSeconds: none });
    expect(byKey.none).toMatchObject({ key: null, conversations: 0, messagesIn: 3 });
    // Totals: first responses [660, 1200, 1860] → p50 1200, p90 1860 (nearest rank).
    expect(r.totals).toEqual({
      conversations: 4,
      reopened: 1,
      messagesIn: 4,
      messagesOut: 3,
      firstResponseSeconds: { p50: about(1200), p90: about(1860) },
      resolutionSeconds: { p50: about(3000), p90: about(3600) },
      transfers: 1,
      transferTimeouts: 1,
      completed: 2,
    });
  });

  it('grouped by unit: each unit its own figures; unitId narrows to a subtree', async () => {
    const r = await summary(org.heine.token, 'from=2026-03-01&to=2026-03-31&groupBy=unit');
    const byKey = Object.fromEntries(r.items.map((i: { key: string }) => [i.key, i]));
    expect(r.items.map((i: { key: string }) => i.key).sort()).toEqual(Object.values(org.units).sort());
    expect(byKey[org.units.beitun]).toEqual({ key: org.units.beitun, label: '台中北屯門市', ...sallyFigures });
    expect(byKey[org.units.central]).toEqual({ key: org.units.central, label: '中區營業所', ...aFigures });
    expect(byKey[org.units.hq]).toMatchObject({ conversations: 0, messagesIn: 3 });
    expect(byKey[org.units.south]).toMatchObject({ conversations: 1 });
    const central = await summary(org.heine.token, `from=2026-03-01&to=2026-03-31&groupBy=unit&unitId=${org.units.central}`);
    expect(central.items.map((i: { key: string }) => i.key).sort()).toEqual([org.units.central, org.units.beitun].sort());
    expect(central.totals).toMatchObject({ conversations: 3, transfers: 1, transferTimeouts: 1, completed: 2, messagesIn: 1, messagesOut: 3 });
  });

  it('a year read from yearly rollups, or mixed with months and days, adds up the same figures', async () => {
    // Every event of the timeline is on 1–2 March 2026, so any range around them must agree.
    const days = await summary(org.heine.token, 'from=2026-03-01&to=2026-03-02&groupBy=member');
    const year = await summary(org.heine.token, 'from=2026-01-01&to=2026-12-31&groupBy=member');
    expect({ items: year.items, totals: year.totals }).toEqual({ items: days.items, totals: days.totals });
    const month = await summary(org.heine.token, 'from=2026-03-01&to=2026-03-31&groupBy=unit');
    for (const range of ['from=2025-12-15&to=2027-01-10', 'from=2025-11-01&to=2027-02-28', 'from=2026-02-01&to=2026-04-30']) {
      const r = await summary(org.heine.token, `${range}&groupBy=unit`);
      expect({ range, items: r.items, totals: r.totals }).toEqual({ range, items: month.items, totals: month.totals });
    }
  });

  it('a store member sees only the store; any unit outside its subtree answers 404', async () => {
    const r = await summary(storeLead.token, 'from=2026-03-01&to=2026-03-02');
    expect(r.unitId).toBe(org.units.beitun);
    expect(r.items).toEqual([{ key: org.units.beitun, label: '台中北屯門市', ...sallyFigures }]);
    for (const unitId of [org.units.central, org.units.hq, org.units.south, '00000000-0000-4000-8000-000000000000']) {
      expectError(await t.as(storeLead.token).get(`/api/v1/reports/summary?from=2026-03-01&to=2026-03-02&unitId=${unitId}`), 404);
    }
    expectError(await t.as(org.southManager.token).get('/api/v1/reports/summary?from=2026-03-01&to=2026-03-02'), 403);
  });

  it('days are Taipei days: what happened after 16:00 UTC on 1 March counts on 2 March', async () => {
    const r = await summary(storeLead.token, 'from=2026-02-28&to=2026-03-02&groupBy=day');
    expect(r.items.map((i: { key: string }) => i.key)).toEqual(['2026-02-28', '2026-03-01', '2026-03-02']);
    const [feb28, mar1, mar2] = r.items;
    expect(feb28).toMatchObject({ conversations: 0, messagesOut: 0, completed: 0 });
    // conv1 started 23:50 local on 1 March (its session counts on its start day)…
    expect(mar1).toEqual({ key: '2026-03-01', label: '2026-03-01', conversations: 1, reopened: 0, messagesIn: 0, messagesOut: 0, firstResponseSeconds: none, resolutionSeconds: none, transfers: 0, transferTimeouts: 0, completed: 0 });
    // …its answer (00:10 local) and completion (00:40 local) fall on 2 March, with the reopening.
    expect(mar2).toEqual({ key: '2026-03-02', label: '2026-03-02', ...sallyFigures, conversations: 1 });
  });

  it('a replayed event is not counted twice', async () => {
    const before = await summary(org.heine.token, 'from=2026-03-01&to=2026-03-02&groupBy=member');
    // Every event of both conversations goes back to the outbox with its lease run out: relayed again.
    const replayed = await t.query(
      `INSERT INTO event_outbox (event_id, lease_until) SELECT id, now() - interval '1 second' FROM domain_events WHERE conversation_id = ANY($1::uuid[]) RETURNING event_id`,
      [[conv1, conv2]],
    );
    expect(replayed.length).toBeGreaterThan(10);
    await eventually(async () => (await t.query(`SELECT count(*)::int AS n FROM event_outbox`))[0].n === 0, 20000);
    await drainQueues(t.app);
    expect(await summary(org.heine.token, 'from=2026-03-01&to=2026-03-02&groupBy=member')).toEqual(before);
  });

  it('exports CSV with report.export only, audited with its query', async () => {
    expectError(await t.as(org.heine.token).get('/api/v1/reports/summary.csv?from=2026-03-01&to=2026-03-02'), 403);
    const res = await t.as(org.admin.token).get(`/api/v1/reports/summary.csv?from=2026-03-01&to=2026-03-02&groupBy=unit&unitId=${org.units.central}`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.text.replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines[0]).toBe('key,label,conversations,reopened,messagesIn,messagesOut,firstResponseP50Seconds,firstResponseP90Seconds,resolutionP50Seconds,resolutionP90Seconds,transfers,transferTimeouts,completed');
    expect(lines).toHaveLength(4);
    const beitun = lines.find((l) => l.startsWith(org.units.beitun))!.split(',');
    expect(beitun.slice(1, 6)).toEqual(['台中北屯門市', '2', '1', '1', '2']);
    expect(lines[3].split(',').slice(0, 3)).toEqual(['total', 'Total', '3']);
    const audit = await t.as(org.admin.token).get('/api/v1/audit-logs?action=report.exported').expect(200);
    expect(audit.body.items).toEqual([
      expect.objectContaining({ actorId: org.admin.id, action: 'report.exported', after: { query: { from: '2026-03-01', to: '2026-03-02', unitId: org.units.central, groupBy: 'unit' } } }),
    ]);
  });

  it('refuses malformed ranges with 400', async () => {
    for (const q of ['from=2026-03-02&to=2026-03-01', 'from=2026-3-1&to=2026-03-02', 'to=2026-03-02', 'from=2026-03-01&to=2026-03-02&groupBy=week']) {
      expectError(await t.as(org.heine.token).get(`/api/v1/reports/summary?${q}`), 400);
    }
  });
});

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Expect {
      toBeAround(exact: number): unknown;
    }
    interface Matchers<R> {
      toBeAround(exact: number): R;
    }
  }
}
