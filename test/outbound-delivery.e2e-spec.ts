import { randomUUID } from 'crypto';
import { lineEvent, lineWebhook, messengerWebhook, whatsappWebhook } from './fixtures/providers';
import { createChannel, postWebhook, TestChannel } from './support/channels';
import { SeedOrg, seedOrg } from './support/org-fixture';
import { ProviderStub } from './support/provider-stub';
import { drainQueues, eventually } from './support/queues';
import { startTestApp, TestApp } from './support/test-app';

describe('outbound delivery through the providers’ send APIs', () => {
  let t: TestApp;
  let org: SeedOrg;
  let stub: ProviderStub;
  const channels = {} as Record<'line' | 'messenger' | 'instagram' | 'whatsapp', TestChannel>;

  async function conversationWith(ch: TestChannel, userId: string): Promise<string> {
    const body =
      ch.type === 'line'
        ? lineWebhook(ch.externalId, [lineEvent({ userId, text: 'hi' })])
        : ch.type === 'whatsapp'
          ? whatsappWebhook(ch.externalId, { messages: [{ from: userId, text: 'hi' }] })
          : messengerWebhook(ch.externalId, [{ psid: userId, text: 'hi' }], ch.type === 'instagram' ? 'instagram' : 'page');
    await postWebhook(t, ch, body).expect(200);
    const [row] = await t.query(`SELECT c.id FROM conversations c JOIN customers cu ON cu.id = c.customer_id WHERE cu.channel_account_id = $1 AND cu.external_id = $2`, [ch.id, userId]);
    return row.id;
  }

  const message = async (id: string) => (await t.query(`SELECT status, error, attempts, provider_message_id FROM messages WHERE id = $1`, [id]))[0];

  beforeAll(async () => {
    stub = await new ProviderStub().start();
    t = await startTestApp({
      LINE_API_BASE_URL: stub.url,
      GRAPH_API_BASE_URL: stub.url,
      GRAPH_API_VERSION: 'v21.0',
      OUTBOUND_ATTEMPTS: '3',
      OUTBOUND_BACKOFF_MS: '20',
    });
    org = await seedOrg(t);
    for (const type of ['line', 'messenger', 'instagram', 'whatsapp'] as const) channels[type] = await createChannel(t, org.admin.token, type);
  });
  afterAll(async () => {
    await t.close();
    await stub.stop();
  });

  it('LINE: push message with the channel token and a retry key, then sent', async () => {
    const userId = `U${randomUUID().replace(/-/g, '')}`;
    const conv = await conversationWith(channels.line, userId);
    const res = await t.as(org.admin.token).post(`/api/v1/conversations/${conv}/messages`, { text: '您好,請問需要什麼協助?' }).expect(201);
    // The Administrator holds every permission, conversation.private included: its replies on an
    // unassigned conversation are private (SPEC §4) — still delivered to the customer.
    expect(res.body).toMatchObject({ conversationId: conv, direction: 'out', kind: 'text', status: 'queued', private: true, redacted: false, sender: { type: 'member', memberId: org.admin.id } });
    await drainQueues(t.app);
    const [req] = stub.to('/v2/bot/message/push').filter((r) => r.body.to === userId);
    expect(req.headers.authorization).toBe(`Bearer ${channels.line.accessToken}`);
    expect(req.headers['x-line-retry-key']).toBe(res.body.id);
    expect(req.body).toEqual({ to: userId, messages: [{ type: 'text', text: '您好,請問需要什麼協助?' }] });
    expect(await message(res.body.id)).toMatchObject({ status: 'sent', attempts: 1, error: null, provider_message_id: expect.stringMatching(/^line-/) });
    const [c] = await t.query(`SELECT last_agent_reply_at, last_message_id FROM conversations WHERE id = $1`, [conv]);
    expect(c.last_message_id).toBe(res.body.id);
    expect(c.last_agent_reply_at).not.toBeNull();
  });

  it('Messenger, Instagram and WhatsApp: the Graph API send calls', async () => {
    const expectations = {
      messenger: (to: string) => ({ recipient: { id: to }, messaging_type: 'RESPONSE', message: { text: 'hello' } }),
      instagram: (to: string) => ({ recipient: { id: to }, message: { text: 'hello' } }),
      whatsapp: (to: string) => ({ messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'text', text: { preview_url: false, body: 'hello' } }),
    };
    for (const type of ['messenger', 'instagram', 'whatsapp'] as const) {
      const ch = channels[type];
      const to = type === 'whatsapp' ? '886912345678' : `PSID-${type}`;
      const conv = await conversationWith(ch, to);
      const res = await t.as(org.admin.token).post(`/api/v1/conversations/${conv}/messages`, { text: 'hello' }).expect(201);
      await drainQueues(t.app);
      const path = `/v21.0/${ch.externalId}/messages`;
      const [req] = stub.to(path);
      expect(req.headers.authorization).toBe(`Bearer ${ch.accessToken}`);
      expect(req.body).toEqual(expectations[type](to));
      const row = await message(res.body.id);
      expect(row.status).toBe('sent');
      expect(row.provider_message_id).toMatch(type === 'whatsapp' ? /^wamid\.out-/ : /^m_out-/);
    }
  });

  it('retries a 500 with backoff and ends sent', async () => {
    const userId = `U${randomUUID().replace(/-/g, '')}`;
    const conv = await conversationWith(channels.line, userId);
    stub.script('/v2/bot/message/push', { status: 500, body: { message: 'temporary' } });
    const res = await t.as(org.admin.token).post(`/api/v1/conversations/${conv}/messages`, { text: 'retry me' }).expect(201);
    await drainQueues(t.app);
    expect(await message(res.body.id)).toMatchObject({ status: 'sent', attempts: 2, error: null });
    const calls = stub.to('/v2/bot/message/push').filter((r) => r.body.to === userId);
    expect(calls).toHaveLength(2);
    expect(new Set(calls.map((c) => c.headers['x-line-retry-key']))).toEqual(new Set([res.body.id]));
  });

  it('ends failed with the error after the configured attempts', async () => {
    const ch = channels.messenger;
    const conv = await conversationWith(ch, 'PSID-always-down');
    const path = `/v21.0/${ch.externalId}/messages`;
    stub.script(path, { status: 503, body: { error: { message: 'Service unavailable' } } }, { status: 503, body: { error: { message: 'Service unavailable' } } }, { status: 503, body: { error: { message: 'Service unavailable' } } });
    const before = stub.to(path).length;
    const res = await t.as(org.admin.token).post(`/api/v1/conversations/${conv}/messages`, { text: 'never arrives' }).expect(201);
    await drainQueues(t.app);
    const row = await eventually(async () => {
      const m = await message(res.body.id);
      return m.status === 'failed' ? m : null;
    });
    expect(row).toMatchObject({ status: 'failed', attempts: 3, error: 'HTTP 503: Service unavailable' });
    expect(stub.to(path).length - before).toBe(3);
  });

  it('does not retry an answer a retry cannot fix (400)', async () => {
    const ch = channels.whatsapp;
    const conv = await conversationWith(ch, '886900000001');
    const path = `/v21.0/${ch.externalId}/messages`;
    stub.script(path, { status: 400, body: { error: { message: '(#131030) Recipient phone number not in allowed list' } } });
    const before = stub.to(path).length;
    const res = await t.as(org.admin.token).post(`/api/v1/conversations/${conv}/messages`, { text: 'bad recipient' }).expect(201);
    await drainQueues(t.app);
    expect(await message(res.body.id)).toMatchObject({ status: 'failed', attempts: 1, error: expect.stringContaining('131030') });
    expect(stub.to(path).length - before).toBe(1);
  });

  it('refuses text over the channel limit (422), unreadable conversations (404), members without reply (403)', async () => {
    const conv = await conversationWith(channels.instagram, 'IGSID-long');
    await t.as(org.admin.token).post(`/api/v1/conversations/${conv}/messages`, { text: '字'.repeat(400) }).expect(422);
    await t.as(org.admin.token).post(`/api/v1/conversations/${randomUUID()}/messages`, { text: 'x' }).expect(404);
    await t.as(org.admin.token).post(`/api/v1/conversations/${conv}/messages`, { text: '' }).expect(400);
    // Store agents have no unassigned folder: the conversation does not exist for them.
    await t.as(org.winnie.token).post(`/api/v1/conversations/${conv}/messages`, { text: 'x' }).expect(404);
    const noReply = await t.as(org.admin.token).post('/api/v1/roles', { name: 'Viewer only', permissions: ['inbox.access', 'folder.unassigned'] }).expect(201);
    await t.as(org.admin.token).patch(`/api/v1/members/${org.heine.id}`, { roleId: noReply.body.id }).expect(200);
    await t.as(org.heine.token).post(`/api/v1/conversations/${conv}/messages`, { text: 'x' }).expect(403);
  });
});
