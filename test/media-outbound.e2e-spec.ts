import { randomBytes } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { MediaTokens } from '../src/modules/media/media-token';
import { lineEvent, lineWebhook, messengerWebhook, whatsappWebhook } from './fixtures/providers';
import { createChannel, postWebhook, TestChannel } from './support/channels';
import { newLineUserId } from './support/inbox';
import { SeedOrg,seedOrg } from './support/org-fixture';
import { ProviderStub } from './support/provider-stub';
import { drainQueues } from './support/queues';
import { startTestApp, TestApp } from './support/test-app';


// The machine may be shared and loaded: the org seed alone can take a while.
jest.setTimeout(240_000);

/** Outbound media: upload (413/415), send as each provider's media message, fetched through signed expiring URLs. */
describe('outbound media: 台中北屯門市 sends the customer the product photo and the warranty PDF', () => {
  let t: TestApp;
  let org: SeedOrg;
  let stub: ProviderStub;
  let dir: string;
  const channels = {} as Record<'line' | 'messenger' | 'whatsapp', TestChannel>;
  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(4000)]);
  const MAX = 64 * 1024;

  const upload = (token: string, body: Buffer, filename: string, contentType: string) =>
    t.http().post('/api/v1/attachments').set('Authorization', `Bearer ${token}`).attach('file', body, { filename, contentType });

  async function conversationWith(ch: TestChannel, userId: string): Promise<string> {
    const body =
      ch.type === 'line'
        ? lineWebhook(ch.externalId, [lineEvent({ userId, text: '請問有照片嗎?' })])
        : ch.type === 'whatsapp'
          ? whatsappWebhook(ch.externalId, { messages: [{ from: userId, text: 'photo please' }] })
          : messengerWebhook(ch.externalId, [{ psid: userId, text: 'photo please' }]);
    await postWebhook(t, ch, body).expect(200);
    const [row] = await t.query(`SELECT c.id FROM conversations c JOIN customers cu ON cu.id = c.customer_id WHERE cu.channel_account_id = $1 AND cu.external_id = $2`, [ch.id, userId]);
    return row.id;
  }

  /** What a provider does with a media URL: fetch it, no credentials. */
  async function providerFetches(url: string): Promise<{ status: number; body: Buffer; type: string | undefined }> {
    expect(url.startsWith('http://omni.test/media/')).toBe(true);
    const res = await t.http().get(url.slice('http://omni.test'.length)).buffer(true).parse(binary);
    return { status: res.status, body: res.body, type: res.headers['content-type'] };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'omni-media-out-'));
    stub = await new ProviderStub().start();
    t = await startTestApp({ LINE_API_BASE_URL: stub.url, GRAPH_API_BASE_URL: stub.url, STORAGE_DIR: dir, ATTACHMENT_MAX_BYTES: String(MAX) });
    org = await seedOrg(t);
    for (const type of ['line', 'messenger', 'whatsapp'] as const) channels[type] = await createChannel(t, org.admin.token, type);
  });
  afterAll(async () => {
    await t.close();
    await stub.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uploads: an attachment back; too large → 413, another type → 415, no file → 400, no reply permission → 403', async () => {
    const res = await upload(org.managerA.token, png, 'product.png', 'image/png').expect(201);
    expect(res.body).toEqual({ id: expect.any(String), type: 'image', mimeType: 'image/png', size: png.length, fileName: 'product.png', status: 'stored', url: `/api/v1/attachments/${res.body.id}` });
    const mine = await t.as(org.managerA.token).get(res.body.url).buffer(true).parse(binary).expect(200);
    expect(Buffer.compare(mine.body, png)).toBe(0);
    // Not sent yet: nobody else's.
    await t.as(org.admin.token).get(res.body.url).expect(404);

    await upload(org.managerA.token, randomBytes(MAX + 1), 'big.png', 'image/png').expect(413);
    await upload(org.managerA.token, Buffer.from('MZ'), 'setup.exe', 'application/x-msdownload').expect(415);
    await upload(org.managerA.token, Buffer.from('<svg/>'), 'x.txt', 'text/plain').expect(415);
    await t.http().post('/api/v1/attachments').set('Authorization', `Bearer ${org.managerA.token}`).field('note', 'no file').expect(400);
    const [count] = await t.query(`SELECT count(*)::int AS n FROM attachments WHERE org_id = $1`, [org.orgId]);
    expect(count.n).toBe(1);
    const noReply = await t.as(org.admin.token).post('/api/v1/roles', { name: '唯讀', permissions: ['inbox.access'] }).expect(201);
    const readOnly = await t.as(org.admin.token).post('/api/v1/members', { email: `ro-${Date.now()}@example.com`, password: 'correct-horse-battery', displayName: 'RO', unitId: org.units.beitun, roleId: noReply.body.id }).expect(201);
    const login = await t.http().post('/api/v1/auth/login').send({ email: readOnly.body.email, password: 'correct-horse-battery' }).expect(200);
    await upload(login.body.accessToken, png, 'p.png', 'image/png').expect(403);
  });

  it('LINE: text and image in one push, the image fetched from a signed URL that names one attachment and expires', async () => {
    const userId = newLineUserId();
    const conv = await conversationWith(channels.line, userId);
    const photo = await upload(org.admin.token, png, 'product.png', 'image/png').expect(201);
    const pdf = await upload(org.admin.token, Buffer.from('%PDF-1.4 warranty'), '保固書.pdf', 'application/pdf').expect(201);
    const sent = await t.as(org.admin.token).post(`/api/v1/conversations/${conv}/messages`, { text: '這是商品照片與保固書', attachmentIds: [photo.body.id, pdf.body.id] }).expect(201);
    expect(sent.body.attachments.map((a: any) => [a.id, a.type, a.status])).toEqual([
      [photo.body.id, 'image', 'stored'],
      [pdf.body.id, 'file', 'stored'],
    ]);
    // Sent once: the same upload cannot go into a second message.
    await t.as(org.admin.token).post(`/api/v1/conversations/${conv}/messages`, { attachmentIds: [photo.body.id] }).expect(422);
    await drainQueues(t.app);
    const [req] = stub.to('/v2/bot/message/push').filter((r) => r.body.to === userId);
    expect(req.headers.authorization).toBe(`Bearer ${channels.line.accessToken}`);
    const [text, image, file] = req.body.messages;
    expect(text).toEqual({ type: 'text', text: '這是商品照片與保固書' });
    expect(image).toEqual({ type: 'image', originalContentUrl: expect.stringMatching(/^http:\/\/omni\.test\/media\//), previewImageUrl: image.originalContentUrl });
    // LINE bots cannot send files: the file goes as its name and link.
    expect(file).toEqual({ type: 'text', text: expect.stringMatching(/^保固書\.pdf\nhttp:\/\/omni\.test\/media\//) });
    const fetched = await providerFetches(image.originalContentUrl);
    expect(fetched).toMatchObject({ status: 200, type: 'image/png' });
    expect(Buffer.compare(fetched.body, png)).toBe(0);
    const pdfUrl = file.text.split('\n')[1];
    expect((await providerFetches(pdfUrl)).body.toString()).toBe('%PDF-1.4 warranty');
    const [m] = await t.query(`SELECT status FROM messages WHERE id = $1`, [sent.body.id]);
    expect(m.status).toBe('sent');

    // A token altered, or expired, is 404.
    const token = image.originalContentUrl.split('/media/')[1];
    expect((await providerFetches(`http://omni.test/media/${token.slice(0, -2)}xx`)).status).toBe(404);
    const expired = MediaTokens.fromSecret(t.env.JWT_SECRET).sign({ orgId: org.orgId, attachmentId: photo.body.id, expiresAt: Math.floor(Date.now() / 1000) - 1 });
    expect((await providerFetches(`http://omni.test/media/${expired}`)).status).toBe(404);
    // A signed link names one attachment only: no path tricks reach another one.
    expect((await providerFetches(`http://omni.test/media/${token}/../${pdf.body.id}`)).status).toBe(404);
  });

  it('Messenger attachment messages and WhatsApp media messages, in the providers’ shapes', async () => {
    const psid = `PSID-${Date.now()}`;
    const mConv = await conversationWith(channels.messenger, psid);
    const a1 = await upload(org.admin.token, png, 'p.png', 'image/png').expect(201);
    await t.as(org.admin.token).post(`/api/v1/conversations/${mConv}/messages`, { text: 'photo', attachmentIds: [a1.body.id] }).expect(201);
    const wa = '886912345678';
    const wConv = await conversationWith(channels.whatsapp, wa);
    const a2 = await upload(org.admin.token, png, 'p.png', 'image/png').expect(201);
    const a3 = await upload(org.admin.token, Buffer.from('%PDF-1.4'), 'warranty.pdf', 'application/pdf').expect(201);
    await t.as(org.admin.token).post(`/api/v1/conversations/${wConv}/messages`, { text: '商品照片', attachmentIds: [a2.body.id, a3.body.id] }).expect(201);
    await drainQueues(t.app);

    const messenger = stub.to(`/v21.0/${channels.messenger.externalId}/messages`).map((r) => r.body);
    expect(messenger).toEqual([
      { recipient: { id: psid }, messaging_type: 'RESPONSE', message: { text: 'photo' } },
      { recipient: { id: psid }, messaging_type: 'RESPONSE', message: { attachment: { type: 'image', payload: { url: expect.stringMatching(/^http:\/\/omni\.test\/media\//), is_reusable: false } } } },
    ]);
    const whatsapp = stub.to(`/v21.0/${channels.whatsapp.externalId}/messages`).map((r) => r.body);
    const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to: wa };
    expect(whatsapp).toEqual([
      { ...base, type: 'image', image: { link: expect.stringMatching(/^http:\/\/omni\.test\/media\//), caption: '商品照片' } },
      { ...base, type: 'document', document: { link: expect.stringMatching(/^http:\/\/omni\.test\/media\//), filename: 'warranty.pdf' } },
    ]);
    expect((await providerFetches(whatsapp[1].document.link)).body.toString()).toBe('%PDF-1.4');
  });

  it('WhatsApp: a free-form reply 25 h after the customer wrote → 422 naming the rule; a template goes at any time', async () => {
    const wa = '886933000111';
    const ch = channels.whatsapp;
    await postWebhook(t, ch, whatsappWebhook(ch.externalId, { messages: [{ from: wa, text: '昨天的訂單', timestamp: Date.now() - 25 * 3600 * 1000 }] })).expect(200);
    const [row] = await t.query(`SELECT c.id FROM conversations c JOIN customers cu ON cu.id = c.customer_id WHERE cu.channel_account_id = $1 AND cu.external_id = $2`, [ch.id, wa]);
    const late = await t.as(org.admin.token).post(`/api/v1/conversations/${row.id}/messages`, { text: '您好' }).expect(422);
    expect(late.body.message).toMatch(/24-hour customer service window/);
    const template = { name: 'order_update', language: 'zh_TW', components: [{ type: 'body', parameters: [{ type: 'text', text: 'A123' }] }] };
    const sent = await t.as(org.admin.token).post(`/api/v1/conversations/${row.id}/messages`, { template }).expect(201);
    expect(sent.body.contentType).toBe('template');
    await drainQueues(t.app);
    const req = stub.to(`/v21.0/${ch.externalId}/messages`).map((r) => r.body).find((b) => b.to === wa);
    expect(req).toEqual({ messaging_product: 'whatsapp', recipient_type: 'individual', to: wa, type: 'template', template: { name: 'order_update', language: { code: 'zh_TW' }, components: template.components } });
    // Templates are WhatsApp's: on LINE, 422.
    const lineConv = await conversationWith(channels.line, newLineUserId());
    await t.as(org.admin.token).post(`/api/v1/conversations/${lineConv}/messages`, { template }).expect(422);
  });
});

function binary(res: any, cb: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}
