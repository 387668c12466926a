import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { QueueName } from '../src/infra/queue/queues';
import { createChannel, TestChannel } from './support/channels';
import { customerSays, folderIds, newLineUserId } from './support/inbox';
import { SeedOrg,seedOrg } from './support/org-fixture';
import { drainQueues, eventually } from './support/queues';
import { connectInbox, InboxClient, settle } from './support/sockets';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Temporary grants and access requests (seed 004): heine (HQ supervisor, grant.issue) lends
 * Winnie (台中北屯門市) the unassigned folder for a few seconds; it works at once on REST and
 * sockets, and when it runs out nobody has to ask: the next event already respects it and
 * `permissions.changed` arrives.
 */
jest.setTimeout(120_000);

describe('governance: temporary grants and access requests', () => {
  let t: TestApp;
  let org: SeedOrg;
  let line: TestChannel;
  let winnieSocket: InboxClient;

  const me = async (token: string) => (await t.as(token).get('/api/v1/me').expect(200)).body;

  beforeAll(async () => {
    t = await startTestApp({}, { listen: true });
    org = await seedOrg(t);
    line = await createChannel(t, org.admin.token, 'line');
    winnieSocket = await connectInbox(t.url!, org.winnie.token);
  }, 180_000);

  afterAll(async () => {
    winnieSocket?.close();
    await t?.close();
  });

  it('a grant works at once on REST and sockets, and expires by itself while the socket stays open', async () => {
    expect((await me(org.winnie.token)).permissions).not.toContain('folder.unassigned');
    await t.as(org.winnie.token).get('/api/v1/folders/unassigned/conversations').expect(404);

    const grant = (
      await t.as(org.heine.token).post('/api/v1/grants', { memberId: org.winnie.id, permissions: ['folder.unassigned'], durationMinutes: 0.1, reason: '午班支援未分配' }).expect(201)
    ).body;
    expect(grant).toMatchObject({ memberId: org.winnie.id, permissions: ['folder.unassigned'], issuedById: org.heine.id, active: true, revokedAt: null });

    // REST: at once.
    expect((await me(org.winnie.token)).permissions).toContain('folder.unassigned');
    // Sockets: told at once, and the next conversation reaches her.
    const granted = await eventually(async () => winnieSocket.of('permissions.changed').find((p) => p.permissions.includes('folder.unassigned')));
    expect(granted.folders).toContain('unassigned');
    winnieSocket.take();
    const during = await customerSays(t, line, newLineUserId(), '請問有現貨嗎');
    await settle();
    expect(await folderIds(t, org.winnie.token, 'unassigned')).toContain(during.conversationId);
    expect(winnieSocket.of('conversation.upserted').map((c) => c.id)).toContain(during.conversationId);

    // Expiry: no request from anyone; the job records it and her socket hears it.
    const revoked = await eventually(async () => winnieSocket.of('permissions.changed').find((p) => !p.permissions.includes('folder.unassigned')), 20000);
    expect(revoked.folders).not.toContain('unassigned');
    winnieSocket.take();
    const after = await customerSays(t, line, newLineUserId(), '還有人在嗎');
    await settle();
    expect(winnieSocket.received.filter((r) => r.payload?.id === after.conversationId || r.payload?.conversationId === after.conversationId)).toEqual([]);
    await t.as(org.winnie.token).get('/api/v1/folders/unassigned/conversations').expect(404);
    await t.as(org.winnie.token).get(`/api/v1/conversations/${after.conversationId}`).expect(404);

    const list = (await t.as(org.heine.token).get(`/api/v1/grants?memberId=${org.winnie.id}`).expect(200)).body;
    expect(list.items.find((g: { id: string }) => g.id === grant.id)).toMatchObject({ active: false });
    const audit = (await t.as(org.admin.token).get('/api/v1/audit-logs?limit=100').expect(200)).body.items.map((a: { action: string }) => a.action);
    expect(audit).toEqual(expect.arrayContaining(['grant.issued', 'grant.expired']));
  });

  it('an expiry is recorded once, however often its job runs', async () => {
    const grant = (await t.as(org.heine.token).post('/api/v1/grants', { memberId: org.vincent.id, permissions: ['folder.done'], durationMinutes: 0.02, reason: 'drill' }).expect(201)).body;
    await eventually(async () => (await t.query(`SELECT 1 FROM grants WHERE id = $1 AND expiry_recorded_at IS NOT NULL`, [grant.id]))[0], 20000);
    const queue = t.app.get<Queue>(getQueueToken(QueueName.Governance));
    await queue.add('GrantExpiryJob', { orgId: org.orgId, grantId: grant.id });
    await drainQueues(t.app);
    const rows = await t.query(`SELECT count(*)::int AS n FROM audit_logs WHERE action = 'grant.expired' AND after IS NULL AND before->>'id' = $1`, [grant.id]);
    expect(rows[0].n).toBe(1);
  });

  it('the rules: subtree, own permissions, no self-grant, daily quota; revoke takes effect at once', async () => {
    // A region manager holds no grant.issue.
    await t.as(org.managerA.token).post('/api/v1/grants', { memberId: org.winnie.id, permissions: ['folder.done'], durationMinutes: 5, reason: 'x' }).expect(403);
    // Give 中區 manager A grant.issue through a role of their own.
    const roles = (await t.as(org.admin.token).get('/api/v1/roles').expect(200)).body.items;
    const rm = roles.find((r: { id: string }) => r.id === org.roles.regionManager);
    await t.as(org.admin.token).patch(`/api/v1/roles/${rm.id}`, { permissions: [...rm.permissions, 'grant.issue'] }).expect(200);

    // Outside the subtree (南區), a permission not held, oneself: refused.
    await t.as(org.managerA.token).post('/api/v1/grants', { memberId: org.southManager.id, permissions: ['folder.done'], durationMinutes: 5, reason: 'x' }).expect(403);
    const notHeld = await t.as(org.managerA.token).post('/api/v1/grants', { memberId: org.winnie.id, permissions: ['customer.sensitive.view'], durationMinutes: 5, reason: 'x' }).expect(403);
    expect(notHeld.body.message).toMatch(/customer\.sensitive\.view/);
    await t.as(org.managerA.token).post('/api/v1/grants', { memberId: org.managerA.id, permissions: ['folder.done'], durationMinutes: 5, reason: 'x' }).expect(422);
    await t.as(org.managerA.token).post('/api/v1/grants', { memberId: org.winnie.id, permissions: ['no.such'], durationMinutes: 5, reason: 'x' }).expect(400);

    // Quota per issuer per day (org setting).
    await t.query(`UPDATE orgs SET grant_quota_per_day = 2 WHERE id = $1`, [org.orgId]);
    const issue = () => t.as(org.managerA.token).post('/api/v1/grants', { memberId: org.winnie.id, permissions: ['folder.done'], durationMinutes: 5, reason: '月底盤點' });
    const results = await Promise.all([issue(), issue(), issue()]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 429]);
    expect((await me(org.winnie.token)).permissions).toContain('folder.done');

    // Revoke both: gone at once on REST, and her socket is told.
    winnieSocket.take();
    for (const r of results.filter((x) => x.status === 201)) {
      const revoked = (await t.as(org.managerA.token).delete(`/api/v1/grants/${r.body.id}`).expect(200)).body;
      expect(revoked).toMatchObject({ active: false, revokedById: org.managerA.id });
    }
    expect((await me(org.winnie.token)).permissions).not.toContain('folder.done');
    await eventually(async () => winnieSocket.of('permissions.changed').find((p) => !p.permissions.includes('folder.done')));
    // 南區's manager (now with grant.issue too) does not find 中區's grants.
    const someGrant = results.find((x) => x.status === 201)!.body.id;
    await t.as(org.southManager.token).delete(`/api/v1/grants/${someGrant}`).expect(404);
    expect((await t.as(org.southManager.token).get('/api/v1/grants').expect(200)).body.items).toEqual([]);
    await t.query(`UPDATE orgs SET grant_quota_per_day = 5 WHERE id = $1`, [org.orgId]);
  });

  it('an access request notifies the issuers above, is decided once, and approval issues the grant', async () => {
    const { conversationId } = await customerSays(t, line, newLineUserId(), '我要查詢上個月的訂單');
    const req = (
      await t.as(org.winnie.token).post('/api/v1/access-requests', { permissions: ['folder.done'], durationMinutes: 30, reason: '查詢歷史訂單', conversationId }).expect(201)
    ).body;
    expect(req).toMatchObject({ memberId: org.winnie.id, status: 'pending', conversationId, decidedById: null });

    // heine (HQ, grant.issue) is notified; Vincent (same store, no grant.issue) is not.
    await drainQueues(t.app);
    const heineNotes = await eventually(async () => {
      const items = (await t.as(org.heine.token).get('/api/v1/notifications?limit=50').expect(200)).body.items;
      return items.find((n: { type: string; payload: { requestId: string } }) => n.type === 'access_request' && n.payload.requestId === req.id);
    });
    expect(heineNotes.payload).toMatchObject({ memberId: org.winnie.id, permissions: ['folder.done'], reason: '查詢歷史訂單' });
    const vincentNotes = (await t.as(org.vincent.token).get('/api/v1/notifications?limit=50').expect(200)).body.items;
    expect(vincentNotes.filter((n: { type: string }) => n.type === 'access_request')).toEqual([]);

    // The requester sees their request; a decider outside the requester's subtree does not find it.
    expect((await t.as(org.winnie.token).get('/api/v1/access-requests').expect(200)).body.items.map((r: { id: string }) => r.id)).toContain(req.id);
    await t.as(org.winnie.token).post(`/api/v1/access-requests/${req.id}/approve`, {}).expect(403);

    const approved = (await t.as(org.heine.token).post(`/api/v1/access-requests/${req.id}/approve`, {}).expect(200)).body;
    expect(approved).toMatchObject({ status: 'approved', decidedById: org.heine.id });
    expect(approved.grantId).toEqual(expect.any(String));
    expect((await me(org.winnie.token)).permissions).toContain('folder.done');
    await t.as(org.heine.token).post(`/api/v1/access-requests/${req.id}/approve`, {}).expect(409);
    await t.as(org.heine.token).post(`/api/v1/access-requests/${req.id}/deny`, {}).expect(409);

    const other = (await t.as(org.vincent.token).post('/api/v1/access-requests', { permissions: ['folder.all'], durationMinutes: 10, reason: '想看全部' }).expect(201)).body;
    const denied = (await t.as(org.heine.token).post(`/api/v1/access-requests/${other.id}/deny`, {}).expect(200)).body;
    expect(denied).toMatchObject({ status: 'denied', grantId: null });
    expect((await me(org.vincent.token)).permissions).not.toContain('folder.all');

    const pending = (await t.as(org.heine.token).get('/api/v1/access-requests?status=pending').expect(200)).body.items.map((r: { id: string }) => r.id);
    expect(pending).not.toContain(req.id);
    const audit = (await t.as(org.admin.token).get('/api/v1/audit-logs?limit=100').expect(200)).body.items.map((a: { action: string }) => a.action);
    expect(audit).toEqual(expect.arrayContaining(['access_request.created', 'access_request.approved', 'access_request.denied']));
  });
});
