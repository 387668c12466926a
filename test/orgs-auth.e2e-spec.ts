import { JwtService } from '@nestjs/jwt';
import { ALL_PERMISSIONS, FOLDERS } from '../src/modules/access/permissions';
import {
  expectError,
  login,
  PASSWORD,
  SeedOrg,
  seedOrg,
  signup,
  startTestAppWithEnv,
  uniqueSuffix,
  withAppDb,
} from './support/org-fixture';
import { startTestApp, TestApp } from './support/test-app';

const MEMBER_KEYS = ['id', 'email', 'displayName', 'unitId', 'roleId', 'status', 'channelAccountIds'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const signupBody = (over: Record<string, unknown> = {}) => ({
  name: `Org ${uniqueSuffix()}`,
  adminEmail: `founder-${uniqueSuffix()}@example.com`,
  adminPassword: PASSWORD,
  adminName: 'Founder',
  ...over,
});

describe('orgs, auth, me, org settings, http conventions', () => {
  let t: TestApp;
  let org: SeedOrg;

  beforeAll(async () => {
    t = await startTestApp();
    org = await seedOrg(t);
  });
  afterAll(() => t.close());

  describe('POST /api/v1/orgs (signup)', () => {
    it('creates the org, its root unit, the built-in roles and the first administrator', async () => {
      const body = signupBody({ name: '  Super 8  ', adminEmail: `  Mixed.Case-${uniqueSuffix()}@Example.COM ` });
      const res = await t.http().post('/api/v1/orgs').send(body).expect(201);
      expect(Object.keys(res.body).sort()).toEqual(['accessToken', 'member', 'org']);
      const { org: created, member, accessToken } = res.body;
      expect(created).toEqual({ id: expect.stringMatching(UUID), name: 'Super 8', rootUnitId: expect.stringMatching(UUID) });
      expect(member).toMatchObject({
        email: body.adminEmail.trim().toLowerCase(),
        displayName: 'Founder',
        unitId: created.rootUnitId,
        status: 'active',
        channelAccountIds: [],
      });
      for (const k of MEMBER_KEYS) expect(member).toHaveProperty(k);
      expect(JSON.stringify(res.body)).not.toMatch(/password|hash/i);

      const me = await t.as(accessToken).get('/api/v1/me').expect(200);
      expect(me.body.member.id).toBe(member.id);
      expect(me.body.unit).toEqual({ id: created.rootUnitId, name: 'Super 8', parentId: null, depth: 1, routing: 'manual' });
      expect(me.body.role).toMatchObject({ id: member.roleId, name: 'Administrator', builtin: true });
      const roles = await t.as(accessToken).get('/api/v1/roles').expect(200);
      expect(roles.body.items.map((r: { name: string }) => r.name).sort()).toEqual(['Administrator', 'Agent', 'Supervisor']);
    });

    it('names the root unit after rootUnitName when given', async () => {
      const res = await t.http().post('/api/v1/orgs').send(signupBody({ rootUnitName: '總公司含客服' })).expect(201);
      const units = await t.as(res.body.accessToken).get('/api/v1/units').expect(200);
      expect(units.body.items).toEqual([{ id: res.body.org.rootUnitId, name: '總公司含客服', parentId: null, depth: 1, routing: 'manual' }]);
    });

    it.each([
      ['an unknown field', { isSuperuser: true }],
      ['an invalid email', { adminEmail: 'not-an-email' }],
      ['a short password', { adminPassword: 'short' }],
      ['an empty name', { name: '   ' }],
      ['a non-string name', { name: 42 }],
      ['a missing admin name', { adminName: undefined }],
    ])('answers 400 for %s', async (_, over) => {
      const res = await t.http().post('/api/v1/orgs').send(signupBody(over));
      expectError(res, 400);
      expect(res.body.error).toBe('Bad Request');
    });

    it('answers 409 for an admin email already in use (case-insensitively) and leaves no org behind', async () => {
      const name = `Dup ${uniqueSuffix()}`;
      const res = await t.http().post('/api/v1/orgs').send(signupBody({ name, adminEmail: org.admin.email.toUpperCase() }));
      expectError(res, 409);
      const orphans = await withAppDb(t, (c) => c.query('SELECT 1 FROM orgs WHERE name = $1', [name]));
      expect(orphans.rowCount).toBe(0);
    });

    it('answers 403 when SIGNUP_ENABLED=false, while login keeps working there', async () => {
      const closed = await startTestAppWithEnv({ SIGNUP_ENABLED: 'false' });
      try {
        const res = await closed.http().post('/api/v1/orgs').send(signupBody());
        expectError(res, 403, /signup/i);
        const bad = await closed.http().post('/api/v1/auth/login').send({ email: 'nobody@example.com', password: PASSWORD });
        expectError(bad, 401);
      } finally {
        await closed.close();
      }
      // The override did not leak: this file's app (and later apps) still accept signups.
      expect(process.env.SIGNUP_ENABLED).toBeUndefined();
      await signup(t);
    });
  });

  describe('POST /api/v1/auth/login', () => {
    it('returns an access token and the member, for any casing of the email', async () => {
      const res = await t.http().post('/api/v1/auth/login').send({ email: ` ${org.winnie.email.toUpperCase()} `, password: PASSWORD }).expect(200);
      expect(Object.keys(res.body).sort()).toEqual(['accessToken', 'member']);
      expect(res.body.member).toMatchObject({ id: org.winnie.id, email: org.winnie.email, unitId: org.units.beitun, roleId: org.roles.storeAgent });
      expect(JSON.stringify(res.body.member)).not.toMatch(/password|hash/i);
      const me = await t.as(res.body.accessToken).get('/api/v1/me').expect(200);
      expect(me.body.member.id).toBe(org.winnie.id);
    });

    it('answers 401 with the same message for a wrong password and an unknown email', async () => {
      const wrong = await t.http().post('/api/v1/auth/login').send({ email: org.winnie.email, password: `${PASSWORD}!` });
      const unknown = await t.http().post('/api/v1/auth/login').send({ email: `ghost-${uniqueSuffix()}@example.com`, password: PASSWORD });
      expectError(wrong, 401);
      expectError(unknown, 401);
      expect(wrong.body.message).toBe(unknown.body.message);
      expect(wrong.body).not.toHaveProperty('accessToken');
    });

    it.each([
      ['a missing password', { email: 'a@example.com' }],
      ['an invalid email', { email: 'nope', password: PASSWORD }],
      ['an empty password', { email: 'a@example.com', password: '' }],
      ['an unknown field', { email: 'a@example.com', password: PASSWORD, remember: true }],
      ['a non-string password', { email: 'a@example.com', password: 12345678 }],
    ])('answers 400 for %s', async (_, body) => {
      expectError(await t.http().post('/api/v1/auth/login').send(body), 400);
    });

    it('answers 429 after LOGIN_THROTTLE_LIMIT attempts on one account, without locking out others', async () => {
      const limited = await startTestAppWithEnv({ LOGIN_THROTTLE_LIMIT: '3' });
      try {
        const victim = await signup(limited);
        const bystander = await signup(limited);
        for (let i = 0; i < 3; i++) {
          expectError(await limited.http().post('/api/v1/auth/login').send({ email: victim.admin.email, password: 'wrong-password' }), 401);
        }
        const blocked = await limited.http().post('/api/v1/auth/login').send({ email: victim.admin.email, password: PASSWORD });
        expectError(blocked, 429);
        expect(blocked.body.error).toBe('Too Many Requests');
        expect(blocked.body).not.toHaveProperty('accessToken');
        // Another account from the same address still gets in.
        await login(limited, bystander.admin.email);
      } finally {
        await limited.close();
      }
    });
  });

  describe('GET /api/v1/me and /api/v1/permissions', () => {
    it('returns member, unit, role, effective permissions and folders', async () => {
      const res = await t.as(org.managerA.token).get('/api/v1/me').expect(200);
      expect(Object.keys(res.body).sort()).toEqual(['folders', 'member', 'permissions', 'role', 'unit']);
      expect(res.body.member).toMatchObject({ id: org.managerA.id, email: org.managerA.email, unitId: org.units.central, roleId: org.roles.regionManager });
      expect(res.body.unit).toEqual({ id: org.units.central, name: '中區營業所', parentId: org.units.hq, depth: 2, routing: 'manual' });
      expect(res.body.role).toMatchObject({ id: org.roles.regionManager, name: '區經理', builtin: false });
      const role = await t.as(org.admin.token).get(`/api/v1/roles/${org.roles.regionManager}`).expect(200);
      expect(res.body.permissions).toEqual([...role.body.permissions].sort());
      expect(res.body.folders).toEqual(
        ['unassigned', 'assigned', 'department', 'subordinates', 'bound', 'subordinate_bound', 'previously_handled', 'done'],
      );
    });

    it('gives the administrator the whole catalog and every folder', async () => {
      const res = await t.as(org.admin.token).get('/api/v1/me').expect(200);
      expect([...res.body.permissions].sort()).toEqual([...ALL_PERMISSIONS].sort());
      expect(res.body.folders).toEqual([...FOLDERS]);
      expect(JSON.stringify(res.body)).not.toMatch(/password|hash|tokenVersion/i);
    });

    it('answers 401 without a token, with a bad token, a foreign signature or a non-bearer scheme', async () => {
      const foreign = await new JwtService({ secret: 'another-secret-0123456789abcdef' }).signAsync({ sub: org.admin.id, org: org.orgId, tv: 0 });
      const attempts = [
        t.http().get('/api/v1/me'),
        t.as('not-a-jwt').get('/api/v1/me'),
        t.as(`${org.admin.token}x`).get('/api/v1/me'),
        t.as(foreign).get('/api/v1/me'),
        t.http().get('/api/v1/me').set('Authorization', `Basic ${org.admin.token}`),
      ];
      for (const res of await Promise.all(attempts)) expectError(res, 401);
    });

    it('lists the permission catalog to any member', async () => {
      const res = await t.as(org.vincent.token).get('/api/v1/permissions').expect(200);
      expect([...res.body.permissions].sort()).toEqual([...ALL_PERMISSIONS].sort());
      expect(res.body.items).toHaveLength(ALL_PERMISSIONS.length);
      for (const item of res.body.items) {
        expect(item).toEqual({ key: expect.any(String), group: expect.any(String), description: expect.any(String) });
        expect(item.description.length).toBeGreaterThan(0);
      }
      // The SPEC §2 catalog, spelled out.
      for (const p of ['inbox.access', 'folder.subordinate_bound', 'conversation.private.view', 'customer.sensitive.view', 'binding.manage', 'org.manage', 'audit.view', 'feature.app_market']) {
        expect(res.body.permissions).toContain(p);
      }
      expectError(await t.http().get('/api/v1/permissions'), 401);
    });
  });

  describe('GET|PATCH /api/v1/org', () => {
    it('returns the org with its default settings to org.manage holders only', async () => {
      const res = await t.as(org.admin.token).get('/api/v1/org').expect(200);
      expect(res.body).toEqual({
        id: org.orgId,
        name: expect.any(String),
        rootUnitId: org.units.hq,
        settings: { transferTimeoutSeconds: 3600, timezone: expect.any(String), maxUnitDepth: 3, presenceGraceSeconds: 60, requeueOfflineAfterSeconds: null, grantQuotaPerDay: 5, retentionDays: null },
      });
      for (const actor of [org.heine, org.managerA, org.winnie]) {
        expectError(await t.as(actor.token).get('/api/v1/org'), 403, /org\.manage/);
        expectError(await t.as(actor.token).patch('/api/v1/org', { name: 'Hijacked' }), 403);
      }
      expectError(await t.http().get('/api/v1/org'), 401);
    });

    it('updates name and individual settings, keeping the others', async () => {
      const before = (await t.as(org.admin.token).get('/api/v1/org').expect(200)).body;
      const res = await t.as(org.admin.token).patch('/api/v1/org', { name: ' Super 8 Taiwan ', settings: { timezone: 'Asia/Taipei' } }).expect(200);
      expect(res.body).toEqual({ ...before, name: 'Super 8 Taiwan', settings: { ...before.settings, timezone: 'Asia/Taipei' } });
      await t.as(org.admin.token).patch('/api/v1/org', { settings: { transferTimeoutSeconds: 600 } }).expect(200);
      const after = (await t.as(org.admin.token).get('/api/v1/org').expect(200)).body;
      expect(after).toEqual({ ...before, name: 'Super 8 Taiwan', settings: { ...before.settings, transferTimeoutSeconds: 600, timezone: 'Asia/Taipei', maxUnitDepth: 3 } });
    });

    it.each([
      ['a non-integer timeout', { settings: { transferTimeoutSeconds: 'soon' } }],
      ['a too-small timeout', { settings: { transferTimeoutSeconds: 0 } }],
      ['a zero maxUnitDepth', { settings: { maxUnitDepth: 0 } }],
      ['a huge maxUnitDepth', { settings: { maxUnitDepth: 11 } }],
      ['an invalid timezone', { settings: { timezone: 'Mars/Olympus_Mons' } }],
      ['a non-string timezone', { settings: { timezone: 8 } }],
      ['an unknown setting', { settings: { maxMembers: 5 } }],
      ['an unknown top-level field', { plan: 'enterprise' }],
      ['settings that are not an object', { settings: 'fast' }],
      ['an empty name', { name: ' ' }],
    ])('answers 400 for %s and changes nothing', async (_, body) => {
      const before = (await t.as(org.admin.token).get('/api/v1/org').expect(200)).body;
      expectError(await t.as(org.admin.token).patch('/api/v1/org', body), 400);
      expect((await t.as(org.admin.token).get('/api/v1/org').expect(200)).body).toEqual(before);
    });

    it('refuses a maxUnitDepth below the current tree depth with 422', async () => {
      // The worked example is three levels deep (HQ → 中區營業所 → 台中北屯門市).
      const res = await t.as(org.admin.token).patch('/api/v1/org', { settings: { maxUnitDepth: 2 } });
      expectError(res, 422, /maxUnitDepth/);
      await t.as(org.admin.token).patch('/api/v1/org', { settings: { maxUnitDepth: 5 } }).expect(200);
      await t.as(org.admin.token).patch('/api/v1/org', { settings: { maxUnitDepth: 3 } }).expect(200);
      const after = await t.as(org.admin.token).get('/api/v1/org').expect(200);
      expect(after.body.settings.maxUnitDepth).toBe(3);
    });

    it('audits setting changes with before and after', async () => {
      await t.as(org.admin.token).patch('/api/v1/org', { settings: { transferTimeoutSeconds: 1800 } }).expect(200);
      const logs = await t.as(org.admin.token).get('/api/v1/audit-logs?action=org.updated&limit=1').expect(200);
      expect(logs.body.items[0]).toMatchObject({
        actorId: org.admin.id,
        action: 'org.updated',
        targetType: 'org',
        targetId: org.orgId,
        after: { settings: { transferTimeoutSeconds: 1800 } },
      });
      expect(logs.body.items[0].before.settings.transferTimeoutSeconds).not.toBe(1800);
    });
  });

  describe('health, docs and HTTP conventions', () => {
    it('GET /health answers 200 without a token and reports the database and redis up', async () => {
      const res = await t.http().get('/health').expect(200);
      expect(res.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, redis: { status: 'up' } } });
      expect(res.body.info.postgres).toBeUndefined();
    });

    it('serves the OpenAPI UI and document', async () => {
      const ui = await t.http().get('/api/docs').redirects(1).expect(200);
      expect(ui.text).toMatch(/swagger/i);
      const doc = await t.http().get('/api/docs-json').expect(200);
      expect(doc.body.openapi).toMatch(/^3\./);
      for (const p of ['/api/v1/orgs', '/api/v1/auth/login', '/api/v1/me', '/api/v1/units/{id}', '/api/v1/audit-logs', '/health']) {
        expect(Object.keys(doc.body.paths)).toContain(p);
      }
    });

    it('answers 400 in the error shape for malformed JSON', async () => {
      const res = await t.http().post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{"email": "a@example.com",');
      expectError(res, 400);
      expect(res.body.error).toBe('Bad Request');
      expect(res.headers['content-type']).toMatch(/application\/json/);
    });

    it('answers 413 in the error shape for a body over 1mb', async () => {
      const big = JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(1024 * 1024 + 10) });
      const res = await t.http().post('/api/v1/auth/login').set('Content-Type', 'application/json').send(big);
      expectError(res, 413);
      expect(res.body.error).toBe('Payload Too Large');
      // Just under the limit is parsed and validated normally (400 for the too-long password).
      const fits = JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(900 * 1024) });
      expectError(await t.http().post('/api/v1/auth/login').set('Content-Type', 'application/json').send(fits), 400);
    });

    it('answers 404 in the error shape for an unknown route', async () => {
      expectError(await t.as(org.admin.token).get('/api/v1/no-such-thing'), 404);
    });
  });
});
