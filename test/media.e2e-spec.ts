import { randomBytes } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { lineEvent, lineWebhook } from './fixtures/providers';
import { createChannel, postWebhook, TestChannel } from './support/channels';
import { newLineUserId } from './support/inbox';
import { MediaStub } from './support/media-stub';
import { SeedOrg,seedOrg } from './support/org-fixture';
import { drainQueues, eventually } from './support/queues';
import { connectInbox, InboxClient, settle } from './support/sockets';
import { startTestApp, TestApp } from './support/test-app';


// The machine may be shared and loaded: the org seed alone can take a while.
jest.setTimeout(240_000);

/** Inbound media (LINE) → downloaded into storage → message.updated → read with Range, visibility-checked. */
describe('inbound media: a LINE customer sends a photo of the receipt to 台中北屯門市', () => {
  let t: TestApp;
  let org: SeedOrg;
  let stub: MediaStub;
  let line: TestChannel;
  let dir: string;
  let adminSocket: InboxClient;
  const photo = randomBytes(50_000);
  let seq = 0;
  const lineMessageId = () => `${Date.now()}${(++seq).toString().padStart(5, '0')}`;

  async function customerSends(userId: string, message: Record<string, unknown>): Promise<{ conversationId: string; message: any }> {
    await postWebhook(t, line, lineWebhook(line.externalId, [lineEvent({ userId, message })])).expect(200);
    const [row] = await t.query(
      `SELECT c.id FROM conversations c JOIN customers cu ON cu.id = c.customer_id WHERE cu.channel_account_id = $1 AND cu.external_id = $2`,
      [line.id, userId],
    );
    const res = await t.as(org.admin.token).get(`/api/v1/conversations/${row.id}/messages`).expect(200);
    return { conversationId: row.id, message: res.body.items[0] };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'omni-media-'));
    stub = await new MediaStub().start();
    t = await startTestApp({ LINE_DATA_API_BASE_URL: stub.url, STORAGE_DIR: dir, MEDIA_FETCH_ATTEMPTS: '2', MEDIA_FETCH_BACKOFF_MS: '10' }, { listen: true });
    org = await seedOrg(t);
    line = await createChannel(t, org.admin.token, 'line');
    adminSocket = await connectInbox(t.url!, org.admin.token);
  });
  afterAll(async () => {
    adminSocket?.close();
    await t.close();
    await stub.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores the image from LINE’s content API, tells the sockets, and serves it with ranges', async () => {
    const id = lineMessageId();
    stub.serve(`/v2/bot/message/${id}/content`, { status: 200, body: photo, type: 'image/jpeg' });
    const { conversationId, message } = await customerSends(newLineUserId(), { type: 'image', id, contentProvider: { type: 'line' } });
    expect(message.contentType).toBe('image');
    expect(message.attachments).toEqual([{ id: expect.any(String), type: 'image', mimeType: null, size: null, fileName: null, status: 'pending', url: expect.stringMatching(/^\/api\/v1\/attachments\//) }]);
    const attachmentId = message.attachments[0].id;
    expect(message.attachments[0].url).toBe(`/api/v1/attachments/${attachmentId}`);

    await drainQueues(t.app);
    const [req] = stub.to(`/v2/bot/message/${id}/content`);
    expect(req.headers.authorization).toBe(`Bearer ${line.accessToken}`);

    // The socket hears the new status on message.updated.
    await settle();
    const updated = await eventually(async () => adminSocket.of('message.updated').find((m) => m.id === message.id && m.attachments[0]?.status === 'stored'));
    expect(updated.conversationId).toBe(conversationId);
    expect(updated.attachments[0]).toMatchObject({ id: attachmentId, status: 'stored', size: photo.length, mimeType: 'image/jpeg' });
    const [row] = await t.query(`SELECT status, size, storage_key, message_id FROM attachments WHERE id = $1`, [attachmentId]);
    expect(row).toMatchObject({ status: 'stored', size: String(photo.length), storage_key: `${org.orgId}/${attachmentId}`, message_id: message.id });

    const whole = await t.as(org.admin.token).get(`/api/v1/attachments/${attachmentId}`).buffer(true).parse(binary).expect(200);
    expect(whole.headers['content-type']).toBe('image/jpeg');
    expect(whole.headers['content-length']).toBe(String(photo.length));
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(Buffer.compare(whole.body, photo)).toBe(0);

    const part = await t.as(org.admin.token).get(`/api/v1/attachments/${attachmentId}`).set('Range', 'bytes=100-199').buffer(true).parse(binary).expect(206);
    expect(part.headers['content-range']).toBe(`bytes 100-199/${photo.length}`);
    expect(part.headers['content-length']).toBe('100');
    expect(Buffer.compare(part.body, photo.subarray(100, 200))).toBe(0);

    const tail = await t.as(org.admin.token).get(`/api/v1/attachments/${attachmentId}`).set('Range', 'bytes=-10').buffer(true).parse(binary).expect(206);
    expect(Buffer.compare(tail.body, photo.subarray(photo.length - 10))).toBe(0);

    const beyond = await t.as(org.admin.token).get(`/api/v1/attachments/${attachmentId}`).set('Range', `bytes=${photo.length}-`);
    expect(beyond.status).toBe(416);
    expect(beyond.headers['content-range']).toBe(`bytes */${photo.length}`);

    // 中區 Manager A reads the unassigned conversation: the photo too. Winnie (台中北屯門市, no unassigned folder) cannot: 404.
    await t.as(org.managerA.token).get(`/api/v1/conversations/${conversationId}`).expect(200);
    await t.as(org.managerA.token).get(`/api/v1/attachments/${attachmentId}`).expect(200);
    await t.as(org.winnie.token).get(`/api/v1/conversations/${conversationId}`).expect(404);
    await t.as(org.winnie.token).get(`/api/v1/attachments/${attachmentId}`).expect(404);
    await t.http().get(`/api/v1/attachments/${attachmentId}`).expect(401);

    // A private message is redacted for Manager A (no conversation.private.view): no attachments, and the file is 404.
    await t.query(`UPDATE messages SET private = true WHERE id = $1`, [message.id]);
    const redacted = await t.as(org.managerA.token).get(`/api/v1/conversations/${conversationId}/messages`).expect(200);
    expect(redacted.body.items.find((m: any) => m.id === message.id)).toMatchObject({ redacted: true, attachments: [] });
    await t.as(org.managerA.token).get(`/api/v1/attachments/${attachmentId}`).expect(404);
    await t.as(org.admin.token).get(`/api/v1/attachments/${attachmentId}`).expect(200);
  });

  it('a download LINE keeps refusing ends `failed` after its attempts, and the socket hears that too', async () => {
    const id = lineMessageId();
    stub.serve(`/v2/bot/message/${id}/content`, { status: 500, body: 'oops', type: 'text/plain' });
    const { message } = await customerSends(newLineUserId(), { type: 'video', id, duration: 6000, contentProvider: { type: 'line' } });
    await drainQueues(t.app);
    expect(stub.to(`/v2/bot/message/${id}/content`)).toHaveLength(2);
    await settle();
    const updated = await eventually(async () => adminSocket.of('message.updated').find((m) => m.id === message.id && m.attachments[0]?.status === 'failed'));
    expect(updated.attachments[0]).toMatchObject({ type: 'video', status: 'failed', duration: 6000 });
    const [row] = await t.query(`SELECT status, attempts, error FROM attachments WHERE id = $1`, [message.attachments[0].id]);
    expect(row).toMatchObject({ status: 'failed', attempts: 2, error: expect.stringContaining('HTTP 500') });
    await t.as(org.admin.token).get(`/api/v1/attachments/${message.attachments[0].id}`).expect(404);
  });

  it('stickers keep package and sticker ids with LINE’s public image; locations keep title, address and coordinates', async () => {
    const user = newLineUserId();
    const sticker = await customerSends(user, { type: 'sticker', id: lineMessageId(), packageId: '446', stickerId: '1988', stickerResourceType: 'STATIC' });
    expect(sticker.message.attachments).toEqual([
      {
        id: expect.any(String),
        type: 'sticker',
        status: 'stored',
        packageId: '446',
        stickerId: '1988',
        stickerUrl: 'https://stickershop.line-scdn.net/stickershop/v1/sticker/1988/android/sticker.png',
        url: 'https://stickershop.line-scdn.net/stickershop/v1/sticker/1988/android/sticker.png',
        mimeType: 'image/png',
        size: null,
        fileName: null,
      },
    ]);
    const location = await customerSends(user, { type: 'location', id: lineMessageId(), title: '台中北屯門市', address: '台中市北屯區崇德路二段', latitude: 24.1826, longitude: 120.6862 });
    expect(location.message.attachments).toEqual([
      expect.objectContaining({ type: 'location', status: 'stored', url: null, title: '台中北屯門市', address: '台中市北屯區崇德路二段', latitude: 24.1826, longitude: 120.6862 }),
    ]);
    await drainQueues(t.app);
    expect(stub.requests.filter((r) => r.path.includes(String(sticker.message.id)))).toHaveLength(0);
  });
});

function binary(res: any, cb: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}
