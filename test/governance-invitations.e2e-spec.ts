import { AddressInfo } from 'net';
import { SMTPServer } from 'smtp-server';
import { invitationToken } from '../src/modules/governance/invitation-token';
import { Actor, SeedOrg, seedOrg, signup } from './support/org-fixture';
import { eventually } from './support/queues';
import { startTestApp, TestApp } from './support/test-app';

jest.setTimeout(120_000);

const TOKEN_IN_MAIL = /\/invitations\/([0-9a-f-]{36}\.[A-Za-z0-9_-]{43})/;
const DAY = 24 * 3600_000;

/**
 * An invitation whose email never arrived (or whose link expired) can be sent again by an
 * `org.manage` holder. A server without a mailer cannot send it at all: the link itself comes
 * back to the admin, who shares it. The link never enters the audit log.
 */
describe('governance: resending an invitation without a mailer (SMTP_URL unset)', () => {
  let t: TestApp;
  let org: SeedOrg;

  beforeAll(async () => {
    t = await startTestApp();
    org = await seedOrg(t);
  }, 180_000);

  afterAll(async () => {
    await t?.close();
  });

  const invite = async (email: string) => (await t.as(org.admin.token).post('/api/v1/invitations', { email, unitId: org.units.beitun, roleId: org.roles.storeAgent }).expect(201)).body as { id: string; expiresAt: string };

  it('gives an org.manage holder the link of an expired invitation, valid 7 days again, and the invitee joins with it', async () => {
    const inv = await invite('no-mailer@example.com');
    await t.query(`UPDATE invitations SET expires_at = now() - interval '1 day' WHERE id = $1`, [inv.id]);

    const res = (await t.as(org.admin.token).post(`/api/v1/invitations/${inv.id}/resend`).expect(200)).body;
    expect(res.delivery).toBe('link');
    expect(res.acceptUrl).toBe(`${t.env.PUBLIC_URL}/invitations/${invitationToken(t.env.JWT_SECRET, inv.id)}`);
    expect(res.invitation).toMatchObject({ id: inv.id, email: 'no-mailer@example.com', acceptedAt: null });
    expect(new Date(res.invitation.expiresAt).getTime() - Date.now()).toBeGreaterThan(6.9 * DAY);

    const token = TOKEN_IN_MAIL.exec(res.acceptUrl)![1];
    const joined = await t.http().post(`/api/v1/invitations/${token}/accept`).send({ displayName: 'No Mailer', password: 'no-mailer-password' }).expect(201);
    expect(joined.body.member).toMatchObject({ email: 'no-mailer@example.com', unitId: org.units.beitun });

    // Accepted: nothing left to resend.
    await t.as(org.admin.token).post(`/api/v1/invitations/${inv.id}/resend`).expect(409);

    const [audit] = await t.query(`SELECT actor_id, before, after FROM audit_logs WHERE org_id = $1 AND action = 'invitation.resent' AND target_id = $2`, [org.orgId, inv.id]);
    expect(audit).toMatchObject({ actor_id: org.admin.id, after: { delivery: 'link', expiresAt: res.invitation.expiresAt } });
    expect(new Date(audit.before.expiresAt).getTime()).toBeLessThan(Date.now());
    const everything = JSON.stringify(await t.query(`SELECT before, after FROM audit_logs WHERE org_id = $1`, [org.orgId]));
    expect(everything).not.toContain(token.split('.')[1]);
  });

  it('is for org.manage holders of the invitation’s own org only; an email taken meanwhile is a conflict', async () => {
    const inv = await invite('scoped@example.com');
    await t.as(org.winnie.token).post(`/api/v1/invitations/${inv.id}/resend`).expect(403);
    await t.as(org.managerA.token).post(`/api/v1/invitations/${inv.id}/resend`).expect(403);
    const other: Actor = (await signup(t)).admin;
    await t.as(other.token).post(`/api/v1/invitations/${inv.id}/resend`).expect(404);
    await t.as(org.admin.token).post(`/api/v1/invitations/00000000-0000-4000-8000-000000000000/resend`).expect(404);
    await t.as(org.admin.token).post(`/api/v1/invitations/not-a-uuid/resend`).expect(404);
    expect(await t.query(`SELECT 1 FROM audit_logs WHERE action = 'invitation.resent' AND target_id = $1`, [inv.id])).toEqual([]);

    // Someone created the member by hand meanwhile: the invitation cannot be used, so it is not sent.
    const taken = await invite('taken-later@example.com');
    await t.as(org.admin.token).post('/api/v1/members', { email: 'taken-later@example.com', displayName: 'By hand', password: 'by-hand-password', unitId: org.units.beitun, roleId: org.roles.storeAgent }).expect(201);
    await t.as(org.admin.token).post(`/api/v1/invitations/${taken.id}/resend`).expect(409);
  });
});

describe('governance: resending an invitation with a mailer', () => {
  let t: TestApp;
  let smtp: SMTPServer;
  let admin: Actor;
  let rootUnitId: string;
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
    ({ admin, rootUnitId } = await signup(t));
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    await new Promise<void>((r) => smtp.close(() => r()));
  });

  it('emails the same link again and returns no link', async () => {
    const inv = (await t.as(admin.token).post('/api/v1/invitations', { email: 'resent@example.com', unitId: rootUnitId, roleId: admin.roleId }).expect(201)).body;
    const to = (m: { to: string[] }) => m.to.includes('resent@example.com');
    await eventually(async () => mails.filter(to).length === 1, 20000);

    const res = (await t.as(admin.token).post(`/api/v1/invitations/${inv.id}/resend`).expect(200)).body;
    expect(res).toMatchObject({ delivery: 'email', acceptUrl: null, invitation: { id: inv.id } });
    const sent = await eventually(async () => (mails.filter(to).length === 2 ? mails.filter(to) : null), 20000);
    const tokens = sent.map((m) => TOKEN_IN_MAIL.exec(m.body.replace(/=\r?\n/g, ''))?.[1]);
    expect(tokens).toEqual([invitationToken(t.env.JWT_SECRET, inv.id), invitationToken(t.env.JWT_SECRET, inv.id)]);
  });
});
