import { lineEvent, lineWebhook } from './fixtures/providers';
import { createChannel, postWebhook, TestChannel } from './support/channels';
import { customerSays, newLineUserId } from './support/inbox';
import { SeedOrg, seedOrg, startTestAppWithEnv } from './support/org-fixture';
import { TestApp } from './support/test-app';

/**
 * Found by `npm run bench`: every statement of the inbound transaction must run on the
 * transaction's own connection. One lookup that took a second pool connection (the assignee's
 * role, for private sessions) deadlocked the pool once more webhooks than pool connections
 * were in flight: each held a transaction and waited for a connection none would free.
 */
describe('concurrent webhooks to assigned conversations', () => {
  let t: TestApp;
  let org: SeedOrg;
  let line: TestChannel;
  const POOL = 3;
  const CONCURRENT = 30;

  beforeAll(async () => {
    t = await startTestAppWithEnv({ DATABASE_POOL_SIZE: String(POOL) });
    org = await seedOrg(t);
    line = await createChannel(t, org.admin.token, 'line');
  });
  afterAll(() => t.close());

  it(`answers ${CONCURRENT} simultaneous webhooks with a pool of ${POOL} connections and stores every message once`, async () => {
    const users = Array.from({ length: CONCURRENT }, () => newLineUserId());
    for (const [i, userId] of users.entries()) {
      const { conversationId } = await customerSays(t, line, userId, `first ${i}`);
      const assignee = i % 2 ? org.winnie : org.vincent;
      await t.as(org.admin.token).post(`/api/v1/conversations/${conversationId}/assign`, { assigneeId: assignee.id }).expect(200);
    }

    const answers = await Promise.all(users.map((userId, i) => postWebhook(t, line, lineWebhook(line.externalId, [lineEvent({ userId, text: `burst ${i}` })]))));

    expect(answers.map((r) => r.status)).toEqual(users.map(() => 200));
    const [row] = await t.query(`SELECT count(*)::int AS n, count(DISTINCT conversation_id)::int AS conversations FROM messages WHERE text LIKE 'burst %' AND channel_account_id = $1`, [line.id]);
    expect(row).toEqual({ n: CONCURRENT, conversations: CONCURRENT });
  }, 60_000);
});
