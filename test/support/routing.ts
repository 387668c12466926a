import { eventually } from './queues';
import { connectInbox, InboxClient } from './sockets';
import type { TestApp } from './test-app';

/** Starts a test app with env overrides (restored afterwards) and options (listen, shareWith). */
export async function startAppWith(start: (env: Record<string, string>, opts: object) => Promise<TestApp>, env: Record<string, string>, opts: object): Promise<TestApp> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  try {
    return await start(env, opts);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** A member's presence as GET /members/:id reports it. */
export async function presenceOf(t: TestApp, adminToken: string, memberId: string): Promise<string> {
  const res = await t.as(adminToken).get(`/api/v1/members/${memberId}`).expect(200);
  return res.body.presence;
}

/** Connects a socket for the member (to `url`) and waits until the API reports them available. */
export async function goOnline(t: TestApp, url: string, adminToken: string, member: { id: string; token: string }): Promise<InboxClient> {
  const client = await connectInbox(url, member.token);
  await eventually(async () => (await presenceOf(t, adminToken, member.id)) === 'available');
  return client;
}

/** The conversation's assignments as GET /conversations/:id/assignments lists them. */
export async function assignmentsOf(t: TestApp, token: string, conversationId: string): Promise<any[]> {
  return (await t.as(token).get(`/api/v1/conversations/${conversationId}/assignments`).expect(200)).body.items;
}

export async function assigneeOf(t: TestApp, conversationId: string): Promise<string | null> {
  const [row] = await t.query(`SELECT assignee_id FROM conversations WHERE id = $1`, [conversationId]);
  return row.assignee_id;
}
