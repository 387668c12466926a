import { Permission } from '../src/modules/access/permissions';
import { createChannel, TestChannel } from './support/channels';
import { customerSays, folderIds, newLineUserId } from './support/inbox';
import { expectError, memberWithPermissions, SeedOrg, seedOrg } from './support/org-fixture';
import { eventually } from './support/queues';
import { assigneeOf, assignmentsOf, goOnline, presenceOf, startAppWith } from './support/routing';
import { InboxClient, settle } from './support/sockets';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Routing (docs/routing.md) on the seed's tree: 台中北屯門市 routes the LINE account's
 * conversations to its store members (Winnie, Vincent) by its routing mode, within their
 * capacity and only while they are available; bound customers go to their member first; a
 * transfer to a unit makes it the home unit; offline assignees lose their work.
 */
jest.setTimeout(180_000);

describe('routing', () => {
  let t: TestApp;
  let org: SeedOrg;
  let line: TestChannel;
  const sockets: InboxClient[] = [];
  const admin = () => t.as(org.admin.token);
  const write = (text: string, userId = newLineUserId()) => customerSays(t, line, userId, text);
  const openOf = async (memberId: string) => (await t.query(`SELECT count(*)::int AS n FROM conversations WHERE assignee_id = $1 AND status = 'open'`, [memberId]))[0].n as number;
  const completeAllOf = async (memberId: string) => {
    for (const { id } of await t.query(`SELECT id FROM conversations WHERE assignee_id = $1 AND status = 'open'`, [memberId])) {
      await admin().post(`/api/v1/conversations/${id}/complete`).expect(200);
    }
  };

  beforeAll(async () => {
    t = await startAppWith(startTestApp, { PRESENCE_SWEEP_MS: '100', PRESENCE_HEARTBEAT_MS: '200' }, { listen: true });
    org = await seedOrg(t);
    line = await createChannel(t, org.admin.token, 'line');
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await t.close();
  });

  describe('who may hold a conversation', () => {
    it('refuses (422) a manual assignment to a member whose role lacks folder.assigned: they could not read what they hold', async () => {
      const { conversationId } = await write('請問有現貨嗎?');
      const blind = await memberWithPermissions(t, org.admin.token, org.units.beitun, [Permission.InboxAccess, Permission.FolderDepartment, Permission.FolderBound]);
      const res = await admin().post(`/api/v1/conversations/${conversationId}/assign`, { assigneeId: blind.id });
      expectError(res, 422, /folder\.assigned/);
      expect(await assigneeOf(t, conversationId)).toBeNull();
      // Exactly one of assigneeId and unitId.
      expectError(await admin().post(`/api/v1/conversations/${conversationId}/assign`, { assigneeId: org.winnie.id, unitId: org.units.beitun }), 400);
      expectError(await admin().post(`/api/v1/conversations/${conversationId}/assign`, {}), 400);
      await admin().post(`/api/v1/conversations/${conversationId}/complete`).expect(200);
    });

    it('offers exactly the members an assignment accepts: GET …/assignees, with presence and load', async () => {
      const { conversationId } = await write('誰可以接這個對話?');
      const blind = await memberWithPermissions(t, org.admin.token, org.units.beitun, [Permission.InboxAccess, Permission.FolderDepartment, Permission.FolderBound]);
      const { items } = (await admin().get(`/api/v1/conversations/${conversationId}/assignees`).expect(200)).body;
      const ids = items.map((m: { id: string }) => m.id);
      expect(ids).toEqual(expect.arrayContaining([org.winnie.id, org.vincent.id]));
      expect(ids).not.toContain(blind.id);
      const winnie = items.find((m: { id: string }) => m.id === org.winnie.id);
      expect(winnie).toEqual({ id: org.winnie.id, displayName: expect.any(String), unitId: org.units.beitun, presence: 'offline', openConversations: await openOf(org.winnie.id), maxOpenConversations: null });
      // Every one offered is accepted (the same rule); the one left out is refused.
      await admin().post(`/api/v1/conversations/${conversationId}/assign`, { assigneeId: org.vincent.id }).expect(200);
      expectError(await admin().post(`/api/v1/conversations/${conversationId}/assign`, { assigneeId: blind.id }), 422);
      // Someone who cannot read the conversation gets 404; a reader without conversation.assign 403.
      expectError(await t.as(org.southManager.token).get(`/api/v1/conversations/${conversationId}/assignees`), 404);
      expectError(await t.as(org.vincent.token).get(`/api/v1/conversations/${conversationId}/assignees`), 403);
      await admin().post(`/api/v1/conversations/${conversationId}/complete`).expect(200);
    });

    it('routes nothing while every unit is `manual` (the default)', async () => {
      const units = (await admin().get('/api/v1/units').expect(200)).body.items;
      expect(units.every((u: { routing: string }) => u.routing === 'manual')).toBe(true);
      const { conversationId } = await write('沒有人自動接手');
      expect(await assigneeOf(t, conversationId)).toBeNull();
      await admin().post(`/api/v1/conversations/${conversationId}/complete`).expect(200);
    });
  });

  describe("the store's routing", () => {
    beforeAll(async () => {
      const account = await admin().patch(`/api/v1/channel-accounts/${line.id}`, { routingUnitId: org.units.beitun }).expect(200);
      expect(account.body.routingUnitId).toBe(org.units.beitun);
      const unit = await admin().patch(`/api/v1/units/${org.units.beitun}`, { routing: 'round_robin' }).expect(200);
      expect(unit.body.routing).toBe('round_robin');
      sockets.push(await goOnline(t, t.url!, org.admin.token, org.winnie), await goOnline(t, t.url!, org.admin.token, org.vincent));
    });

    it('round_robin: new conversations take turns between the available store members, as ordinary assignments', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) ids.push((await write(`你好 ${i}`)).conversationId);
      const holders = await Promise.all(ids.map((id) => assigneeOf(t, id)));
      expect(new Set(holders.slice(0, 2))).toEqual(new Set([org.winnie.id, org.vincent.id]));
      expect(holders.slice(2)).toEqual(holders.slice(0, 2));

      const [assignment] = await assignmentsOf(t, org.admin.token, ids[0]);
      expect(assignment).toMatchObject({ memberId: holders[0], unitId: org.units.beitun, assignedById: null, via: 'routing', endedAt: null });
      // The holder reads it in `assigned`; the region above sees it in department + subordinates.
      const holder = holders[0] === org.winnie.id ? org.winnie : org.vincent;
      expect(await folderIds(t, holder.token, 'assigned')).toContain(ids[0]);
      expect(await folderIds(t, org.managerA.token, 'department')).toContain(ids[0]);
      await settle(0);
      // The transfer-timeout clock starts for routed assignments too.
      const [job] = await t.query(`SELECT count(*)::int AS n FROM domain_events WHERE type = 'conversation.assigned' AND conversation_id = $1 AND data->>'via' = 'routing'`, [ids[0]]);
      expect(job.n).toBe(1);
    });

    it('a member who is away gets no routed work; available again, they take turns again', async () => {
      const away = await t.as(org.vincent.token).put('/api/v1/me/status', { status: 'away' }).expect(200);
      expect(away.body).toEqual({ memberId: org.vincent.id, presence: 'away' });
      const list = (await admin().get(`/api/v1/members?unitId=${org.units.beitun}`).expect(200)).body.items;
      expect(list.find((m: { id: string }) => m.id === org.vincent.id).presence).toBe('away');
      expect(list.find((m: { id: string }) => m.id === org.winnie.id).presence).toBe('available');
      for (let i = 0; i < 2; i++) expect(await assigneeOf(t, (await write(`away ${i}`)).conversationId)).toBe(org.winnie.id);
      await t.as(org.vincent.token).put('/api/v1/me/status', { status: 'available' }).expect(200);
      expect(await presenceOf(t, org.admin.token, org.vincent.id)).toBe('available');
      expect(await assigneeOf(t, (await write('back')).conversationId)).toBe(org.vincent.id);
    });

    it("at capacity nobody gets routed work; the conversation waits in unassigned for the store's unit and its ancestors only", async () => {
      await completeAllOf(org.winnie.id);
      await completeAllOf(org.vincent.id);
      const role = await admin().patch(`/api/v1/roles/${org.roles.storeAgent}`, { maxOpenConversations: 1 }).expect(200);
      expect(role.body.maxOpenConversations).toBe(1);
      const first = await write('一號');
      const second = await write('二號');
      expect(new Set([await assigneeOf(t, first.conversationId), await assigneeOf(t, second.conversationId)])).toEqual(new Set([org.winnie.id, org.vincent.id]));
      const waiting = await write('三號');
      expect(await assigneeOf(t, waiting.conversationId)).toBeNull();

      // Home unit 台中北屯門市: its region and HQ see it waiting; the other region does not.
      expect(await folderIds(t, org.managerA.token, 'unassigned')).toContain(waiting.conversationId);
      expect(await folderIds(t, org.heine.token, 'unassigned')).toContain(waiting.conversationId);
      expect(await folderIds(t, org.southManager.token, 'unassigned')).not.toContain(waiting.conversationId);
      await t.as(org.southManager.token).get(`/api/v1/conversations/${waiting.conversationId}`).expect(404);

      // Manual assignment may exceed the capacity.
      await t.as(org.managerA.token).post(`/api/v1/conversations/${waiting.conversationId}/assign`, { assigneeId: org.winnie.id }).expect(200);
      expect(await openOf(org.winnie.id)).toBe(2);
      await t.as(org.managerA.token).post(`/api/v1/conversations/${waiting.conversationId}/unassign`).expect(200);
      await settle(0);
      expect(await assigneeOf(t, waiting.conversationId)).toBeNull();
    });

    it('dropping below capacity routes the oldest waiting conversation to that member', async () => {
      const [oldest] = await t.query(
        `SELECT c.id FROM conversations c WHERE c.status = 'open' AND c.assignee_id IS NULL AND c.home_unit_id = $1 ORDER BY c.last_customer_message_at LIMIT 1`,
        [org.units.beitun],
      );
      const newer = await write('四號');
      expect(await assigneeOf(t, newer.conversationId)).toBeNull();
      await completeAllOf(org.vincent.id);
      await settle(0);
      expect(await assigneeOf(t, oldest.id)).toBe(org.vincent.id);
      expect(await assigneeOf(t, newer.conversationId)).toBeNull();
      const history = await assignmentsOf(t, org.admin.token, oldest.id);
      expect(history.at(-1)).toMatchObject({ memberId: org.vincent.id, via: 'routing', assignedById: null });
      // Clean slate for the next tests: unlimited again, nothing waiting.
      await admin().patch(`/api/v1/roles/${org.roles.storeAgent}`, { maxOpenConversations: null }).expect(200);
      await admin().post(`/api/v1/conversations/${newer.conversationId}/complete`).expect(200);
      await settle(0);
    });

    it('least_busy: the member with the fewest open conversations', async () => {
      await admin().patch(`/api/v1/units/${org.units.beitun}`, { routing: 'least_busy' }).expect(200);
      await completeAllOf(org.winnie.id);
      await completeAllOf(org.vincent.id);
      await settle(0);
      const a = await write('忙碌 a');
      const first = (await assigneeOf(t, a.conversationId))!;
      const other = first === org.winnie.id ? org.vincent.id : org.winnie.id;
      // The other member has none: the next two go to them (1 vs 1 then ties by longest idle → `first` … ).
      expect(await assigneeOf(t, (await write('忙碌 b')).conversationId)).toBe(other);
      const c = await assigneeOf(t, (await write('忙碌 c')).conversationId);
      expect(c).toBe(first); // 1 each: the one idle longest (first was assigned before other)
      expect([await openOf(org.winnie.id), await openOf(org.vincent.id)].sort()).toEqual([1, 2]);
    });

    it("a bound customer's member comes first, whatever the unit's choice", async () => {
      const userId = newLineUserId();
      const { conversationId, customerId } = await write('我要找 Vincent', userId);
      await admin().put(`/api/v1/customers/${customerId}/binding`, { unitId: org.units.beitun, memberId: org.vincent.id }).expect(200);
      await admin().post(`/api/v1/conversations/${conversationId}/complete`).expect(200);
      // Make Vincent the busier one: least_busy alone would pick Winnie.
      await completeAllOf(org.winnie.id);
      const extra = await write('more for vincent');
      if ((await assigneeOf(t, extra.conversationId)) !== org.vincent.id) await admin().post(`/api/v1/conversations/${extra.conversationId}/assign`, { assigneeId: org.vincent.id }).expect(200);
      await completeAllOf(org.winnie.id);
      await settle(0);
      expect(await openOf(org.winnie.id)).toBe(0);
      expect(await openOf(org.vincent.id)).toBeGreaterThan(0);
      await write('我又來了', userId);
      expect(await assigneeOf(t, conversationId)).toBe(org.vincent.id);
      expect((await assignmentsOf(t, org.admin.token, conversationId)).at(-1)).toMatchObject({ memberId: org.vincent.id, via: 'routing' });
    });
  });

  describe('transfer to a unit', () => {
    it("ends the holding, makes the unit the home unit and waits there when it routes manually; a member becoming available takes it once it routes", async () => {
      const { conversationId } = await write('想問南部的門市');
      const holder = (await assigneeOf(t, conversationId))!;
      const res = await t.as(org.managerA.token).post(`/api/v1/conversations/${conversationId}/assign`, { unitId: org.units.south, note: '請南區協助' }).expect(200);
      expect(res.body).toMatchObject({ id: conversationId, readable: false });
      const history = await assignmentsOf(t, org.admin.token, conversationId);
      expect(history.at(-1)).toMatchObject({ memberId: holder, endReason: 'transferred', endedById: org.managerA.id });
      expect(await assigneeOf(t, conversationId)).toBeNull();
      // Waiting with home unit 南區營業所: its members and HQ see it, 中區 no longer does.
      expect(await folderIds(t, org.southManager.token, 'unassigned')).toContain(conversationId);
      expect(await folderIds(t, org.heine.token, 'unassigned')).toContain(conversationId);
      expect(await folderIds(t, org.managerB.token, 'unassigned')).not.toContain(conversationId);
      const [note] = await t.query(`SELECT text FROM messages WHERE conversation_id = $1 AND kind = 'note'`, [conversationId]);
      expect(note.text).toBe('請南區協助');
      expectError(await admin().post(`/api/v1/conversations/${conversationId}/assign`, { unitId: '00000000-0000-4000-8000-000000000000' }), 422);

      await admin().patch(`/api/v1/units/${org.units.south}`, { routing: 'round_robin' }).expect(200);
      sockets.push(await goOnline(t, t.url!, org.admin.token, org.southManager));
      await eventually(async () => (await assigneeOf(t, conversationId)) === org.southManager.id);
      expect((await assignmentsOf(t, org.admin.token, conversationId)).at(-1)).toMatchObject({ memberId: org.southManager.id, via: 'routing', assignedById: null });
    });
  });

  describe('requeueOfflineAfterSeconds', () => {
    it("an assignee offline that long loses their open conversations (reason unassigned), which are routed again", async () => {
      const held = (await t.query(`SELECT id FROM conversations WHERE assignee_id = $1 AND status = 'open'`, [org.vincent.id])).map((r: { id: string }) => r.id);
      expect(held.length).toBeGreaterThan(0);
      await admin().patch('/api/v1/org', { settings: { presenceGraceSeconds: 1, requeueOfflineAfterSeconds: 1 } }).expect(200);
      const vincentSocket = sockets.splice(1, 1)[0];
      vincentSocket.close();
      await eventually(async () => (await presenceOf(t, org.admin.token, org.vincent.id)) === 'offline');
      await eventually(async () => (await Promise.all(held.map((id) => assigneeOf(t, id)))).every((a) => a === org.winnie.id), 15000);
      for (const id of held) {
        const history = await assignmentsOf(t, org.admin.token, id);
        expect(history.at(-2)).toMatchObject({ memberId: org.vincent.id, endReason: 'unassigned', endedById: null });
        expect(history.at(-1)).toMatchObject({ memberId: org.winnie.id, via: 'routing' });
      }
      await admin().patch('/api/v1/org', { settings: { requeueOfflineAfterSeconds: null } }).expect(200);
      await settle();
    });
  });
});
