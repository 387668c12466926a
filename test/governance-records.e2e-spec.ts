import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Readable } from 'stream';
import { QueueName } from '../src/infra/queue/queues';
import { Permission } from '../src/modules/access/permissions';
import { OBJECT_STORAGE, ObjectStorage } from '../src/modules/media/storage/object-storage';
import { createChannel, TestChannel } from './support/channels';
import { customerSays, newLineUserId } from './support/inbox';
import { createMember, createRole, SeedOrg,seedOrg } from './support/org-fixture';
import { drainQueues } from './support/queues';
import { connectInbox, settle } from './support/sockets';
import { startTestApp, TestApp } from './support/test-app';

jest.setTimeout(120_000);

/** Export and erase (seed 004: admins only by default), retention (seed 002), and the audit trail. */
describe('governance: export, erase, retention and the audit trail', () => {
  let t: TestApp;
  let org: SeedOrg;
  let line: TestChannel;
  let storage: ObjectStorage;

  const audit = async (token: string, query = '') => (await t.as(token).get(`/api/v1/audit-logs?limit=100${query}`).expect(200)).body.items as { action: string; actorId: string | null; targetId: string | null; targetType: string; after: any }[];

  beforeAll(async () => {
    t = await startTestApp({ STORAGE_DIR: mkdtempSync(join(tmpdir(), 'omni-records-')) }, { listen: true });
    org = await seedOrg(t);
    line = await createChannel(t, org.admin.token, 'line');
    storage = t.app.get(OBJECT_STORAGE);
  }, 180_000);

  afterAll(async () => {
    await t?.close();
  });

  it('an export follows the exporter’s own permissions: no private text without conversation.private.view', async () => {
    const { conversationId } = await customerSays(t, line, newLineUserId(), '我的卡號是 4111-1111-1111-1111');
    await customerSays(t, line, (await t.query(`SELECT external_id FROM customers c JOIN conversations v ON v.customer_id = c.id WHERE v.id = $1`, [conversationId]))[0].external_id, '請幫我查訂單');
    // The first message became private (as a private session would make it).
    await t.query(`UPDATE messages SET private = true WHERE conversation_id = $1 AND text LIKE '%卡號%'`, [conversationId]);

    const auditorRole = await createRole(t, org.admin.token, '稽核', [Permission.InboxAccess, Permission.FolderAll, Permission.ConversationExport]);
    const auditor = await createMember(t, org.admin.token, { name: 'Auditor', unitId: org.units.hq, roleId: auditorRole });

    const json = (await t.as(auditor.token).get(`/api/v1/conversations/${conversationId}/export`).expect(200)).body;
    expect(json.conversation.id).toBe(conversationId);
    expect(json.messages.map((m: { text: string | null }) => m.text)).toEqual([null, '請幫我查訂單']);
    expect(json.messages[0]).toMatchObject({ private: true, redacted: true });
    expect(JSON.stringify(json)).not.toContain('4111');
    const csv = await t.as(auditor.token).get(`/api/v1/conversations/${conversationId}/export?format=csv`).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text).toContain('請幫我查訂單');
    expect(csv.text).not.toContain('4111');

    const adminJson = (await t.as(org.admin.token).get(`/api/v1/conversations/${conversationId}/export`).expect(200)).body;
    expect(adminJson.messages[0].text).toContain('4111');

    // No export permission → 403; cannot read → 404.
    await t.as(org.heine.token).get(`/api/v1/conversations/${conversationId}/export`).expect(403);
    await t.as(org.winnie.token).get(`/api/v1/conversations/${conversationId}/export`).expect(404);
    const entries = await audit(org.admin.token, `&action=conversation.exported&targetId=${conversationId}`);
    expect(entries.map((e) => e.after.format).sort()).toEqual(['csv', 'json', 'json']);
  });

  it('erasing a customer removes profile, messages, attachments and files; the next message starts afresh', async () => {
    const userId = newLineUserId();
    const { conversationId, customerId } = await customerSays(t, line, userId, '請刪除我的資料');
    const [message] = await t.query(`SELECT id FROM messages WHERE conversation_id = $1`, [conversationId]);
    const key = `test/${customerId}/receipt.jpg`;
    await storage.put(key, Readable.from([Buffer.from('jpeg bytes')]), { contentType: 'image/jpeg' });
    await t.query(
      `INSERT INTO attachments (org_id, message_id, direction, type, mime_type, size, status, storage_key) VALUES ($1, $2, 'in', 'image', 'image/jpeg', 10, 'stored', $3)`,
      [org.orgId, message.id, key],
    );
    await t.as(org.admin.token).put(`/api/v1/customers/${customerId}/binding`, { unitId: org.units.beitun }).expect(200);
    const heine = await connectInbox(t.url!, org.heine.token);
    try {
      await t.as(org.heine.token).delete(`/api/v1/customers/${customerId}`).expect(403);
      const res = await t.as(org.admin.token).delete(`/api/v1/customers/${customerId}`).expect(200);
      expect(res.body.erased).toMatchObject({ conversations: 1, messages: 1, attachments: 1, bindings: 1 });
      await settle();
      expect(heine.of('conversation.removed').map((p) => p.id ?? p.conversationId)).toContain(conversationId);
    } finally {
      heine.close();
    }
    expect(await storage.head(key)).toBeNull();
    await t.as(org.admin.token).get(`/api/v1/customers/${customerId}`).expect(404);
    await t.as(org.admin.token).get(`/api/v1/conversations/${conversationId}`).expect(404);
    expect(await t.query(`SELECT 1 FROM messages WHERE conversation_id = $1`, [conversationId])).toEqual([]);
    await t.as(org.admin.token).delete(`/api/v1/customers/${customerId}`).expect(404);

    const again = await customerSays(t, line, userId, '我又來了');
    expect(again.customerId).not.toBe(customerId);
    const [erased] = await audit(org.admin.token, `&action=customer.erased&targetId=${customerId}`);
    expect(erased.after).toMatchObject({ conversations: 1, messages: 1, attachments: 1, bindings: 1 });
  });

  it('retention deletes old history of done conversations only, in batches, once, audited with counts', async () => {
    const done = await customerSays(t, line, newLineUserId(), '舊的對話');
    const open = await customerSays(t, line, newLineUserId(), '還開著的舊對話');
    await t.as(org.admin.token).post(`/api/v1/conversations/${done.conversationId}/complete`).expect((r) => expect([200, 201]).toContain(r.status));
    await t.query(`UPDATE messages SET created_at = now() - interval '40 days' WHERE conversation_id = ANY($1::uuid[])`, [[done.conversationId, open.conversationId]]);
    await t.as(org.admin.token).patch('/api/v1/org', { settings: { retentionDays: 30 } }).expect(200);

    const queue = t.app.get<Queue>(getQueueToken(QueueName.Retention));
    await queue.add('RetentionSweepJob', {});
    await drainQueues(t.app);
    expect(await t.query(`SELECT 1 FROM messages WHERE conversation_id = $1`, [done.conversationId])).toEqual([]);
    expect((await t.query(`SELECT 1 FROM messages WHERE conversation_id = $1`, [open.conversationId])).length).toBe(1);
    const runs = await audit(org.admin.token, '&action=retention.applied');
    expect(runs).toHaveLength(1);
    expect(runs[0].after).toMatchObject({ retentionDays: 30, messages: expect.any(Number) });
    expect(runs[0].after.messages).toBeGreaterThanOrEqual(1);

    await queue.add('ApplyRetentionJob', { orgId: org.orgId });
    await drainQueues(t.app);
    expect(await audit(org.admin.token, '&action=retention.applied')).toHaveLength(1);
    await t.as(org.admin.token).patch('/api/v1/org', { settings: { retentionDays: null } }).expect(200);
  });

  it('inbox work and logins are audited; audit.view is scoped to the subtree; the CSV needs audit.export', async () => {
    const { conversationId } = await customerSays(t, line, newLineUserId(), '幫我轉給門市');
    await t.as(org.managerA.token).post(`/api/v1/conversations/${conversationId}/claim`).expect((r) => expect([200, 201]).toContain(r.status));
    await t.as(org.managerA.token).post(`/api/v1/conversations/${conversationId}/assign`, { assigneeId: org.winnie.id, note: '請門市處理' }).expect((r) => expect([200, 201]).toContain(r.status));
    await t.as(org.managerA.token).post(`/api/v1/conversations/${conversationId}/complete`).expect((r) => expect([200, 201]).toContain(r.status));
    await t.http().post('/api/v1/auth/login').send({ email: org.vincent.email, password: 'not-the-password' }).expect(401);
    // The entries come from the recorded events once relayed (the transfer's timeout check stays queued).
    await settle();

    const trail = await audit(org.admin.token, `&targetType=conversation&targetId=${conversationId}`);
    expect(trail.map((e) => e.action).reverse()).toEqual(['conversation.claimed', 'conversation.transferred', 'conversation.completed']);
    expect(trail.find((e) => e.action === 'conversation.transferred')!.after).toMatchObject({ assigneeId: org.winnie.id, note: '請門市處理' });
    const failed = await audit(org.admin.token, `&action=auth.login_failed&actorId=${org.vincent.id}`);
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(await audit(org.admin.token, `&action=conversation.completed&until=2000-01-01T00:00:00Z`)).toEqual([]);

    // 中區's manager with audit.view sees only what 中區 and below did.
    const rm = (await t.as(org.admin.token).get('/api/v1/roles').expect(200)).body.items.find((r: { id: string }) => r.id === org.roles.regionManager);
    await t.as(org.admin.token).patch(`/api/v1/roles/${rm.id}`, { permissions: [...rm.permissions, 'audit.view'] }).expect(200);
    const scoped = await audit(org.managerA.token);
    const actors = new Set(scoped.map((e) => e.actorId));
    expect(actors.has(org.managerA.id)).toBe(true);
    expect(actors.has(org.winnie.id)).toBe(true);
    expect(actors.has(org.admin.id)).toBe(false);
    expect(actors.has(null)).toBe(false);

    await t.as(org.managerA.token).get('/api/v1/audit-logs.csv').expect(403);
    const csv = await t.as(org.admin.token).get(`/api/v1/audit-logs.csv?targetId=${conversationId}`).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('id,at,actorId,action,targetType,targetId,before,after');
    expect(lines.slice(1).map((l) => l.split(',')[3])).toEqual(['conversation.completed', 'conversation.transferred', 'conversation.claimed']);
    expect((await audit(org.admin.token, '&action=audit.exported')).length).toBe(1);
  });
});
