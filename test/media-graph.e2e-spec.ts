import { randomBytes } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { messengerWebhook, whatsappWebhook } from './fixtures/providers';
import { createChannel, postWebhook, TestChannel } from './support/channels';
import { MediaStub } from './support/media-stub';
import { signup } from './support/org-fixture';
import { eventually } from './support/queues';
import { startTestApp, TestApp } from './support/test-app';

jest.setTimeout(240_000);

/**
 * Inbound media through Graph: a WhatsApp image is a media id (GET /{version}/{id} → a URL →
 * the bytes, both with the channel's token); a Messenger image carries its URL. Both end stored.
 */
describe('inbound media from Graph: WhatsApp media ids and Messenger attachment URLs', () => {
  let t: TestApp;
  let admin: string;
  let stub: MediaStub;
  let dir: string;
  let whatsapp: TestChannel;
  let messenger: TestChannel;
  const photo = randomBytes(30_000);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'omni-graph-media-'));
    stub = await new MediaStub().start();
    t = await startTestApp({ GRAPH_API_BASE_URL: stub.url, LINE_API_BASE_URL: stub.url, STORAGE_DIR: dir, MEDIA_FETCH_ATTEMPTS: '2', MEDIA_FETCH_BACKOFF_MS: '10' });
    admin = (await signup(t)).admin.token;
    whatsapp = await createChannel(t, admin, 'whatsapp');
    messenger = await createChannel(t, admin, 'messenger');
  });
  afterAll(async () => {
    await t?.close();
    await stub?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const attachmentOf = async (channelAccountId: string) =>
    (
      await t.query(
        `SELECT a.id, a.status, a.size, a.mime_type FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.channel_account_id = $1 AND a.direction = 'in'`,
        [channelAccountId],
      )
    )[0];

  it('WhatsApp: the media id is resolved to a URL and the bytes are fetched with the channel token', async () => {
    const mediaId = `${Date.now()}777`;
    stub.json(`/v21.0/${mediaId}`, { url: `${stub.url}/whatsapp-cdn/${mediaId}`, mime_type: 'image/jpeg', sha256: 'x', file_size: photo.length, id: mediaId, messaging_product: 'whatsapp' });
    stub.serve(`/whatsapp-cdn/${mediaId}`, { status: 200, body: photo, type: 'image/jpeg' });
    const body = whatsappWebhook(whatsapp.externalId, { messages: [{ text: 'x' }] }) as any;
    const msg = body.entry[0].changes[0].value.messages[0];
    delete msg.text;
    Object.assign(msg, { type: 'image', image: { id: mediaId, mime_type: 'image/jpeg', sha256: 'x', caption: '收據' } });
    await postWebhook(t, whatsapp, body).expect(200);

    const stored = await eventually(async () => {
      const a = await attachmentOf(whatsapp.id);
      return a?.status === 'stored' ? a : undefined;
    }, 20000);
    expect(stored).toMatchObject({ size: String(photo.length), mime_type: 'image/jpeg' });
    const lookups = stub.to(`/v21.0/${mediaId}`);
    expect(lookups[0].headers.authorization).toBe(`Bearer ${whatsapp.accessToken}`);
    expect(stub.to(`/whatsapp-cdn/${mediaId}`)[0].headers.authorization).toBe(`Bearer ${whatsapp.accessToken}`);
    const file = await t.as(admin).get(`/api/v1/attachments/${stored.id}`).expect(200);
    expect(Buffer.compare(file.body as Buffer, photo)).toBe(0);
  });

  it('Messenger: the attachment URL is fetched as it is', async () => {
    const body = messengerWebhook(messenger.externalId, [{ text: 'x' }]) as any;
    const m = body.entry[0].messaging[0].message;
    delete m.text;
    m.attachments = [{ type: 'image', payload: { url: `${stub.url}/fbcdn/photo.jpg?oh=abc` } }];
    stub.serve('/fbcdn/photo.jpg', { status: 200, body: photo, type: 'image/jpeg' });
    await postWebhook(t, messenger, body).expect(200);
    const stored = await eventually(async () => {
      const a = await attachmentOf(messenger.id);
      return a?.status === 'stored' ? a : undefined;
    }, 20000);
    expect(stored).toMatchObject({ size: String(photo.length), mime_type: 'image/jpeg' });
  });
});
