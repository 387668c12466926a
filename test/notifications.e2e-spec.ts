import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { execFileSync } from 'child_process';
import { createECDH, randomBytes } from 'crypto';
import { mkdtempSync, readFileSync } from 'fs';
import { IncomingMessage, Server } from 'http';
import { createServer, globalAgent } from 'https';
import { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { SMTPServer } from 'smtp-server';
import * as webpush from 'web-push';
import { QueueName } from '../src/infra/queue/queues';
import { DeliverNotificationEmailJob, TransferTimeoutJob } from '../src/modules/notifications/notification.jobs';
import { createChannel, TestChannel } from './support/channels';
import { customerSays, newLineUserId } from './support/inbox';
import { SeedOrg, seedOrg } from './support/org-fixture';
import { ProviderStub } from './support/provider-stub';
import { drainQueues, eventually } from './support/queues';
import { startTestApp, TestApp } from './support/test-app';

interface Mail {
  to: string[];
  body: string;
}

/** SPEC §6: the notification center, email over a real SMTP server, Web Push to a local push service. */
describe('notifications and alerts', () => {
  let t: TestApp;
  let org: SeedOrg;
  let line: TestChannel;
  let smtp: SMTPServer;
  let pushService: Server;
  let providers: ProviderStub;
  const mails: Mail[] = [];
  const pushes: { path: string; headers: IncomingMessage['headers']; bytes: number }[] = [];
  let rejectNextMail = false;
  const vapid = webpush.generateVAPIDKeys();

  const notificationsOf = async (token: string) => (await t.as(token).get('/api/v1/notifications?limit=100').expect(200)).body;
  const browserKeys = () => ({ p256dh: createECDH('prime256v1').generateKeys().toString('base64url'), auth: randomBytes(16).toString('base64url') });

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        let body = '';
        stream.on('data', (c: Buffer) => (body += c.toString()));
        stream.on('end', () => {
          if (rejectNextMail) {
            rejectNextMail = false;
            return callback(Object.assign(new Error('451 try again later'), { responseCode: 451 }));
          }
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), body });
          callback();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    // Push services speak HTTPS only: a local one with a throwaway self-signed certificate.
    const dir = mkdtempSync(join(tmpdir(), 'omni-push-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    // Trust it in this test process only (web-push uses the global HTTPS agent).
    globalAgent.options.ca = readFileSync(join(dir, 'cert.pem'));
    pushService = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
      let bytes = 0;
      req.on('data', (c: Buffer) => (bytes += c.length));
      req.on('end', () => {
        pushes.push({ path: req.url ?? '', headers: req.headers, bytes });
        res.writeHead(req.url?.startsWith('/gone') ? 410 : 201).end();
      });
    });
    await new Promise<void>((r) => pushService.listen(0, '127.0.0.1', r));
    providers = await new ProviderStub().start();
    const smtpPort = (smtp.server.address() as AddressInfo).port;
    t = await startTestApp({
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: 'mailto:ops@omni.test',
      LINE_API_BASE_URL: providers.url,
    });
    org = await seedOrg(t);
    line = await createChannel(t, org.admin.token, 'line');
    // 區經理 receive binding notices on every channel; store agents only in the web center.
    await t.as(org.admin.token).patch(`/api/v1/roles/${org.roles.regionManager}`, { notifications: { 'customer.bound': ['web', 'email', 'push'] } }).expect(200);
  });
  afterAll(async () => {
    await t.close();
    await new Promise<void>((r) => smtp.close(() => r()));
    await new Promise<void>((r) => pushService.close(() => r()));
    await providers.stop();
    delete globalAgent.options.ca;
  });

  it('refuses binding notifications for a role without a binding folder (seed 003 §6)', async () => {
    const role = await t.as(org.admin.token).post('/api/v1/roles', { name: 'no binding folders', permissions: ['inbox.access', 'folder.assigned'] }).expect(201);
    const res = await t.as(org.admin.token).patch(`/api/v1/roles/${role.body.id}`, { notifications: { 'customer.bound': ['web'] } }).expect(422);
    expect(res.body.message).toMatch(/folder\.bound or folder\.subordinate_bound/);
  });

  it('customer.bound reaches the bound member and the supervisors above, by web, email and push', async () => {
    const base = `${(pushService.address() as AddressInfo).port}`;
    await t.as(org.managerA.token).post('/api/v1/push-subscriptions', { endpoint: `https://127.0.0.1:${base}/push/a`, keys: browserKeys() }).expect(201);
    await t.as(org.managerA.token).post('/api/v1/push-subscriptions', { endpoint: `https://127.0.0.1:${base}/gone/a`, keys: browserKeys() }).expect(201);
    const { customerId, conversationId } = await customerSays(t, line, newLineUserId(), '我想綁定');
    await t.as(org.admin.token).put(`/api/v1/customers/${customerId}/binding`, { unitId: org.units.beitun, memberId: org.winnie.id }).expect(200);
    await drainQueues(t.app);

    const bound = async (token: string) => (await notificationsOf(token)).items.filter((n: { type: string }) => n.type === 'customer.bound');
    expect(await bound(org.winnie.token)).toEqual([
      expect.objectContaining({ type: 'customer.bound', readAt: null, payload: expect.objectContaining({ customerId, conversationId, unitId: org.units.beitun, unitName: '台中北屯門市', memberId: org.winnie.id }) }),
    ]);
    for (const who of [org.managerA, org.managerB, org.managerC, org.heine]) expect(await bound(who.token)).toHaveLength(1);
    for (const who of [org.vincent, org.southManager]) expect(await bound(who.token)).toHaveLength(0);

    const toA = mails.filter((m) => m.to.includes(org.managerA.email));
    expect(toA).toHaveLength(1);
    expect(toA[0].body).toMatch(/Subject: .*Customer_bound/s);
    expect(toA[0].body).toContain('is now bound to');
    expect(mails.filter((m) => m.to.includes(org.winnie.email))).toHaveLength(0); // store agents: web only

    const push = pushes.find((p) => p.path === '/push/a')!;
    expect(push.headers.authorization).toMatch(new RegExp(`^vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=${vapid.publicKey}$`));
    expect(push.headers['content-encoding']).toBe('aes128gcm');
    expect(push.headers.ttl).toBe('3600');
    expect(push.bytes).toBeGreaterThan(0);
    // the push service answered 410 for the other subscription: it is gone
    expect((await t.query(`SELECT endpoint FROM push_subscriptions WHERE member_id = $1`, [org.managerA.id])).map((r) => r.endpoint)).toEqual([`https://127.0.0.1:${base}/push/a`]);
  });

  it('a binding by the customer’s own token notifies too', async () => {
    const link = (await t.as(org.admin.token).post(`/api/v1/units/${org.units.central}/binding-links`, { channelAccountId: line.id }).expect(201)).body;
    const before = (await notificationsOf(org.managerB.token)).items.length;
    await customerSays(t, line, newLineUserId(), link.text);
    await drainQueues(t.app);
    const after = await notificationsOf(org.managerB.token);
    expect(after.items.length).toBe(before + 1);
    expect(after.items[0]).toMatchObject({ type: 'customer.bound', payload: { unitId: org.units.central, unitName: '中區營業所', memberId: null } });
  });

  it('the notification center pages, counts unread and marks read', async () => {
    const first = await t.as(org.managerB.token).get('/api/v1/notifications?limit=1').expect(200);
    expect(first.body.unread).toBe(2);
    expect(first.body.items).toHaveLength(1);
    const second = await t.as(org.managerB.token).get(`/api/v1/notifications?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`).expect(200);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    const read = await t.as(org.managerB.token).post(`/api/v1/notifications/${first.body.items[0].id}/read`).expect(200);
    expect(read.body.readAt).not.toBeNull();
    expect((await notificationsOf(org.managerB.token)).unread).toBe(1);
    await t.as(org.managerC.token).post(`/api/v1/notifications/${first.body.items[0].id}/read`).expect(404);
  });

  it('a duplicated or retried job sends once; a failing SMTP server is retried with backoff', async () => {
    const queue = t.app.get<Queue>(getQueueToken(QueueName.Notifications), { strict: false });
    const [n] = await t.query(`SELECT id FROM notifications WHERE member_id = $1 AND type = 'customer.bound' ORDER BY created_at LIMIT 1`, [org.managerC.id]);
    await t.query(`UPDATE notifications SET email_sent_at = NULL WHERE id = $1`, [n.id]);
    const sentBefore = mails.length;
    rejectNextMail = true; // the first attempt gets a 451, the retry goes through
    const data = new DeliverNotificationEmailJob({ orgId: org.orgId, notificationId: n.id }).data;
    await Promise.all([
      queue.add(DeliverNotificationEmailJob.jobName, data, { jobId: 'dup-1', attempts: 3, backoff: { type: 'fixed', delay: 200 } }),
      queue.add(DeliverNotificationEmailJob.jobName, data, { jobId: 'dup-2', attempts: 3, backoff: { type: 'fixed', delay: 200 } }),
    ]);
    await drainQueues(t.app, 30000);
    expect(mails.length - sentBefore).toBe(1);
  });

  describe('transfer timeout', () => {
    beforeAll(async () => {
      await t.as(org.admin.token).patch('/api/v1/org', { settings: { transferTimeoutSeconds: 1 } }).expect(200);
    });

    it('alerts the transferrer and the assignee unit’s supervisors once when the assignee does not reply', async () => {
      const { conversationId } = await customerSays(t, line, newLineUserId(), '有人在嗎');
      await t.as(org.heine.token).post(`/api/v1/conversations/${conversationId}/assign`, { assigneeId: org.winnie.id }).expect(200);
      await drainQueues(t.app, 30000);
      const alerts = async (token: string) =>
        (await notificationsOf(token)).items.filter((n: { type: string; payload: { conversationId: string } }) => n.type === 'conversation.transfer_timeout' && n.payload.conversationId === conversationId);
      for (const who of [org.heine, org.managerA, org.managerB, org.managerC]) {
        expect(await alerts(who.token)).toEqual([expect.objectContaining({ payload: expect.objectContaining({ assigneeId: org.winnie.id, transferredById: org.heine.id, timeoutSeconds: 1 }) })]);
      }
      expect(await alerts(org.winnie.token)).toEqual([]);
      expect(await alerts(org.southManager.token)).toEqual([]);

      // the same job again (a duplicate) alerts nobody twice
      const [a] = await t.query(`SELECT id FROM assignments WHERE conversation_id = $1 AND ended_at IS NULL`, [conversationId]);
      const queue = t.app.get<Queue>(getQueueToken(QueueName.Notifications), { strict: false });
      await queue.add(TransferTimeoutJob.jobName, new TransferTimeoutJob({ orgId: org.orgId, assignmentId: a.id }).data, { jobId: 'dup-timeout' });
      await drainQueues(t.app);
      expect(await alerts(org.heine.token)).toHaveLength(1);
    });

    it('does not fire when the assignee replied in time', async () => {
      await t.as(org.admin.token).patch('/api/v1/org', { settings: { transferTimeoutSeconds: 2 } }).expect(200);
      const { conversationId } = await customerSays(t, line, newLineUserId(), '請問價格');
      await t.as(org.heine.token).post(`/api/v1/conversations/${conversationId}/assign`, { assigneeId: org.winnie.id }).expect(200);
      await t.as(org.winnie.token).post(`/api/v1/conversations/${conversationId}/messages`, { text: '您好,馬上為您查詢' }).expect(201);
      await drainQueues(t.app, 30000);
      const items = (await notificationsOf(org.heine.token)).items;
      expect(items.filter((n: { type: string; payload: { conversationId: string } }) => n.type === 'conversation.transfer_timeout' && n.payload.conversationId === conversationId)).toEqual([]);
    });
  });

  describe('mentions', () => {
    it('notify mentioned readers; members who cannot read the conversation are refused with 422', async () => {
      const { conversationId } = await customerSays(t, line, newLineUserId(), '需要主管協助');
      await t.as(org.heine.token).post(`/api/v1/conversations/${conversationId}/assign`, { assigneeId: org.managerA.id }).expect(200);
      await t.as(org.managerA.token).post(`/api/v1/conversations/${conversationId}/notes`, { text: '@B 請看一下', mentionIds: [org.winnie.id] }).expect(422);
      const note = await t.as(org.managerA.token).post(`/api/v1/conversations/${conversationId}/notes`, { text: '@B 請看一下', mentionIds: [org.managerB.id] }).expect(201);
      await eventually(async () => (await notificationsOf(org.managerB.token)).items.some((n: { type: string }) => n.type === 'mention'));
      const mention = (await notificationsOf(org.managerB.token)).items.find((n: { type: string }) => n.type === 'mention');
      expect(mention.payload).toMatchObject({ conversationId, messageId: note.body.id, fromMemberId: org.managerA.id, text: '@B 請看一下', redacted: false });
    });
  });
});
