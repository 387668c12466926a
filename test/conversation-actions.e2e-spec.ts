import { randomUUID } from 'crypto';
import { Permission } from '../src/modules/access/permissions';
import { createChannel, TestChannel } from './support/channels';
import { customerSays, folderIds, newLineUserId } from './support/inbox';
import { Actor, createMember, createRole, SeedOrg, seedOrg } from './support/org-fixture';
import { startTestApp, TestApp } from './support/test-app';

describe('conversation actions, private conversations and field permissions', () => {
  let t: TestApp;
  let org: SeedOrg;
  let line: TestChannel;
  let wa: TestChannel;
  let privateAgent: Actor; // 中區 agent holding conversation.private (but not .view)
  let viewerWithPrivate: Actor; // 中區 supervisor holding conversation.private.view
  let plainAgent: Actor; // 中區 agent without either

  const post = (who: Actor, id: string, action: string, body?: object) => t.as(who.token).post(`/api/v1/conversations/${id}/${action}`, body);
  const fresh = async (text = 'hello') => (await customerSays(t, line, newLineUserId(), text)).conversationId;

  beforeAll(async () => {
    t = await startTestApp();
    org = await seedOrg(t);
    line = await createChannel(t, org.admin.token, 'line');
    wa = await createChannel(t, org.admin.token, 'whatsapp');
    const base = [Permission.InboxAccess, Permission.FolderUnassigned, Permission.FolderAssigned, Permission.FolderDepartment, Permission.FolderPreviouslyHandled, Permission.ConversationReply, Permission.ConversationNote, Permission.ConversationClaim, Permission.ConversationAssign, Permission.ConversationComplete, Permission.ConversationTrash];
    const privateRole = await createRole(t, org.admin.token, '私密業務', [...base, Permission.ConversationPrivate]);
    const viewRole = await createRole(t, org.admin.token, '私密主管', [...base, Permission.FolderPrivate, Permission.ConversationPrivateView, Permission.CustomerProfileView, Permission.CustomerSensitiveView, Permission.CustomerProfileEdit, Permission.CustomerTagsView, Permission.CustomerTagsEdit]);
    const plainRole = await createRole(t, org.admin.token, '一般業務', base);
    privateAgent = await createMember(t, org.admin.token, { name: 'Private Agent', unitId: org.units.central, roleId: privateRole });
    viewerWithPrivate = await createMember(t, org.admin.token, { name: 'Private Viewer', unitId: org.units.central, roleId: viewRole });
    plainAgent = await createMember(t, org.admin.token, { name: 'Plain Agent', unitId: org.units.central, roleId: plainRole });
  });
  afterAll(() => t.close());

  describe('claim', () => {
    it('two members claiming at once: exactly one wins, the other gets 409', async () => {
      for (let round = 0; round < 5; round++) {
        const id = await fresh(`race ${round}`);
        const results = await Promise.all([post(org.managerA, id, 'claim'), post(org.managerB, id, 'claim')]);
        expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
        const winner = results.find((r) => r.status === 200)!;
        const [row] = await t.query(`SELECT assignee_id FROM conversations WHERE id = $1`, [id]);
        expect([org.managerA.id, org.managerB.id]).toContain(row.assignee_id);
        expect(winner.body.assigneeId).toBe(row.assignee_id);
        expect(Number((await t.query(`SELECT count(*) FROM assignments WHERE conversation_id = $1`, [id]))[0].count)).toBe(1);
      }
    });

    it('claiming needs conversation.claim (403) and a readable conversation (404)', async () => {
      const id = await fresh();
      await post(org.winnie, id, 'claim').expect(404); // store agents cannot read unassigned conversations
      const noClaim = await createRole(t, org.admin.token, 'no claim', [Permission.InboxAccess, Permission.FolderUnassigned]);
      const m = await createMember(t, org.admin.token, { name: 'No Claim', unitId: org.units.central, roleId: noClaim });
      await post(m, id, 'claim').expect(403);
      await post(org.managerA, randomUUID(), 'claim').expect(404);
    });
  });

  describe('assign, transfer, complete, reopen, trash, unassign', () => {
    it('refuses assignees who cannot hold the conversation (422) and keeps the history', async () => {
      const id = await fresh();
      const deactivatedLike = await createRole(t, org.admin.token, 'no inbox', [Permission.FolderAll]);
      const noInbox = await createMember(t, org.admin.token, { name: 'No Inbox', unitId: org.units.central, roleId: deactivatedLike });
      const waOnly = await createMember(t, org.admin.token, { name: 'WA only', unitId: org.units.central, roleId: org.roles.regionManager, channelAccountIds: [wa.id] });
      await post(org.heine, id, 'assign', { assigneeId: noInbox.id }).expect(422);
      await post(org.heine, id, 'assign', { assigneeId: waOnly.id }).expect(422);
      await post(org.heine, id, 'assign', { assigneeId: randomUUID() }).expect(422);
      await post(org.heine, id, 'assign', { assigneeId: org.managerA.id, note: 'first' }).expect(200);
      await post(org.heine, id, 'assign', { assigneeId: org.managerA.id }).expect(409);
      await post(org.winnie, id, 'assign', { assigneeId: org.winnie.id }).expect(404);
      await post(org.managerA, id, 'unassign').expect(200);
      await post(org.managerA, id, 'unassign').expect(409);
      await post(org.managerA, id, 'claim').expect(200);
      await post(org.managerA, id, 'complete').expect(200);
      await post(org.managerA, id, 'complete').expect(409);
      await post(org.managerA, id, 'assign', { assigneeId: org.managerB.id }).expect(409);
      await post(org.managerA, id, 'reopen').expect(200);
      await post(org.managerA, id, 'reopen').expect(409);
      await post(org.heine, id, 'trash').expect(200);
      await post(org.heine, id, 'trash').expect(409);
      const history = await t.as(org.heine.token).get(`/api/v1/conversations/${id}/assignments`).expect(200);
      expect(history.body.items.map((a: { memberId: string; endReason: string }) => [a.memberId, a.endReason])).toEqual([
        [org.managerA.id, 'unassigned'],
        [org.managerA.id, 'completed'],
      ]);
      const [conv] = await t.query(`SELECT status, assignee_id FROM conversations WHERE id = $1`, [id]);
      expect(conv).toEqual({ status: 'trashed', assignee_id: null });
      expect(await folderIds(t, org.heine.token, 'trash')).toContain(id);
    });

    it('lacking the action permission on a readable conversation is 403', async () => {
      const id = await fresh();
      await post(org.winnie, id, 'trash').expect(404);
      await post(org.managerA, id, 'trash').expect(403); // 區經理 lacks conversation.trash
      await post(org.managerA, id, 'assign', { assigneeId: org.managerB.id }).expect(200);
      await post(org.winnie, id, 'complete').expect(404);
    });
  });

  describe('private conversations (SPEC §4)', () => {
    it('a private session: every message is private, redacted for viewers without conversation.private.view, closed by a system message', async () => {
      const userId = newLineUserId();
      const { conversationId: id } = await customerSays(t, line, userId, 'before the session');
      await post(org.heine, id, 'assign', { assigneeId: privateAgent.id }).expect(200);
      await customerSays(t, line, userId, 'my card number is 4111');
      const reply = await post(privateAgent, id, 'messages', { text: 'noted, thank you' }).expect(201);
      // SPEC §4 is strict: without conversation.private.view even the author gets the redacted form.
      expect(reply.body).toMatchObject({ private: true, redacted: true, text: null });

      const asPlain = await t.as(plainAgent.token).get(`/api/v1/conversations/${id}/messages`).expect(200);
      const [replyP, customerP, before] = asPlain.body.items;
      expect(asPlain.body.items).toHaveLength(3);
      expect(replyP).toEqual({ id: reply.body.id, conversationId: id, direction: 'out', kind: 'text', contentType: 'text', text: null, attachments: [], private: true, redacted: true, sender: { type: 'member' }, status: expect.any(String), error: null, createdAt: expect.any(String) });
      expect(customerP).toMatchObject({ private: true, redacted: true, text: null, direction: 'in' });
      expect(before).toMatchObject({ private: false, redacted: false, text: 'before the session' });
      expect(JSON.stringify(asPlain.body)).not.toMatch(/4111|noted, thank you/);

      const asViewer = await t.as(viewerWithPrivate.token).get(`/api/v1/conversations/${id}/messages`).expect(200);
      expect(asViewer.body.items.map((m: { text: string }) => m.text)).toEqual(expect.arrayContaining(['noted, thank you', 'my card number is 4111', 'before the session']));

      // previews in folder listings are redacted too
      const listing = await t.as(plainAgent.token).get('/api/v1/folders/department/conversations').expect(200);
      const summary = listing.body.items.find((c: { id: string }) => c.id === id);
      expect(summary.lastMessage).toMatchObject({ id: reply.body.id, redacted: true, text: null });

      // the private folder: units of the session, for holders of folder.private + conversation.private.view
      expect(await folderIds(t, viewerWithPrivate.token, 'private')).toContain(id);
      expect(await folderIds(t, org.heine.token, 'private')).toContain(id); // HQ supervisor: ancestor unit

      await post(privateAgent, id, 'complete').expect(200);
      const after = await t.as(viewerWithPrivate.token).get(`/api/v1/conversations/${id}/messages`).expect(200);
      expect(after.body.items[0]).toMatchObject({ kind: 'system', text: 'private_session_ended', private: false, sender: { type: 'system' } });
    });

    it('unassigned: a private member’s messages are private, the customer’s are not', async () => {
      const userId = newLineUserId();
      const { conversationId: id } = await customerSays(t, line, userId, 'anyone there?');
      await post(privateAgent, id, 'messages', { text: 'private hello' }).expect(201);
      await customerSays(t, line, userId, 'public reply');
      const asPlain = await t.as(plainAgent.token).get(`/api/v1/conversations/${id}/messages`).expect(200);
      expect(asPlain.body.items.map((m: { text: string | null; redacted: boolean }) => [m.text, m.redacted])).toEqual([
        ['public reply', false],
        [null, true],
        ['anyone there?', false],
      ]);
    });
  });

  describe('customer field permissions', () => {
    let customerId: string;
    let conversationId: string;

    beforeAll(async () => {
      ({ customerId, conversationId } = await customerSays(t, line, newLineUserId(), 'profile please'));
      await t.query(`UPDATE customers SET profile = $2, tags = '{VIP}' WHERE id = $1`, [customerId, { name: '王小明', phone: '0912345678', idNumber: 'A123456789', bankCard: '4111111111111111' }]);
    });

    it('profile and tags are absent without view permissions (in the conversation detail too)', async () => {
      const res = await t.as(plainAgent.token).get(`/api/v1/customers/${customerId}`).expect(200);
      expect(res.body).not.toHaveProperty('profile');
      expect(res.body).not.toHaveProperty('tags');
      const detail = await t.as(plainAgent.token).get(`/api/v1/conversations/${conversationId}`).expect(200);
      expect(detail.body.customer).not.toHaveProperty('profile');
      expect(JSON.stringify(detail.body)).not.toContain('0912345678');
    });

    it('sensitive fields are masked, and ?reveal=true unmasks them for customer.sensitive.view with an audit entry', async () => {
      const masked = await t.as(viewerWithPrivate.token).get(`/api/v1/customers/${customerId}`).expect(200);
      expect(masked.body.profile).toMatchObject({ name: '王小明', phone: '******5678', idNumber: '******6789' });
      expect(masked.body.tags).toEqual(['VIP']);
      const revealed = await t.as(viewerWithPrivate.token).get(`/api/v1/customers/${customerId}?reveal=true`).expect(200);
      expect(revealed.body.profile).toMatchObject({ phone: '0912345678', idNumber: 'A123456789', bankCard: '4111111111111111' });
      const audit = await t.as(org.admin.token).get(`/api/v1/audit-logs?action=customer.sensitive_revealed&actorId=${viewerWithPrivate.id}`).expect(200);
      expect(audit.body.items[0]).toMatchObject({ targetType: 'customer', targetId: customerId });
      await t.as(org.managerA.token).get(`/api/v1/customers/${customerId}?reveal=true`).expect(403);
      await t.as(org.winnie.token).get(`/api/v1/customers/${customerId}`).expect(404);
    });

    it('profile and tags are editable only with edit permission and write access', async () => {
      await t.as(plainAgent.token).patch(`/api/v1/customers/${customerId}`, { profile: { note: 'x' } }).expect(403);
      const ok = await t.as(viewerWithPrivate.token).patch(`/api/v1/customers/${customerId}`, { displayName: '小明', profile: { note: '常客' } }).expect(200);
      expect(ok.body).toMatchObject({ displayName: '小明', profile: { note: '常客', name: '王小明', phone: '******5678' } });
      await t.as(viewerWithPrivate.token).patch(`/api/v1/customers/${customerId}`, { profile: { unknownField: 1 } }).expect(400);
      const tags = await t.as(viewerWithPrivate.token).put(`/api/v1/customers/${customerId}/tags`, { tags: ['VIP', '試駕', 'VIP'] }).expect(200);
      expect(tags.body.tags).toEqual(['VIP', '試駕']);
      await t.as(plainAgent.token).put(`/api/v1/customers/${customerId}/tags`, { tags: ['x'] }).expect(403);
    });
  });
});
