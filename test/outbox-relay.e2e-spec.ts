import { EventRelay } from '../src/modules/events/event-relay';
import { lineEvent, lineWebhook } from './fixtures/providers';
import { createChannel, postWebhook, TestChannel } from './support/channels';
import { customerSays, newLineUserId } from './support/inbox';
import { SeedOrg, seedOrg } from './support/org-fixture';
import { ProviderStub } from './support/provider-stub';
import { drainQueues, eventually } from './support/queues';
import { connectInbox, InboxClient } from './support/sockets';
import { startTestApp, TestApp } from './support/test-app';

/**
 * SPEC §20: a change committed is delivered to its sockets even if the process dies right
 * after the commit. Server A commits webhooks and replies but "dies" before relaying their
 * events (its relay is cut off, then the app is closed); server B, sharing the database and
 * Redis, picks the events up once A's lease runs out, and the sockets, the outbound sends and
 * the event table all show each change exactly once. The lease is long and is ended by the test
 * once B's socket is connected: B must not relay before anyone listens, however slowly it starts.
 */
describe('transactional outbox: committed changes survive the committing process', () => {
  const LEASE_SECONDS = '60';
  let a: TestApp;
  let b: TestApp | undefined;
  let org: SeedOrg;
  let line: TestChannel;
  let managerA: InboxClient | undefined;
  let stub: ProviderStub;
  let aClosed = false;
  const env = () => ({ EVENT_RELAY_LEASE_SECONDS: LEASE_SECONDS, EVENT_RELAY_POLL_MS: '200', LINE_API_BASE_URL: stub.url, GRAPH_API_BASE_URL: stub.url });

  beforeAll(async () => {
    stub = await new ProviderStub().start();
    a = await startTestApp(env(), { listen: true });
    org = await seedOrg(a);
    line = await createChannel(a, org.admin.token, 'line');
  });
  afterAll(async () => {
    managerA?.close();
    await b?.close();
    // A's app is already closed when the test ran; its database is dropped here.
    if (aClosed) await a.close().catch(() => undefined);
    else await a.close();
    await stub.stop();
  });

  it('the webhook answers before the fan-out: a relay that never runs does not hold back the 200', async () => {
    const relay = a.app.get(EventRelay);
    const dropped: string[] = [];
    // Process A "dies" between commit and fan-out: whatever it committed is never relayed by it.
    relay.committed = (events) => void dropped.push(...events.map((e) => e.id));

    const userId = newLineUserId();
    const { conversationId } = await customerSays(a, line, userId, '北屯門市還有貨嗎?');
    await postWebhook(a, line, lineWebhook(line.externalId, [lineEvent({ userId, text: '第二則', timestamp: Date.now() + 1 })])).expect(200);
    expect(dropped.length).toBeGreaterThan(0);
    const [{ n }] = await a.query(`SELECT count(*)::int AS n FROM event_outbox`);
    expect(n).toBe(dropped.length);

    // A reply committed by A: queued, its delivery also waits for the relay.
    const reply = await a.as(org.managerA.token).post(`/api/v1/conversations/${conversationId}/claim`).expect(200);
    expect(reply.body.id).toBe(conversationId);
    const sent = await a.as(org.managerA.token).post(`/api/v1/conversations/${conversationId}/messages`, { text: '有的,歡迎光臨' }).expect(201);
    expect(sent.body.status).toBe('queued');
    await a.app.close();
    aClosed = true;

    // Server B starts after A is gone; the socket is on B. Then A's lease runs out.
    b = await startTestApp(env(), { listen: true, shareWith: a });
    managerA = await connectInbox(b.url!, org.managerA.token);
    const [{ expired }] = await b.query(`WITH e AS (UPDATE event_outbox SET lease_until = now() - interval '1 second' RETURNING 1) SELECT count(*)::int AS expired FROM e`);
    expect(expired).toBe(dropped.length);
    await eventually(async () => managerA!.of('message.created').some((m) => m.id === sent.body.id), 15000);
    await drainQueues(b.app, 20000);

    const created = managerA.of('message.created').filter((m) => m.conversationId === conversationId);
    const texts = created.map((m) => m.text);
    expect(texts).toEqual(expect.arrayContaining(['北屯門市還有貨嗎?', '第二則', '有的,歡迎光臨']));
    // Each message once, in commit order.
    expect(new Set(created.map((m) => m.id)).size).toBe(created.length);
    expect(texts.indexOf('北屯門市還有貨嗎?')).toBeLessThan(texts.indexOf('有的,歡迎光臨'));
    expect(managerA.of('conversation.upserted').some((c) => c.id === conversationId && c.assigneeId === org.managerA.id)).toBe(true);

    // The reply reached the provider through B's relay and worker, and its status came back.
    const [row] = await b.query(`SELECT status FROM messages WHERE id = $1`, [sent.body.id]);
    expect(row.status).toBe('sent');
    await eventually(async () => managerA!.of('message.updated').some((m) => m.id === sent.body.id && m.status === 'sent'), 10000);
    const [{ left }] = await b.query(`SELECT count(*)::int AS left FROM event_outbox`);
    expect(left).toBe(0);
  });

  it('the event table keeps every change, append-only, with who did it', async () => {
    const db = b ?? a;
    const rows = await db.query<{ type: string; actor_id: string | null }>(`SELECT type, actor_id FROM domain_events ORDER BY id`);
    const types = rows.map((r) => r.type);
    expect(types).toEqual(expect.arrayContaining(['conversation.opened', 'message.created', 'conversation.changed', 'conversation.assigned']));
    expect(rows.find((r) => r.type === 'conversation.assigned')!.actor_id).toBe(org.managerA.id);
    expect(rows.filter((r) => r.type === 'conversation.opened')).toHaveLength(1);
  });
});
