import { randomUUID } from 'crypto';
import { lineEvent, lineWebhook } from './fixtures/providers';
import { createChannel, postWebhook, TestChannel } from './support/channels';
import { customerSays, folderIds, newLineUserId } from './support/inbox';
import { createMember, createUnit, login, PASSWORD, SeedOrg, seedOrg, signup } from './support/org-fixture';
import { ProviderStub } from './support/provider-stub';
import { drainQueues } from './support/queues';
import { startTestApp, TestApp } from './support/test-app';

describe('customer binding (SPEC §5, seed 003 §3–5)', () => {
  let t: TestApp;
  let stub: ProviderStub;
  let org: SeedOrg;
  let line: TestChannel;

  const link = (token: string, unitId: string, body: object) => t.as(token).post(`/api/v1/units/${unitId}/binding-links`, body);
  const customer = async (id: string) => (await t.query(`SELECT bound_unit_id, bound_member_id, tags FROM customers WHERE id = $1`, [id]))[0];

  beforeAll(async () => {
    stub = await new ProviderStub().start();
    t = await startTestApp({ LINE_API_BASE_URL: stub.url, OUTBOUND_BACKOFF_MS: '20' });
    org = await seedOrg(t);
    line = await createChannel(t, org.admin.token, 'line');
  });
  afterAll(async () => {
    await t.close();
    await stub.stop();
  });

  describe('binding links', () => {
    it('gives a token, the text and postback carrying it, a URL and QR codes', async () => {
      const res = await link(org.admin.token, org.units.beitun, { channelAccountId: line.id, memberId: org.winnie.id }).expect(201);
      expect(res.body).toMatchObject({
        token: expect.stringMatching(/^OMNI-[0-9A-Z]{12}$/),
        text: expect.stringContaining('台中北屯門市'),
        postback: `omni-bind=${res.body.token}`,
        url: `http://omni.test/bind/${res.body.token}`,
        qrPng: expect.stringMatching(/^data:image\/png;base64,/),
        qrSvg: expect.stringContaining('<svg'),
        unitId: org.units.beitun,
        memberId: org.winnie.id,
      });
      expect(res.body.text).toContain(res.body.token);
      const page = await t.http().get(`/bind/${res.body.token}`).expect(200);
      expect(page.text).toContain(res.body.text.replace(/「|」/g, (c: string) => c));
      await t.http().get('/bind/OMNI-000000000000').expect(404);
    });

    it('is limited to the member’s own unit or below', async () => {
      await link(org.managerA.token, org.units.beitun, { channelAccountId: line.id }).expect(201);
      await link(org.managerA.token, org.units.central, { channelAccountId: line.id }).expect(201);
      await link(org.managerA.token, org.units.south, { channelAccountId: line.id }).expect(403);
      await link(org.winnie.token, org.units.central, { channelAccountId: line.id }).expect(403);
      await link(org.admin.token, org.units.beitun, { channelAccountId: randomUUID() }).expect(422);
      await link(org.admin.token, org.units.beitun, { channelAccountId: line.id, memberId: org.managerA.id }).expect(422);
      await link(org.admin.token, randomUUID(), { channelAccountId: line.id }).expect(404);
      await link(org.admin.token, org.units.beitun, { channelAccountId: line.id, extra: 1 }).expect(400);
    });
  });

  describe('binding on inbound', () => {
    it('a customer sending the token binds to the unit and member, gets the tag and the confirmation', async () => {
      const l = (await link(org.admin.token, org.units.beitun, { channelAccountId: line.id, memberId: org.winnie.id }).expect(201)).body;
      const userId = newLineUserId();
      const { conversationId, customerId } = await customerSays(t, line, userId, l.text);
      expect(await customer(customerId)).toEqual({ bound_unit_id: org.units.beitun, bound_member_id: org.winnie.id, tags: ['台中北屯門市'] });
      await drainQueues(t.app);
      const push = stub.to('/v2/bot/message/push').find((r) => r.body.to === userId)!;
      expect(push.body.messages).toEqual([{ type: 'text', text: '您好,已成功與「台中北屯門市」綁定,謝謝' }]);
      const msgs = await t.as(org.winnie.token).get(`/api/v1/conversations/${conversationId}/messages`).expect(200);
      expect(msgs.body.items[0]).toMatchObject({ kind: 'system', sender: { type: 'system' }, text: '您好,已成功與「台中北屯門市」綁定,謝謝', status: 'sent' });
      // the bound customer in bound (store) and subordinate_bound (region, HQ)
      expect(await folderIds(t, org.winnie.token, 'bound')).toContain(conversationId);
      expect(await folderIds(t, org.vincent.token, 'bound')).toContain(conversationId);
      expect(await folderIds(t, org.managerA.token, 'subordinate_bound')).toContain(conversationId);
      expect(await folderIds(t, org.heine.token, 'subordinate_bound')).toContain(conversationId);
      expect(await folderIds(t, org.southManager.token, 'subordinate_bound')).not.toContain(conversationId);
      const detail = await t.as(org.winnie.token).get(`/api/v1/conversations/${conversationId}`).expect(200);
      expect(detail.body.customer).toMatchObject({ boundUnitId: org.units.beitun, boundMemberId: org.winnie.id });
    });

    it('a postback carrying the token binds too', async () => {
      const l = (await link(org.admin.token, org.units.central, { channelAccountId: line.id }).expect(201)).body;
      const userId = newLineUserId();
      await postWebhook(t, line, lineWebhook(line.externalId, [lineEvent({ userId, type: 'postback', postbackData: l.postback })])).expect(200);
      const [row] = await t.query(`SELECT id FROM customers WHERE external_id = $1`, [userId]);
      expect(await customer(row.id)).toEqual({ bound_unit_id: org.units.central, bound_member_id: null, tags: ['中區營業所'] });
    });

    it('unknown, revoked, foreign-org, other-channel and deleted-unit tokens bind nothing and never fail the webhook', async () => {
      const revoked = (await link(org.admin.token, org.units.beitun, { channelAccountId: line.id }).expect(201)).body;
      await t.as(org.admin.token).delete(`/api/v1/binding-links/${revoked.id}`).expect(204);
      const other = await signup(t);
      const otherLine = await createChannel(t, other.admin.token, 'line');
      const foreign = (await t.as(other.admin.token).post(`/api/v1/units/${other.rootUnitId}/binding-links`, { channelAccountId: otherLine.id }).expect(201)).body;
      const wa = await createChannel(t, org.admin.token, 'whatsapp');
      const otherChannel = (await link(org.admin.token, org.units.beitun, { channelAccountId: wa.id }).expect(201)).body;
      const temp = await createUnit(t, org.admin.token, '臨時門市', org.units.central);
      const gone = (await link(org.admin.token, temp, { channelAccountId: line.id }).expect(201)).body;
      await t.as(org.admin.token).delete(`/api/v1/units/${temp}`).expect(204);
      for (const text of [revoked.text, foreign.text, otherChannel.text, gone.text, '我要綁定 OMNI-ZZZZZZZZZZZZ']) {
        const { customerId } = await customerSays(t, line, newLineUserId(), text);
        expect(await customer(customerId)).toEqual({ bound_unit_id: null, bound_member_id: null, tags: [] });
      }
    });

    it('two tokens for one customer at once end in one consistent binding', async () => {
      const a = (await link(org.admin.token, org.units.beitun, { channelAccountId: line.id }).expect(201)).body;
      const b = (await link(org.admin.token, org.units.south, { channelAccountId: line.id }).expect(201)).body;
      const userId = newLineUserId();
      await customerSays(t, line, userId, 'hello first');
      await Promise.all([
        postWebhook(t, line, lineWebhook(line.externalId, [lineEvent({ userId, text: a.text })])).expect(200),
        postWebhook(t, line, lineWebhook(line.externalId, [lineEvent({ userId, text: b.text })])).expect(200),
      ]);
      const [row] = await t.query(`SELECT id FROM customers WHERE external_id = $1`, [userId]);
      const state = await customer(row.id);
      const expectedTag = { [org.units.beitun]: '台中北屯門市', [org.units.south]: '南區營業所' }[state.bound_unit_id];
      expect(expectedTag).toBeDefined();
      expect(state.tags).toEqual([expectedTag]);
      const [conv] = await t.query(`SELECT bound_unit_id FROM conversations WHERE customer_id = $1`, [row.id]);
      expect(conv.bound_unit_id).toBe(state.bound_unit_id);
    });
  });

  describe('binding.manage: bind, transfer, unbind', () => {
    it('moves the binding and the unit tag, audited', async () => {
      const { customerId, conversationId } = await customerSays(t, line, newLineUserId(), 'bind me please');
      await t.query(`UPDATE customers SET tags = '{VIP}' WHERE id = $1`, [customerId]);
      await t.as(org.managerA.token).put(`/api/v1/customers/${customerId}/binding`, { unitId: org.units.beitun }).expect(403);
      const bound = await t.as(org.admin.token).put(`/api/v1/customers/${customerId}/binding`, { unitId: org.units.beitun, memberId: org.vincent.id }).expect(200);
      expect(bound.body).toMatchObject({ boundUnitId: org.units.beitun, boundMemberId: org.vincent.id, tags: ['VIP', '台中北屯門市'] });
      const moved = await t.as(org.admin.token).put(`/api/v1/customers/${customerId}/binding`, { unitId: org.units.central, memberId: org.managerA.id }).expect(200);
      expect(moved.body).toMatchObject({ boundUnitId: org.units.central, boundMemberId: org.managerA.id, tags: ['VIP', '中區營業所'] });
      // The binding tag is system-owned: editing tags cannot drop it while the binding stands.
      const edited = await t.as(org.admin.token).put(`/api/v1/customers/${customerId}/tags`, { tags: ['VIP', '回購'] }).expect(200);
      expect(edited.body.tags).toEqual(['VIP', '回購', '中區營業所']);
      await t.as(org.admin.token).put(`/api/v1/customers/${customerId}/tags`, { tags: ['VIP'] }).expect(200);
      expect(await folderIds(t, org.managerB.token, 'bound')).toContain(conversationId);
      const unbound = await t.as(org.admin.token).delete(`/api/v1/customers/${customerId}/binding`).expect(200);
      expect(unbound.body).toMatchObject({ boundUnitId: null, boundMemberId: null, tags: ['VIP'] });
      const audit = await t.as(org.admin.token).get(`/api/v1/audit-logs?actorId=${org.admin.id}&targetType=customer&targetId=${customerId}&limit=10`).expect(200);
      expect(audit.body.items.filter((a: { action: string }) => a.action !== 'customer.tags_updated').slice(0, 3).map((a: { action: string; before: unknown; after: unknown }) => [a.action, a.before, a.after])).toEqual([
        ['customer.unbound', { unitId: org.units.central, memberId: org.managerA.id }, { unitId: null, memberId: null }],
        ['customer.bound', { unitId: org.units.beitun, memberId: org.vincent.id }, { unitId: org.units.central, memberId: org.managerA.id }],
        ['customer.bound', { unitId: null, memberId: null }, { unitId: org.units.beitun, memberId: org.vincent.id }],
      ]);
    });

    it('refuses units of other orgs and members outside the unit (422), unknown customers (404)', async () => {
      const { customerId } = await customerSays(t, line, newLineUserId(), 'x');
      const other = await signup(t);
      await t.as(org.admin.token).put(`/api/v1/customers/${customerId}/binding`, { unitId: other.rootUnitId }).expect(422);
      await t.as(org.admin.token).put(`/api/v1/customers/${customerId}/binding`, { unitId: org.units.beitun, memberId: org.managerA.id }).expect(422);
      await t.as(org.admin.token).put(`/api/v1/customers/${randomUUID()}/binding`, { unitId: org.units.beitun }).expect(404);
      await t.as(other.admin.token).put(`/api/v1/customers/${customerId}/binding`, { unitId: other.rootUnitId }).expect(404);
    });
  });

  describe('staff departure', () => {
    it('moves 2,000 bindings and open conversations to the handover member in one transaction', async () => {
      const leaver = await createMember(t, org.admin.token, { name: 'Leaving Agent', unitId: org.units.beitun, roleId: org.roles.storeAgent });
      const n = 2000;
      await t.query(
        `WITH cu AS (
           INSERT INTO customers (org_id, channel_account_id, external_id, display_name, bound_unit_id, bound_member_id, tags)
           SELECT $1, $2, 'leaver-' || i, 'Customer ' || i, $3, $4, ARRAY['台中北屯門市'] FROM generate_series(1, $5) i RETURNING id),
         cv AS (
           INSERT INTO conversations (org_id, customer_id, channel_account_id, assignee_id, assignee_unit_id, assigned_at, last_assignee_id, last_assignee_unit_id, bound_unit_id)
           SELECT $1, id, $2, $4, $3, now(), $4, $3, $3 FROM cu RETURNING id)
         INSERT INTO assignments (org_id, conversation_id, member_id, unit_id, assigned_by_id) SELECT $1, id, $4, $3, $4 FROM cv`,
        [org.orgId, line.id, org.units.beitun, leaver.id, n],
      );
      const handover = org.managerA; // another unit: the bindings follow the handover member's unit

      // refusals change nothing
      const other = await signup(t);
      const gone = await createMember(t, org.admin.token, { name: 'Gone', unitId: org.units.beitun, roleId: org.roles.storeAgent });
      await t.as(org.admin.token).post(`/api/v1/members/${gone.id}/deactivate`, { handoverMemberId: org.vincent.id }).expect(200);
      const noInboxRole = (await t.as(org.admin.token).post('/api/v1/roles', { name: 'no inbox', permissions: ['folder.all'] }).expect(201)).body.id;
      const noInbox = await createMember(t, org.admin.token, { name: 'No Inbox', unitId: org.units.beitun, roleId: noInboxRole });
      for (const bad of [gone.id, other.admin.id, noInbox.id, leaver.id, randomUUID()]) {
        await t.as(org.admin.token).post(`/api/v1/members/${leaver.id}/deactivate`, { handoverMemberId: bad }).expect(422);
      }
      await t.as(org.managerA.token).post(`/api/v1/members/${leaver.id}/deactivate`, { handoverMemberId: handover.id }).expect(403);
      expect(Number((await t.query(`SELECT count(*) FROM customers WHERE bound_member_id = $1`, [leaver.id]))[0].count)).toBe(n);

      const res = await t.as(org.admin.token).post(`/api/v1/members/${leaver.id}/deactivate`, { handoverMemberId: handover.id }).expect(200);
      expect(res.body).toEqual({ member: expect.objectContaining({ id: leaver.id, status: 'deactivated' }), moved: { conversations: n, bindings: n } });

      const left = await t.query(
        `SELECT (SELECT count(*)::int FROM customers WHERE bound_member_id = $1) AS bound,
                (SELECT count(*)::int FROM conversations WHERE assignee_id = $1) AS assigned,
                (SELECT count(*)::int FROM assignments WHERE member_id = $1 AND ended_at IS NULL) AS open_assignments,
                (SELECT count(*)::int FROM assignments WHERE member_id = $1 AND end_reason = 'member_deactivated') AS ended,
                (SELECT count(*)::int FROM assignments WHERE member_id = $2 AND ended_at IS NULL AND note LIKE 'Handover:%') AS handed,
                (SELECT count(*)::int FROM customers WHERE bound_member_id = $2 AND bound_unit_id = $3 AND tags = ARRAY['中區營業所']) AS rebound,
                (SELECT count(*)::int FROM conversations c JOIN customers cu ON cu.id = c.customer_id WHERE cu.bound_member_id = $2 AND c.bound_unit_id = $3) AS mirrored`,
        [leaver.id, handover.id, org.units.central],
      );
      expect(left[0]).toEqual({ bound: 0, assigned: 0, open_assignments: 0, ended: n, handed: n, rebound: n, mirrored: n });

      // the leaver is out: old token and new logins refused
      await t.as(leaver.token).get('/api/v1/me').expect(401);
      await t.http().post('/api/v1/auth/login').send({ email: leaver.email, password: PASSWORD }).expect(401);
      await t.as(org.admin.token).post(`/api/v1/members/${leaver.id}/deactivate`, { handoverMemberId: handover.id }).expect(409);
      expect((await folderIds(t, handover.token, 'assigned')).length).toBeGreaterThanOrEqual(n);
    });

    it('the last active administrator cannot leave', async () => {
      await t.as(org.admin.token).post(`/api/v1/members/${org.admin.id}/deactivate`, { handoverMemberId: org.heine.id }).expect(409);
      const token = await login(t, org.admin.email);
      await t.as(token).get('/api/v1/me').expect(200);
    });
  });
});
