import { AddressInfo } from 'net';
import { SMTPServer } from 'smtp-server';
import { createChannel, TestChannel } from './support/channels';
import { customerSays, newLineUserId } from './support/inbox';
import { login, PASSWORD, SeedOrg,seedOrg } from './support/org-fixture';
import { eventually } from './support/queues';
import { startTestApp, TestApp } from './support/test-app';

jest.setTimeout(120_000);

/** Send windows (seed 002's night shift), one's own password, and joining by invitation. */
describe('governance: send windows and self-service', () => {
  let t: TestApp;
  let org: SeedOrg;
  let line: TestChannel;
  let smtp: SMTPServer;
  const mails: { to: string[]; body: string }[] = [];

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        let body = '';
        stream.on('data', (c: Buffer) => (body += c.toString()));
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), body });
          callback();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    t = await startTestApp({ SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}` });
    org = await seedOrg(t);
    line = await createChannel(t, org.admin.token, 'line');
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    await new Promise<void>((r) => smtp.close(() => r()));
  });

  it('a reply outside the role window is refused with the window named; notes still go through', async () => {
    const { conversationId } = await customerSays(t, line, newLineUserId(), '晚上還有人回覆嗎?');
    await t.as(org.admin.token).post(`/api/v1/conversations/${conversationId}/assign`, { assigneeId: org.winnie.id }).expect((r) => expect([200, 201]).toContain(r.status));

    // A window closed right now whenever the test runs: one minute on another weekday than today in Taipei.
    const now = new Date();
    const taipei = new Date(now.getTime() + 8 * 3600_000);
    const isoDay = ((taipei.getUTCDay() + 6) % 7) + 1;
    const otherDay = (isoDay % 7) + 1;
    const window = { days: [otherDay], from: '00:00', to: '00:01' };
    await t.as(org.admin.token).patch('/api/v1/org', { settings: { timezone: 'Asia/Taipei' } }).expect(200);
    const role = (await t.as(org.admin.token).patch(`/api/v1/roles/${org.roles.storeAgent}`, { sendWindow: window }).expect(200)).body;
    expect(role.sendWindow).toEqual(window);

    const refused = await t.as(org.winnie.token).post(`/api/v1/conversations/${conversationId}/messages`, { text: '您好' }).expect(403);
    expect(refused.body.message).toMatch(/00:00–00:01 \(Asia\/Taipei\)/);
    await t.as(org.winnie.token).post(`/api/v1/conversations/${conversationId}/notes`, { text: '客人晚上來訊,明早回覆' }).expect(201);

    // Open all week: the reply goes out.
    await t.as(org.admin.token).patch(`/api/v1/roles/${org.roles.storeAgent}`, { sendWindow: { days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '23:59' } }).expect(200);
    const minuteOfDay = taipei.getUTCHours() * 60 + taipei.getUTCMinutes();
    if (minuteOfDay < 23 * 60 + 59) await t.as(org.winnie.token).post(`/api/v1/conversations/${conversationId}/messages`, { text: '您好' }).expect(201);
    // Bad windows: 400 for shape, 422 for an empty one.
    await t.as(org.admin.token).patch(`/api/v1/roles/${org.roles.storeAgent}`, { sendWindow: { days: [8], from: '09:00', to: '18:00' } }).expect(400);
    await t.as(org.admin.token).patch(`/api/v1/roles/${org.roles.storeAgent}`, { sendWindow: { days: [1], from: '9am', to: '18:00' } }).expect(400);
    await t.as(org.admin.token).patch(`/api/v1/roles/${org.roles.storeAgent}`, { sendWindow: { days: [1], from: '09:00', to: '09:00' } }).expect(422);
    await t.as(org.admin.token).patch(`/api/v1/roles/${org.roles.storeAgent}`, { sendWindow: null }).expect(200);
  });

  it('a password change keeps this session, revokes every other token, and the new password logs in', async () => {
    const other = await login(t, org.vincent.email);
    await t.as(org.vincent.token).post('/api/v1/me/password', { currentPassword: 'wrong-password', newPassword: 'new-password-123' }).expect(401);
    await t.as(org.vincent.token).post('/api/v1/me/password', { currentPassword: PASSWORD, newPassword: 'x' }).expect(400);
    const res = await t.as(org.vincent.token).post('/api/v1/me/password', { currentPassword: PASSWORD, newPassword: 'new-password-123' }).expect(200);
    await t.as(org.vincent.token).get('/api/v1/me').expect(200);
    await t.as(res.body.accessToken).get('/api/v1/me').expect(200);
    await t.as(other).get('/api/v1/me').expect(401);
    await t.http().post('/api/v1/auth/login').send({ email: org.vincent.email, password: PASSWORD }).expect(401);
    await login(t, org.vincent.email, 'new-password-123');
    const audit = (await t.as(org.admin.token).get('/api/v1/audit-logs?limit=100').expect(200)).body.items;
    expect(audit.find((a: { action: string; targetId: string }) => a.action === 'member.password_changed' && a.targetId === org.vincent.id)).toBeDefined();
  });

  it('an invitation is emailed, accepted once, and its token signs the new member in', async () => {
    await t.as(org.winnie.token).post('/api/v1/invitations', { email: 'x@example.com', unitId: org.units.beitun, roleId: org.roles.storeAgent }).expect(403);
    await t.as(org.admin.token).post('/api/v1/invitations', { email: org.winnie.email, unitId: org.units.beitun, roleId: org.roles.storeAgent }).expect(409);
    const inv = (await t.as(org.admin.token).post('/api/v1/invitations', { email: 'Amy.Lin@Example.com', unitId: org.units.beitun, roleId: org.roles.storeAgent }).expect(201)).body;
    expect(inv).toMatchObject({ email: 'amy.lin@example.com', unitId: org.units.beitun, roleId: org.roles.storeAgent, acceptedAt: null });
    expect(new Date(inv.expiresAt).getTime() - Date.now()).toBeGreaterThan(6.9 * 24 * 3600_000);

    // The email job runs after the relay (other queues of this file hold delayed retries and timeouts).
    const mail = await eventually(async () => mails.find((m) => m.to.includes('amy.lin@example.com')), 20000);
    const token = /\/invitations\/([0-9a-f-]{36}\.[A-Za-z0-9_-]{43})/.exec(mail.body.replace(/=\r?\n/g, ''))?.[1];
    expect(token).toBeDefined();

    await t.http().post(`/api/v1/invitations/${inv.id}.${'A'.repeat(43)}/accept`).send({ displayName: 'Amy', password: 'amy-password-1' }).expect(404);
    const accepted = await t.http().post(`/api/v1/invitations/${token}/accept`).send({ displayName: 'Amy 林', password: 'amy-password-1' }).expect(201);
    expect(accepted.body.member).toMatchObject({ email: 'amy.lin@example.com', displayName: 'Amy 林', unitId: org.units.beitun, roleId: org.roles.storeAgent });
    const me = (await t.as(accepted.body.accessToken).get('/api/v1/me').expect(200)).body;
    expect(me.member.id).toBe(accepted.body.member.id);
    await t.http().post(`/api/v1/invitations/${token}/accept`).send({ displayName: 'Amy again', password: 'amy-password-2' }).expect(409);
    await login(t, 'amy.lin@example.com', 'amy-password-1');

    // Expired after 7 days.
    const late = (await t.as(org.admin.token).post('/api/v1/invitations', { email: 'late@example.com', unitId: org.units.beitun, roleId: org.roles.storeAgent }).expect(201)).body;
    await t.query(`UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = $1`, [late.id]);
    const lateMail = await eventually(async () => mails.find((m) => m.to.includes('late@example.com')), 20000);
    const lateToken = /\/invitations\/([0-9a-f-]{36}\.[A-Za-z0-9_-]{43})/.exec(lateMail.body.replace(/=\r?\n/g, ''))![1];
    await t.http().post(`/api/v1/invitations/${lateToken}/accept`).send({ displayName: 'Late', password: 'late-password-1' }).expect(404);
  });
});
