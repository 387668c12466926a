import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { QueueName } from '../src/infra/queue/queues';
import { EventRelay } from '../src/modules/events/event-relay';
import { createChannel, TestChannel } from './support/channels';
import { customerSays, newLineUserId } from './support/inbox';
import { expectError, randomId, SeedOrg, seedOrg, signup } from './support/org-fixture';
import { ProviderStub } from './support/provider-stub';
import { eventually } from './support/queues';
import { startTestApp, TestApp } from './support/test-app';

const PUSH = '/v2/bot/message/push';

/**
 * Failed outbound deliveries, visible and recoverable (docs/operations.md): the LINE stand-in
 * refuses two replies of 台中北屯門市's customer conversation for good (HTTP 400); the org's
 * admin lists them, retries one, and it reaches `sent` through the usual outbound worker.
 */
describe('failed deliveries: list, retry, queue state', () => {
  let t: TestApp;
  let stub: ProviderStub;
  let org: SeedOrg;
  let line: TestChannel;
  let conversationId: string;
  const failed: string[] = [];

  /** Every committed event relayed and nothing waiting, delayed or running in the outbound queue (other queues are not this test's). */
  const outboundDrained = async () => {
    const queue = t.app.get<Queue>(getQueueToken(QueueName.Outbound), { strict: false });
    const relay = t.app.get(EventRelay, { strict: false });
    await eventually(async () => {
      await relay.idle();
      const c = await queue.getJobCounts('waiting', 'active', 'delayed');
      const [{ n }] = await t.query(`SELECT count(*)::int AS n FROM event_outbox`);
      return n === 0 && c.waiting + c.active + c.delayed === 0;
    }, 30000);
  };
  const status = async (id: string) => (await t.query(`SELECT status, error, failed_at FROM messages WHERE id = $1`, [id]))[0];

  beforeAll(async () => {
    stub = await new ProviderStub().start();
    t = await startTestApp({ LINE_API_BASE_URL: stub.url, OUTBOUND_ATTEMPTS: '2', OUTBOUND_BACKOFF_MS: '20' });
    org = await seedOrg(t);
    line = await createChannel(t, org.admin.token, 'line');
    ({ conversationId } = await customerSays(t, line, newLineUserId(), '我的訂單還沒到'));
    // A 400 is final at once (a retry cannot fix it); both replies fail.
    stub.script(PUSH, { status: 400, body: { message: 'The request body has 1 error(s)' } }, { status: 400, body: { message: 'Invalid reply token' } });
    for (const text of ['第一則回覆', '第二則回覆']) {
      const res = await t.as(org.admin.token).post(`/api/v1/conversations/${conversationId}/messages`, { text }).expect(201);
      failed.push(res.body.id);
      await outboundDrained();
    }
  }, 180000);
  afterAll(async () => {
    await t.close();
    await stub.stop();
  });

  it('records the deliveries failed, with the error and when', async () => {
    for (const id of failed) expect(await status(id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/^HTTP 400/), failed_at: expect.any(Date) });
  });

  it('lists them for the admin, newest failure first, page by page', async () => {
    const first = await t.as(org.admin.token).get('/api/v1/admin/failed-deliveries?limit=1').expect(200);
    expect(first.body.items).toEqual([
      {
        messageId: failed[1],
        conversationId,
        channelAccountId: line.id,
        channel: 'line',
        error: 'HTTP 400: Invalid reply token',
        attempts: 1,
        createdAt: expect.any(String),
        failedAt: expect.any(String),
      },
    ]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await t.as(org.admin.token).get(`/api/v1/admin/failed-deliveries?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`).expect(200);
    expect(second.body.items.map((i: { messageId: string }) => i.messageId)).toEqual([failed[0]]);
    expect(second.body.items[0].error).toBe('HTTP 400: The request body has 1 error(s)');
    expect(second.body.nextCursor).toBeNull();
    expect(new Date(first.body.items[0].failedAt).getTime()).toBeGreaterThanOrEqual(new Date(second.body.items[0].failedAt).getTime());

    expectError(await t.as(org.admin.token).get('/api/v1/admin/failed-deliveries?cursor=garbage'), 400);
    expectError(await t.as(org.admin.token).get('/api/v1/admin/failed-deliveries?limit=0'), 400);
  });

  it('keeps them to the org and to org.manage', async () => {
    const other = await signup(t);
    const theirs = await t.as(other.admin.token).get('/api/v1/admin/failed-deliveries').expect(200);
    expect(theirs.body).toEqual({ items: [], nextCursor: null });
    expectError(await t.as(other.admin.token).post(`/api/v1/admin/failed-deliveries/${failed[0]}/retry`), 404);
    // 中區營業所's region manager reads the conversation but does not manage the org.
    expectError(await t.as(org.managerA.token).get('/api/v1/admin/failed-deliveries'), 403);
    expectError(await t.as(org.managerA.token).post(`/api/v1/admin/failed-deliveries/${failed[0]}/retry`), 403);
    expectError(await t.as(org.managerA.token).get('/api/v1/admin/queues'), 403);
    expect((await status(failed[0])).status).toBe('failed');
  });

  it('answers 404 for an unknown message or an inbound one, and 409 for one not failed', async () => {
    expectError(await t.as(org.admin.token).post(`/api/v1/admin/failed-deliveries/${randomId()}/retry`), 404);
    expectError(await t.as(org.admin.token).post(`/api/v1/admin/failed-deliveries/not-a-uuid/retry`), 404);
    const [inbound] = await t.query(`SELECT id FROM messages WHERE conversation_id = $1 AND direction = 'in'`, [conversationId]);
    expectError(await t.as(org.admin.token).post(`/api/v1/admin/failed-deliveries/${inbound.id}/retry`), 404);
    const sent = await t.as(org.admin.token).post(`/api/v1/conversations/${conversationId}/messages`, { text: '已為您查詢' }).expect(201);
    await outboundDrained();
    expect((await status(sent.body.id)).status).toBe('sent');
    expectError(await t.as(org.admin.token).post(`/api/v1/admin/failed-deliveries/${sent.body.id}/retry`), 409, /not failed/);
  });

  it('retries one through the outbound worker: the provider gets it again and it is sent; a second retry is a 409', async () => {
    const before = stub.to(PUSH).length;
    const res = await t.as(org.admin.token).post(`/api/v1/admin/failed-deliveries/${failed[0]}/retry`).expect(200);
    expect(res.body).toEqual({ messageId: failed[0], status: 'queued' });
    await outboundDrained();
    await eventually(async () => (await status(failed[0])).status === 'sent');
    expect(await status(failed[0])).toMatchObject({ status: 'sent', error: null, failed_at: null });
    const pushes = stub.to(PUSH).slice(before);
    expect(pushes.map((p) => [p.headers['x-line-retry-key'], p.body.messages[0].text])).toEqual([[failed[0], '第一則回覆']]);

    expectError(await t.as(org.admin.token).post(`/api/v1/admin/failed-deliveries/${failed[0]}/retry`), 409);
    await outboundDrained();
    expect(stub.to(PUSH).length).toBe(before + 1);
    const list = await t.as(org.admin.token).get('/api/v1/admin/failed-deliveries').expect(200);
    expect(list.body.items.map((i: { messageId: string }) => i.messageId)).toEqual([failed[1]]);
    // The retry is on the record: who asked, for which message.
    const [event] = await t.query(`SELECT actor_id, conversation_id, data FROM domain_events WHERE type = 'message.delivery_retried'`);
    expect(event).toEqual({ actor_id: org.admin.id, conversation_id: conversationId, data: { messageId: failed[0] } });
  });

  it('shows the queues with their job counts', async () => {
    const res = await t.as(org.admin.token).get('/api/v1/admin/queues').expect(200);
    const outbound = res.body.queues.find((q: { name: string }) => q.name === 'outbound');
    expect(res.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(expect.arrayContaining(['notifications', 'outbound']));
    // Drained: nothing waiting or running; the other reply's failed job is still kept by the queue.
    expect(outbound).toEqual({ name: 'outbound', available: true, waiting: 0, active: 0, delayed: 0, failed: 1 });
  });
});
