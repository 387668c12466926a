import { lineEvent, lineWebhook } from './fixtures/providers';
import { createChannel, postWebhook, TestChannel } from './support/channels';
import { newLineUserId } from './support/inbox';
import { Actor, createMember, createRole, SeedOrg, seedOrg, STORE_AGENT_PERMISSIONS } from './support/org-fixture';
import { eventually } from './support/queues';
import { presenceOf, startAppWith } from './support/routing';
import { connectInbox, InboxClient, settle } from './support/sockets';
import { startTestApp, TestApp } from './support/test-app';

jest.setTimeout(300_000);

/**
 * Routing under concurrency with TWO server processes on one database and one Redis: many
 * simultaneous webhooks creating conversations, split over both processes, routed round robin
 * to store members connected to one process or the other. Never two assignments of one
 * conversation, never a member over capacity, and members connected only to the other process
 * are routed work decided here.
 */
describe('routing concurrency (two processes)', () => {
  let a: TestApp;
  let b: TestApp;
  let org: SeedOrg;
  let line: TestChannel;
  const agents: Actor[] = [];
  const sockets: InboxClient[] = [];
  const CAPACITY = 10;
  const AGENTS = 4;
  const CONVERSATIONS = 60;
  // Waits are bounded generously: every routing decision about the store is serialized by its lock.
  const env = { PRESENCE_SWEEP_MS: '200', DATABASE_POOL_SIZE: '8', DATABASE_ACQUIRE_TIMEOUT_MS: '120000', DATABASE_LOCK_TIMEOUT_MS: '120000' };

  beforeAll(async () => {
    a = await startAppWith(startTestApp, env, { listen: true });
    b = await startAppWith(startTestApp, env, { listen: true, shareWith: a });
    org = await seedOrg(a);
    line = await createChannel(a, org.admin.token, 'line');
    const role = await createRole(a, org.admin.token, '門市客服', STORE_AGENT_PERMISSIONS);
    await a.as(org.admin.token).patch(`/api/v1/roles/${role}`, { maxOpenConversations: CAPACITY }).expect(200);
    for (let i = 0; i < AGENTS; i++) agents.push(await createMember(a, org.admin.token, { name: `Store agent ${i}`, unitId: org.units.beitun, roleId: role }));
    await a.as(org.admin.token).patch(`/api/v1/units/${org.units.beitun}`, { routing: 'round_robin' }).expect(200);
    await a.as(org.admin.token).patch(`/api/v1/channel-accounts/${line.id}`, { routingUnitId: org.units.beitun }).expect(200);
    // Half the agents connect to A only, half to B only.
    for (const [i, agent] of agents.entries()) sockets.push(await connectInbox(i % 2 ? b.url! : a.url!, agent.token));
    for (const agent of agents) await eventually(async () => (await presenceOf(a, org.admin.token, agent.id)) === 'available');
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await b.close();
    await a.close();
  });

  it(`${CONVERSATIONS} simultaneous new conversations over both processes: each routed at most once, nobody over capacity, every seat filled`, async () => {
    const users = Array.from({ length: CONVERSATIONS }, () => newLineUserId());
    const answers = await Promise.all(users.map((userId, i) => postWebhook(i % 2 ? b : a, line, lineWebhook(line.externalId, [lineEvent({ userId, text: `排隊 ${i}` })]))));
    expect(answers.map((r) => r.status)).toEqual(users.map(() => 200));
    await settle(0);

    const [totals] = await a.query(
      `SELECT count(*)::int AS conversations, count(assignee_id)::int AS assigned FROM conversations WHERE channel_account_id = $1`,
      [line.id],
    );
    expect(totals).toEqual({ conversations: CONVERSATIONS, assigned: AGENTS * CAPACITY });
    // Never routed twice: one assignment row at most per conversation, and it is the current one.
    const twice = await a.query(
      `SELECT a.conversation_id, count(*)::int AS n FROM assignments a JOIN conversations c ON c.id = a.conversation_id
        WHERE c.channel_account_id = $1 GROUP BY a.conversation_id HAVING count(*) > 1`,
      [line.id],
    );
    expect(twice).toEqual([]);
    const rows = await a.query(`SELECT member_id, count(*)::int AS n, bool_and(via = 'routing' AND ended_at IS NULL) AS routed FROM assignments WHERE member_id = ANY($1::uuid[]) GROUP BY member_id`, [
      agents.map((x) => x.id),
    ]);
    // Every agent, whichever process their socket is on, holds exactly their capacity.
    expect(rows.map((r: { member_id: string; n: number; routed: boolean }) => [r.member_id, r.n, r.routed]).sort()).toEqual(agents.map((x) => [x.id, CAPACITY, true]).sort());
    const [waiting] = await a.query(
      `SELECT count(*)::int AS n FROM conversations WHERE channel_account_id = $1 AND assignee_id IS NULL AND status = 'open' AND home_unit_id = $2`,
      [line.id, org.units.beitun],
    );
    expect(waiting.n).toBe(CONVERSATIONS - AGENTS * CAPACITY);
  });
});
