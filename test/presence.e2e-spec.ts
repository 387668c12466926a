import { expectError, SeedOrg, seedOrg } from './support/org-fixture';
import { eventually } from './support/queues';
import { presenceOf, startAppWith } from './support/routing';
import { connectInbox, InboxClient, settle } from './support/sockets';
import { startTestApp, TestApp } from './support/test-app';

jest.setTimeout(180_000);

/**
 * Presence (docs/routing.md) with two server processes sharing PostgreSQL and Redis: a socket
 * on either makes a member available on both; `presence.changed` reaches the member's unit, its
 * ancestors and its children only; `away` is chosen; `offline` follows the grace period.
 */
describe('presence', () => {
  let a: TestApp;
  let b: TestApp;
  let org: SeedOrg;
  const watchers: Record<string, InboxClient> = {};
  const observers = ['heine', 'managerB', 'managerC', 'winnie', 'southManager'] as const;
  const env = { PRESENCE_SWEEP_MS: '100', PRESENCE_HEARTBEAT_MS: '200' };

  /** Who received `presence.changed` for the member with this presence. */
  const heard = (memberId: string, presence: string) =>
    observers.filter((w) => watchers[w].of('presence.changed').some((p) => p.memberId === memberId && p.presence === presence));

  beforeAll(async () => {
    a = await startAppWith(startTestApp, env, { listen: true });
    b = await startAppWith(startTestApp, env, { listen: true, shareWith: a });
    org = await seedOrg(a);
    // Observers split over both processes.
    for (const [i, w] of observers.entries()) watchers[w] = await connectInbox(i % 2 ? b.url! : a.url!, org[w].token);
    await eventually(async () => (await presenceOf(a, org.admin.token, org.southManager.id)) === 'available');
    await settle();
    Object.values(watchers).forEach((c) => c.take());
  });
  afterAll(async () => {
    Object.values(watchers).forEach((c) => c.close());
    await b.close();
    await a.close();
  });

  it('a member never connected is offline; GET /members carries presence', async () => {
    expect(await presenceOf(a, org.admin.token, org.managerA.id)).toBe('offline');
    const list = (await a.as(org.admin.token).get('/api/v1/members').expect(200)).body.items;
    const byId = Object.fromEntries(list.map((m: { id: string; presence: string }) => [m.id, m.presence]));
    expect(byId[org.managerA.id]).toBe('offline');
    expect(byId[org.heine.id]).toBe('available');
    expect(byId[org.vincent.id]).toBe('offline');
  });

  it('a socket on process B makes the member available on A too; the unit, its ancestors and its children are told', async () => {
    const socket = await connectInbox(b.url!, org.managerA.token);
    await eventually(async () => (await presenceOf(a, org.admin.token, org.managerA.id)) === 'available');
    await eventually(async () => heard(org.managerA.id, 'available').length === 4);
    // 中區營業所: B and C (same unit), heine (HQ, above), Winnie (台中北屯門市, below); not 南區.
    expect(heard(org.managerA.id, 'available')).toEqual(['heine', 'managerB', 'managerC', 'winnie']);
    await settle();
    expect(watchers.southManager.of('presence.changed').filter((p) => p.memberId === org.managerA.id)).toEqual([]);

    // A second socket changes nothing; closing one of two keeps the member available.
    const second = await connectInbox(a.url!, org.managerA.token);
    second.close();
    await settle(300);
    expect(await presenceOf(b, org.admin.token, org.managerA.id)).toBe('available');
    expect(watchers.managerB.of('presence.changed').filter((p) => p.memberId === org.managerA.id)).toHaveLength(1);

    // away / available by choice, pushed the same way.
    const res = await a.as(org.managerA.token).put('/api/v1/me/status', { status: 'away' }).expect(200);
    expect(res.body).toEqual({ memberId: org.managerA.id, presence: 'away' });
    expect(await presenceOf(b, org.admin.token, org.managerA.id)).toBe('away');
    await eventually(async () => heard(org.managerA.id, 'away').length === 4);
    expectError(await a.as(org.managerA.token).put('/api/v1/me/status', { status: 'offline' }), 400);
    await a.as(org.managerA.token).put('/api/v1/me/status', { status: 'available' }).expect(200);
    await eventually(async () => (await presenceOf(a, org.admin.token, org.managerA.id)) === 'available');

    // Without a socket for presenceGraceSeconds: offline, pushed by the sweep.
    await a.as(org.admin.token).patch('/api/v1/org', { settings: { presenceGraceSeconds: 1 } }).expect(200);
    const org2 = (await a.as(org.admin.token).get('/api/v1/org').expect(200)).body;
    expect(org2.settings).toMatchObject({ presenceGraceSeconds: 1, requeueOfflineAfterSeconds: null });
    socket.close();
    await eventually(async () => (await presenceOf(a, org.admin.token, org.managerA.id)) === 'offline');
    await eventually(async () => heard(org.managerA.id, 'offline').length === 4);
    expect(heard(org.managerA.id, 'offline')).toEqual(['heine', 'managerB', 'managerC', 'winnie']);
  });

  it('a process that stops (without its sockets saying goodbye) leaves its members offline after the grace period', async () => {
    const c = await startAppWith(startTestApp, env, { listen: true, shareWith: a });
    const socket = await connectInbox(c.url!, org.vincent.token);
    await eventually(async () => (await presenceOf(a, org.admin.token, org.vincent.id)) === 'available');
    // Its heartbeat stops: the claim lapses (3 heartbeats), then the grace period runs out.
    const presence = c.app.get((await import('../src/modules/presence/presence.service')).PresenceService);
    (presence as unknown as { local: Map<string, unknown> }).local.clear();
    await eventually(async () => (await presenceOf(a, org.admin.token, org.vincent.id)) === 'offline', 15000);
    socket.close();
    await c.close();
  });
});
