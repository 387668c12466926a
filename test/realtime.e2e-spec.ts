import { Permission } from '../src/modules/access/permissions';
import { lineEvent, lineWebhook } from './fixtures/providers';
import { createChannel, postWebhook, TestChannel } from './support/channels';
import { customerSays, newLineUserId } from './support/inbox';
import { Actor, createMember, createRole, SeedOrg, seedOrg } from './support/org-fixture';
import { connectInbox, InboxClient, settle } from './support/sockets';
import { startTestApp, TestApp } from './support/test-app';

/** SPEC §8 over real sockets: the seed's worked example, redaction, permission changes, two instances. */
describe('real-time gateway /inbox', () => {
  let t: TestApp;
  let org: SeedOrg;
  let line: TestChannel;
  const clients: Record<string, InboxClient> = {};
  const who = ['admin', 'heine', 'managerA', 'managerB', 'managerC', 'winnie', 'vincent', 'southManager'] as const;

  const takeAll = () => Object.fromEntries(who.map((w) => [w, clients[w].take()]));
  const events = (batch: Record<string, { event: string; payload: any }[]>, event: string, conversationId: string) =>
    who.filter((w) => batch[w].some((r) => r.event === event && (r.payload.conversationId ?? r.payload.id) === conversationId));

  beforeAll(async () => {
    t = await startTestApp({}, { listen: true });
    org = await seedOrg(t);
    line = await createChannel(t, org.admin.token, 'line');
    for (const w of who) clients[w] = await connectInbox(t.url!, (org[w] as Actor).token);
    // Connecting made everyone available: those presence.changed events (test/presence.e2e-spec.ts) arrive first.
    await settle();
    takeAll();
  });
  afterAll(async () => {
    Object.values(clients).forEach((c) => c.close());
    await t.close();
  });

  describe('handshake', () => {
    it('refuses a bad or missing token with connect_error', async () => {
      await expect(connectInbox(t.url!, 'not-a-jwt')).rejects.toThrow(/unauthorized/);
      await expect(connectInbox(t.url!, '')).rejects.toThrow(/unauthorized/);
    });
  });

  describe('the seed worked example over sockets', () => {
    let conversationId: string;

    it('a new unassigned conversation reaches members with the unassigned folder only', async () => {
      takeAll();
      ({ conversationId } = await customerSays(t, line, newLineUserId(), '請問門市營業時間?'));
      await settle();
      const batch = takeAll();
      expect(events(batch, 'message.created', conversationId)).toEqual(['admin', 'heine', 'managerA', 'managerB', 'managerC', 'southManager']);
      expect(events(batch, 'conversation.upserted', conversationId)).toEqual(['admin', 'heine', 'managerA', 'managerB', 'managerC', 'southManager']);
      const upserted = batch.managerA.find((r) => r.event === 'conversation.upserted')!.payload;
      expect(upserted).toMatchObject({ id: conversationId, status: 'open', folders: ['unassigned'], lastMessage: { text: '請問門市營業時間?' } });
      expect(batch.winnie).toEqual([]);
    });

    it('assigned to manager A: the other region loses it (conversation.removed), store members hear nothing', async () => {
      await t.as(org.heine.token).post(`/api/v1/conversations/${conversationId}/assign`, { assigneeId: org.managerA.id }).expect(200);
      await settle();
      const batch = takeAll();
      expect(events(batch, 'conversation.removed', conversationId)).toEqual(['southManager']);
      expect(events(batch, 'conversation.upserted', conversationId)).toEqual(['admin', 'heine', 'managerA', 'managerB', 'managerC']);
      expect(batch.managerA.find((r) => r.event === 'conversation.upserted')!.payload.folders).toEqual(['assigned', 'department']);
      expect(batch.heine.find((r) => r.event === 'conversation.upserted')!.payload.folders).toEqual(['department', 'subordinates']);
      expect(batch.winnie).toEqual([]);
      expect(batch.vincent).toEqual([]);
    });

    it('a customer message now reaches only A, B, C, HQ and the admin', async () => {
      const [cu] = await t.query(`SELECT external_id FROM customers WHERE id = (SELECT customer_id FROM conversations WHERE id = $1)`, [conversationId]);
      await customerSays(t, line, cu.external_id, '好的,謝謝');
      await settle();
      const batch = takeAll();
      expect(events(batch, 'message.created', conversationId)).toEqual(['admin', 'heine', 'managerA', 'managerB', 'managerC']);
    });

    it('transferred to store member Winnie: the store gains it, nobody above loses it', async () => {
      await t.as(org.managerA.token).post(`/api/v1/conversations/${conversationId}/assign`, { assigneeId: org.winnie.id, note: '請門市協助' }).expect(200);
      await settle();
      const batch = takeAll();
      expect(events(batch, 'conversation.removed', conversationId)).toEqual([]);
      expect(events(batch, 'conversation.upserted', conversationId)).toEqual(['admin', 'heine', 'managerA', 'managerB', 'managerC', 'winnie', 'vincent']);
      expect(batch.managerA.find((r) => r.event === 'conversation.upserted')!.payload.folders).toEqual(['department', 'subordinates', 'previously_handled']);
      // the transfer note is an internal note: members see it, the customer never gets it
      expect(events(batch, 'message.created', conversationId)).toEqual(['admin', 'heine', 'managerA', 'managerB', 'managerC', 'winnie', 'vincent']);
      expect(batch.southManager).toEqual([]);
    });

    it('transferred on to the other region: B and C receive conversation.removed, A keeps it as previously handled', async () => {
      await t.as(org.heine.token).post(`/api/v1/conversations/${conversationId}/assign`, { assigneeId: org.southManager.id }).expect(200);
      await settle();
      const batch = takeAll();
      expect(events(batch, 'conversation.removed', conversationId)).toEqual(['managerB', 'managerC', 'vincent']);
      expect(events(batch, 'conversation.upserted', conversationId)).toEqual(['admin', 'heine', 'managerA', 'winnie', 'southManager']);
      expect(batch.managerA.find((r) => r.event === 'conversation.upserted')!.payload.folders).toEqual(['previously_handled']);
      expect(batch.winnie.find((r) => r.event === 'conversation.upserted')!.payload.folders).toEqual(['previously_handled']);
    });
  });

  describe('private content', () => {
    it('arrives redacted at sockets without conversation.private.view', async () => {
      const role = await createRole(t, org.admin.token, '私密區經理', [
        Permission.InboxAccess, Permission.FolderAssigned, Permission.FolderDepartment, Permission.ConversationReply, Permission.ConversationPrivate,
      ]);
      const agent = await createMember(t, org.admin.token, { name: 'Private One', unitId: org.units.central, roleId: role });
      const { conversationId } = await customerSays(t, line, newLineUserId(), 'hello');
      await t.as(org.heine.token).post(`/api/v1/conversations/${conversationId}/assign`, { assigneeId: agent.id }).expect(200);
      await settle();
      takeAll();
      await t.as(agent.token).post(`/api/v1/conversations/${conversationId}/messages`, { text: '私下給您優惠價' }).expect(201);
      await settle();
      const batch = takeAll();
      const forB = batch.managerB.find((r) => r.event === 'message.created')!.payload; // 區經理 without private.view
      expect(forB).toMatchObject({ private: true, redacted: true, text: null, attachments: [] });
      const forHeine = batch.heine.find((r) => r.event === 'message.created')!.payload; // Supervisor holds private.view
      expect(forHeine).toMatchObject({ private: true, redacted: false, text: '私下給您優惠價' });
      const preview = batch.managerB.find((r) => r.event === 'conversation.upserted')!.payload.lastMessage;
      expect(preview).toMatchObject({ redacted: true, text: null });
      expect(JSON.stringify(batch.managerB)).not.toContain('私下給您優惠價');
    });
  });

  describe('notifications', () => {
    it('notification.created reaches only its recipient, live', async () => {
      const { conversationId } = await customerSays(t, line, newLineUserId(), '請主管協助');
      await t.as(org.heine.token).post(`/api/v1/conversations/${conversationId}/assign`, { assigneeId: org.managerA.id }).expect(200);
      await settle();
      takeAll();
      const note = await t.as(org.managerA.token).post(`/api/v1/conversations/${conversationId}/notes`, { text: '@C 請協助', mentionIds: [org.managerC.id] }).expect(201);
      await settle();
      const batch = takeAll();
      expect(who.filter((w) => batch[w].some((r) => r.event === 'notification.created'))).toEqual(['managerC']);
      expect(batch.managerC.find((r) => r.event === 'notification.created')!.payload).toMatchObject({
        type: 'mention',
        readAt: null,
        payload: { conversationId, messageId: note.body.id, fromMemberId: org.managerA.id },
      });
    });
  });

  describe('customers', () => {
    it('unfollow and follow push customer.updated to the conversation\'s readers only', async () => {
      const userId = newLineUserId();
      const { conversationId, customerId } = await customerSays(t, line, userId, '之後再聯絡');
      await settle();
      takeAll();
      await postWebhook(t, line, lineWebhook(line.externalId, [lineEvent({ userId, type: 'unfollow' })])).expect(200);
      await settle();
      let batch = takeAll();
      const updated = (w: (typeof who)[number]) => batch[w].some((r) => r.event === 'customer.updated' && r.payload.id === customerId);
      // An open unassigned unbound conversation: readers are the unassigned-folder holders.
      expect(who.filter(updated)).toEqual(['admin', 'heine', 'managerA', 'managerB', 'managerC', 'southManager']);
      const [row] = await t.query(`SELECT followed FROM customers WHERE id = $1`, [customerId]);
      expect(row.followed).toBe(false);
      // The same state again changes nothing and pushes nothing.
      await postWebhook(t, line, lineWebhook(line.externalId, [lineEvent({ userId, type: 'unfollow' })])).expect(200);
      await settle();
      batch = takeAll();
      expect(who.filter(updated)).toEqual([]);
      expect(conversationId).toBeTruthy();
    });
  });

  describe('permission changes apply to open sockets at once', () => {
    it('permissions.changed, then no more events the new role cannot read', async () => {
      const role = await createRole(t, org.admin.token, '暫時角色', [Permission.InboxAccess, Permission.FolderUnassigned]);
      const m = await createMember(t, org.admin.token, { name: 'Temp', unitId: org.units.south, roleId: role });
      const sock = await connectInbox(t.url!, m.token);
      await customerSays(t, line, newLineUserId(), 'first');
      await settle();
      expect(sock.of('message.created')).toHaveLength(1);
      sock.take();
      await t.as(org.admin.token).patch(`/api/v1/roles/${role}`, { permissions: [Permission.InboxAccess, Permission.FolderAssigned] }).expect(200);
      await settle();
      expect(sock.of('permissions.changed')).toEqual([expect.objectContaining({ memberId: m.id, folders: ['assigned'], permissions: [Permission.FolderAssigned, Permission.InboxAccess] })]);
      sock.take();
      await customerSays(t, line, newLineUserId(), 'second');
      await settle();
      expect(sock.received).toEqual([]);
      sock.close();
    });

    it('deactivation disconnects the member’s sockets and their token no longer connects', async () => {
      const m = await createMember(t, org.admin.token, { name: 'Leaver', unitId: org.units.beitun, roleId: org.roles.storeAgent });
      const sock = await connectInbox(t.url!, m.token);
      const disconnected = new Promise<string>((resolve) => sock.socket.once('disconnect', (reason) => resolve(reason)));
      await t.as(org.admin.token).post(`/api/v1/members/${m.id}/deactivate`, { handoverMemberId: org.vincent.id }).expect(200);
      expect(await disconnected).toBe('io server disconnect');
      await expect(connectInbox(t.url!, m.token)).rejects.toThrow(/unauthorized/);
    });
  });

  describe('several server processes', () => {
    it('a webhook posted to one instance reaches a socket connected to the other', async () => {
      const second = await startTestApp(t.env, { listen: true, shareWith: t });
      try {
        const sock = await connectInbox(second.url!, org.managerB.token);
        const { conversationId } = await customerSays(t, line, newLineUserId(), 'via instance one');
        await settle(300);
        expect(sock.of('message.created')).toEqual([expect.objectContaining({ conversationId, text: 'via instance one' })]);
        sock.close();
      } finally {
        await second.close();
      }
    });
  });
});
