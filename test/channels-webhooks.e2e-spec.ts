import { randomUUID } from 'crypto';
import { lineEvent, lineWebhook, messengerWebhook, whatsappWebhook } from './fixtures/providers';
import { createChannel, postWebhook, TestChannel } from './support/channels';
import { SeedOrg, seedOrg } from './support/org-fixture';
import { startTestApp, TestApp } from './support/test-app';

describe('channel accounts and inbound webhooks', () => {
  let t: TestApp;
  let org: SeedOrg;
  let line: TestChannel;
  let messenger: TestChannel;
  let instagram: TestChannel;
  let whatsapp: TestChannel;

  const count = async (sql: string, params: unknown[] = []) => Number((await t.query(`SELECT count(*)::int AS n FROM ${sql}`, params))[0].n);
  const messagesOf = (accountId: string) => t.query(`SELECT * FROM messages WHERE channel_account_id = $1 ORDER BY created_at`, [accountId]);

  beforeAll(async () => {
    t = await startTestApp();
    org = await seedOrg(t);
    [line, messenger, instagram, whatsapp] = await Promise.all(
      (['line', 'messenger', 'instagram', 'whatsapp'] as const).map((type) => createChannel(t, org.admin.token, type)),
    );
  });
  afterAll(() => t.close());

  describe('channel accounts', () => {
    it('returns the webhook URL and never a secret', async () => {
      const res = await t.as(org.admin.token).get('/api/v1/channel-accounts').expect(200);
      const item = res.body.items.find((a: { id: string }) => a.id === line.id);
      expect(item).toEqual({
        id: line.id,
        type: 'line',
        name: 'line account',
        externalId: line.externalId,
        webhookUrl: `http://omni.test/webhooks/line/${line.id}`,
        createdAt: expect.any(String),
        routingUnitId: null,
        basicId: null,
        username: null,
        phoneNumber: null,
      });
      expect(JSON.stringify(res.body)).not.toMatch(/secret-|token-|verify-/);
    });

    it('stores secrets encrypted at rest', async () => {
      const [row] = await t.query(`SELECT secret_enc, access_token_enc, verify_token_enc FROM channel_accounts WHERE id = $1`, [line.id]);
      expect(row.secret_enc).toMatch(/^v1:/);
      expect(Object.values(row).join()).not.toContain(line.secret);
      expect(Object.values(row).join()).not.toContain(line.accessToken);
    });

    it('is managed with org.manage only, and refuses a duplicate provider account', async () => {
      await t.as(org.managerA.token).post('/api/v1/channel-accounts', { type: 'line', name: 'x', externalId: 'Ux', secret: 's', accessToken: 't' }).expect(403);
      await t.as(org.admin.token).post('/api/v1/channel-accounts', { type: 'line', name: 'dup', externalId: line.externalId, secret: 's', accessToken: 't' }).expect(409);
      await t.as(org.admin.token).post('/api/v1/channel-accounts', { type: 'telegram', name: 'x', externalId: 'x', secret: 's', accessToken: 't' }).expect(400);
    });

    it('rotates secrets (audited without the values) and deletes an unused account', async () => {
      const spare = await createChannel(t, org.admin.token, 'line', 'spare');
      await t.as(org.admin.token).patch(`/api/v1/channel-accounts/${spare.id}`, { secret: 'rotated-secret' }).expect(200);
      const body = lineWebhook(spare.externalId, [lineEvent({ text: 'after rotation' })]);
      await postWebhook(t, spare, body).expect(401);
      await postWebhook(t, { ...spare, secret: 'rotated-secret' }, body).expect(200);
      const audit = await t.as(org.admin.token).get('/api/v1/audit-logs?action=channel_account.updated').expect(200);
      expect(audit.body.items[0].after.rotatedSecrets).toEqual(['secret']);
      expect(JSON.stringify(audit.body)).not.toContain('rotated-secret');
      await t.as(org.admin.token).delete(`/api/v1/channel-accounts/${spare.id}`).expect(409);
      const unused = await createChannel(t, org.admin.token, 'whatsapp', 'unused');
      await t.as(org.admin.token).delete(`/api/v1/channel-accounts/${unused.id}`).expect(204);
    });

    it('refuses to delete the only account of a member\'s channel scope (an empty scope would mean every account)', async () => {
      const only = await createChannel(t, org.admin.token, 'messenger', 'only-scope');
      await t.as(org.admin.token).patch(`/api/v1/members/${org.vincent.id}`, { channelAccountIds: [only.id] }).expect(200);
      const res = await t.as(org.admin.token).delete(`/api/v1/channel-accounts/${only.id}`).expect(409);
      expect(res.body.message).toContain(org.vincent.id);
      await t.as(org.admin.token).patch(`/api/v1/members/${org.vincent.id}`, { channelAccountIds: [] }).expect(200);
      await t.as(org.admin.token).delete(`/api/v1/channel-accounts/${only.id}`).expect(204);
    });
  });

  describe('LINE', () => {
    it('stores a signed text message with its customer and conversation', async () => {
      const userId = `U${randomUUID().replace(/-/g, '')}`;
      const body = lineWebhook(line.externalId, [lineEvent({ userId, text: 'Chicken, please.', timestamp: 1692251666727 })]);
      const res = await postWebhook(t, line, body).expect(200);
      expect(res.body).toMatchObject({ ok: true, applied: 1 });
      const [customer] = await t.query(`SELECT * FROM customers WHERE channel_account_id = $1 AND external_id = $2`, [line.id, userId]);
      const [conv] = await t.query(`SELECT * FROM conversations WHERE customer_id = $1`, [customer.id]);
      expect(conv).toMatchObject({ status: 'open', assignee_id: null, org_id: org.orgId });
      expect(new Date(conv.last_customer_message_at).getTime()).toBe(1692251666727);
      const [msg] = await t.query(`SELECT * FROM messages WHERE conversation_id = $1`, [conv.id]);
      expect(msg).toMatchObject({ direction: 'in', kind: 'text', content_type: 'text', text: 'Chicken, please.', sender_type: 'customer' });
      expect(conv.last_message_id).toBe(msg.id);
    });

    it('answers 200 to the empty verification webhook', async () => {
      await postWebhook(t, line, { destination: line.externalId, events: [] }).expect(200);
    });

    it('refuses bad or missing signatures (401) and stores nothing', async () => {
      const before = await count('messages');
      const body = lineWebhook(line.externalId, [lineEvent({ text: 'forged' })]);
      await postWebhook(t, line, body, { signature: 'AAAA' }).expect(401);
      await postWebhook(t, line, body, { signature: null }).expect(401);
      await postWebhook(t, { ...line, secret: 'wrong' }, body).expect(401);
      expect(await count('messages')).toBe(before);
      expect(await count(`messages WHERE text = 'forged'`)).toBe(0);
    });

    it('answers 400 to malformed JSON, 413 to an oversized body, 404 to an unknown account', async () => {
      const res = await postWebhook(t, line, null, { raw: '{"events": [' }).expect(400);
      expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
      await postWebhook(t, line, null, { raw: JSON.stringify({ destination: 'x', pad: 'x'.repeat(1_100_000), events: [] }) }).expect(413);
      await postWebhook(t, { ...line, id: randomUUID() }, lineWebhook(line.externalId, [])).expect(404);
      await postWebhook(t, { ...line, id: 'not-a-uuid' }, lineWebhook(line.externalId, [])).expect(404);
    });

    it('treats a redelivery as a no-op', async () => {
      const event = lineEvent({ text: 'once only' });
      await postWebhook(t, line, lineWebhook(line.externalId, [event])).expect(200);
      const again = await postWebhook(t, line, lineWebhook(line.externalId, [{ ...event, deliveryContext: { isRedelivery: true } }])).expect(200);
      expect(again.body).toMatchObject({ applied: 0, duplicates: 1 });
      expect(await count(`messages WHERE text = 'once only'`)).toBe(1);
    });

    it('stores one message when two identical deliveries race', async () => {
      const body = lineWebhook(line.externalId, [lineEvent({ text: 'racing' }), lineEvent({ text: 'racing too' })]);
      const results = await Promise.all([postWebhook(t, line, body), postWebhook(t, line, body), postWebhook(t, line, body)]);
      expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(await count(`messages WHERE text = 'racing'`)).toBe(1);
      expect(await count(`messages WHERE text = 'racing too'`)).toBe(1);
    });

    it('keeps other message types, follow/unfollow and postbacks', async () => {
      const userId = `U${randomUUID().replace(/-/g, '')}`;
      const body = lineWebhook(line.externalId, [
        lineEvent({ userId, type: 'follow', timestamp: 1000 }),
        lineEvent({ userId, message: { type: 'image', id: `img-${userId}`, contentProvider: { type: 'line' } }, timestamp: 2000 }),
        lineEvent({ userId, message: { type: 'sticker', id: `st-${userId}`, packageId: '446', stickerId: '1988' }, timestamp: 3000 }),
        lineEvent({ userId, type: 'postback', postbackData: 'action=buy&itemid=111', timestamp: 4000 }),
        lineEvent({ userId, type: 'unfollow', timestamp: 5000 }),
      ]);
      await postWebhook(t, line, body).expect(200);
      const [customer] = await t.query(`SELECT * FROM customers WHERE external_id = $1`, [userId]);
      expect(customer.followed).toBe(false);
      const rows = await t.query(`SELECT m.content_type, m.text, m.attachments FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.customer_id = $1 ORDER BY m.created_at`, [customer.id]);
      expect(rows.map((r) => r.content_type)).toEqual(['image', 'sticker', 'postback']);
      expect(rows[1].attachments[0]).toMatchObject({ type: 'sticker', stickerId: '1988' });
      expect(rows[2].text).toBe('action=buy&itemid=111');
    });

    it('reopens a done or trashed conversation unassigned on a new customer message', async () => {
      const userId = `U${randomUUID().replace(/-/g, '')}`;
      await postWebhook(t, line, lineWebhook(line.externalId, [lineEvent({ userId, text: 'first' })])).expect(200);
      const [conv] = await t.query(`SELECT c.id FROM conversations c JOIN customers cu ON cu.id = c.customer_id WHERE cu.external_id = $1`, [userId]);
      for (const status of ['done', 'trashed']) {
        await t.query(`UPDATE conversations SET status = $2 WHERE id = $1`, [conv.id, status]);
        await postWebhook(t, line, lineWebhook(line.externalId, [lineEvent({ userId, text: `back after ${status}` })])).expect(200);
        const [after] = await t.query(`SELECT status, assignee_id FROM conversations WHERE id = $1`, [conv.id]);
        expect(after).toEqual({ status: 'open', assignee_id: null });
      }
    });

    it('skips standby events', async () => {
      await postWebhook(t, line, lineWebhook(line.externalId, [lineEvent({ text: 'standby only', mode: 'standby' })])).expect(200);
      expect(await count(`messages WHERE text = 'standby only'`)).toBe(0);
    });
  });

  describe('Messenger and Instagram', () => {
    it('answers the hub.challenge verification', async () => {
      for (const ch of [messenger, instagram, whatsapp]) {
        const ok = await t.http().get(`/webhooks/${ch.type}/${ch.id}`).query({ 'hub.mode': 'subscribe', 'hub.verify_token': ch.verifyToken, 'hub.challenge': '1158201444' }).expect(200);
        expect(ok.text).toBe('1158201444');
        await t.http().get(`/webhooks/${ch.type}/${ch.id}`).query({ 'hub.mode': 'subscribe', 'hub.verify_token': 'nope', 'hub.challenge': '1' }).expect(403);
      }
      await t.http().get(`/webhooks/messenger/${randomUUID()}`).query({ 'hub.mode': 'subscribe', 'hub.verify_token': 'x', 'hub.challenge': '1' }).expect(404);
    });

    it('stores messages, skips echoes, dedups by mid', async () => {
      const body = messengerWebhook(messenger.externalId, [{ psid: 'PSID-1', text: 'hello, world!', mid: 'mid.1457764197618:41d102a3e1ae206a38' }, { echo: true, text: 'our own echo' }]);
      await postWebhook(t, messenger, body).expect(200);
      await postWebhook(t, messenger, body).expect(200);
      const rows = await messagesOf(messenger.id);
      expect(rows.map((r) => r.text)).toEqual(['hello, world!']);
      await postWebhook(t, messenger, body, { signature: 'sha256=deadbeef' }).expect(401);
    });

    it('stores Instagram messages on the instagram account only', async () => {
      const body = messengerWebhook(instagram.externalId, [{ psid: 'IGSID-1', text: 'from instagram' }], 'instagram');
      await postWebhook(t, instagram, body).expect(200);
      expect((await messagesOf(instagram.id)).map((r) => r.text)).toEqual(['from instagram']);
      await postWebhook(t, messenger, body).expect(400); // wrong envelope for a page
    });
  });

  describe('WhatsApp', () => {
    it('stores messages with the contact name and applies statuses to outbound messages', async () => {
      const body = whatsappWebhook(whatsapp.externalId, { messages: [{ from: '16505551234', id: 'wamid.IN1', text: 'Does it come in another color?', name: 'Sheena Nelson' }] });
      await postWebhook(t, whatsapp, body).expect(200);
      const [customer] = await t.query(`SELECT * FROM customers WHERE channel_account_id = $1`, [whatsapp.id]);
      expect(customer.display_name).toBe('Sheena Nelson');
      const [conv] = await t.query(`SELECT id FROM conversations WHERE customer_id = $1`, [customer.id]);
      await t.query(
        `INSERT INTO messages (org_id, conversation_id, channel_account_id, direction, kind, text, sender_type, status, provider_message_id)
         VALUES ($1, $2, $3, 'out', 'text', 'reply', 'member', 'sent', 'wamid.OUT1')`,
        [org.orgId, conv.id, whatsapp.id],
      );
      await postWebhook(t, whatsapp, whatsappWebhook(whatsapp.externalId, { statuses: [{ id: 'wamid.OUT1', status: 'read' }] })).expect(200);
      await postWebhook(t, whatsapp, whatsappWebhook(whatsapp.externalId, { statuses: [{ id: 'wamid.OUT1', status: 'delivered' }, { id: 'wamid.UNKNOWN', status: 'sent' }] })).expect(200);
      const [out] = await t.query(`SELECT status FROM messages WHERE provider_message_id = 'wamid.OUT1'`);
      expect(out.status).toBe('read'); // a late 'delivered' never moves it back
    });

    it('ignores changes for another phone number id', async () => {
      await postWebhook(t, whatsapp, whatsappWebhook('999999', { messages: [{ text: 'not ours' }] })).expect(200);
      expect(await count(`messages WHERE text = 'not ours'`)).toBe(0);
    });
  });
});
