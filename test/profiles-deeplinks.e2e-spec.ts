import { randomBytes } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { lineEvent, lineWebhook, messengerWebhook } from './fixtures/providers';
import { createChannel, postWebhook, TestChannel } from './support/channels';
import { newLineUserId } from './support/inbox';
import { MediaStub } from './support/media-stub';
import { SeedOrg,seedOrg } from './support/org-fixture';
import { drainQueues } from './support/queues';
import { startTestApp, TestApp } from './support/test-app';

jest.setTimeout(240_000);

/** Customer profiles from the providers, and binding without typing (deep links, Messenger referrals). */
describe('profiles and binding deep links for 台中北屯門市', () => {
  let t: TestApp;
  let org: SeedOrg;
  let stub: MediaStub;
  let dir: string;
  let line: TestChannel;
  let messenger: TestChannel;
  const avatar = randomBytes(2048);

  const customerOf = async (ch: TestChannel, externalId: string) =>
    (await t.query(`SELECT cu.id, c.id AS conversation_id FROM customers cu JOIN conversations c ON c.customer_id = cu.id WHERE cu.channel_account_id = $1 AND cu.external_id = $2`, [ch.id, externalId]))[0];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'omni-profiles-'));
    stub = await new MediaStub().start();
    stub.json('/v2/bot/message/push', { sentMessages: [{ id: 'line-sent' }] });
    t = await startTestApp({ LINE_API_BASE_URL: stub.url, GRAPH_API_BASE_URL: stub.url, LINE_DATA_API_BASE_URL: stub.url, STORAGE_DIR: dir, OUTBOUND_ATTEMPTS: '1' });
    org = await seedOrg(t);
    line = await createChannel(t, org.admin.token, 'line');
    messenger = await createChannel(t, org.admin.token, 'messenger');
  });
  afterAll(async () => {
    await t.close();
    await stub.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('LINE: on first contact the display name and avatar come from the profile API, once a day', async () => {
    const userId = newLineUserId();
    stub.json(`/v2/bot/profile/${userId}`, { userId, displayName: '陳小姐', pictureUrl: `${stub.url}/avatars/${userId}.jpg`, language: 'zh-TW' });
    stub.serve(`/avatars/${userId}.jpg`, { status: 200, body: avatar, type: 'image/jpeg' });
    await postWebhook(t, line, lineWebhook(line.externalId, [lineEvent({ userId, text: '你好' })])).expect(200);
    await drainQueues(t.app);
    const { id } = await customerOf(line, userId);
    const res = await t.as(org.admin.token).get(`/api/v1/customers/${id}`).expect(200);
    expect(res.body.displayName).toBe('陳小姐');
    expect(res.body.avatarUrl).toMatch(/^\/api\/v1\/attachments\/[0-9a-f-]{36}$/);
    expect(stub.to(`/v2/bot/profile/${userId}`)[0].headers.authorization).toBe(`Bearer ${line.accessToken}`);
    const img = await t.as(org.admin.token).get(res.body.avatarUrl).expect(200);
    expect(img.headers['content-type']).toBe('image/jpeg');
    expect(img.headers['content-length']).toBe(String(avatar.length));
    // Winnie cannot read the conversation: nor the avatar.
    await t.as(org.winnie.token).get(res.body.avatarUrl).expect(404);

    // Writing again the same day asks LINE nothing more.
    await postWebhook(t, line, lineWebhook(line.externalId, [lineEvent({ userId, text: '還在嗎' })])).expect(200);
    await drainQueues(t.app);
    expect(stub.to(`/v2/bot/profile/${userId}`)).toHaveLength(1);
  });

  it('Messenger: name and profile_pic from the Graph API', async () => {
    const psid = `${Date.now()}42`;
    stub.json(`/v21.0/${psid}`, { name: 'Lin Wei', profile_pic: `${stub.url}/avatars/${psid}.png`, id: psid });
    stub.serve(`/avatars/${psid}.png`, { status: 200, body: avatar, type: 'image/png' });
    await postWebhook(t, messenger, messengerWebhook(messenger.externalId, [{ psid, text: 'hello' }])).expect(200);
    await drainQueues(t.app);
    const { id } = await customerOf(messenger, psid);
    const res = await t.as(org.admin.token).get(`/api/v1/customers/${id}`).expect(200);
    expect(res.body).toMatchObject({ displayName: 'Lin Wei', avatarUrl: expect.stringMatching(/^\/api\/v1\/attachments\//) });
  });

  it('binding links answer deep links; the QR code opens the channel’s one; a Messenger referral binds with no message', async () => {
    const patched = await t.as(org.admin.token).patch(`/api/v1/channel-accounts/${line.id}`, { basicId: '@omnidemo' }).expect(200);
    expect(patched.body.basicId).toBe('@omnidemo');
    const lineLink = await t.as(org.admin.token).post(`/api/v1/units/${org.units.beitun}/binding-links`, { channelAccountId: line.id }).expect(201);
    expect(lineLink.body.deepLinks).toEqual({ line: `https://line.me/R/oaMessage/%40omnidemo/?${encodeURIComponent(lineLink.body.text)}` });
    expect(lineLink.body.text).toContain(lineLink.body.token);

    const mLink = await t.as(org.admin.token).post(`/api/v1/units/${org.units.beitun}/binding-links`, { channelAccountId: messenger.id }).expect(201);
    expect(mLink.body.deepLinks).toEqual({ messenger: `https://m.me/${messenger.externalId}?ref=${mLink.body.token}` });

    // The customer opens m.me/<page>?ref=<token>: a referral event, no message typed.
    const psid = `${Date.now()}77`;
    const opened = {
      object: 'page',
      entry: [{ id: messenger.externalId, time: Date.now(), messaging: [{ sender: { id: psid }, recipient: { id: messenger.externalId }, timestamp: Date.now(), referral: { ref: mLink.body.token, source: 'SHORTLINK', type: 'OPEN_THREAD' } }] }],
    };
    await postWebhook(t, messenger, opened).expect(200);
    await drainQueues(t.app);
    const [c] = await t.query(`SELECT bound_unit_id, tags FROM customers WHERE channel_account_id = $1 AND external_id = $2`, [messenger.id, psid]);
    expect(c.bound_unit_id).toBe(org.units.beitun);
    expect(c.tags).toContain('台中北屯門市');
    // The same referral delivered again changes nothing and confirms nothing twice.
    await postWebhook(t, messenger, opened).expect(200);
    await drainQueues(t.app);
    const confirmations = await t.query(`SELECT count(*)::int AS n FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN customers cu ON cu.id = c.customer_id WHERE cu.external_id = $1 AND m.kind = 'system'`, [psid]);
    expect(confirmations[0].n).toBe(1);
  });
});
