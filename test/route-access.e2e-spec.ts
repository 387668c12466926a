import type { Response } from 'supertest';
import { ALL_PERMISSIONS } from '../src/modules/access/permissions';
import { Actor, expectError, memberWithPermissions, randomId, signup } from './support/org-fixture';
import { AppRoute, appRoutes, concretePath, expressRoutes } from './support/routes';
import { startTestApp, TestApp } from './support/test-app';

/** The foundation endpoints of SPEC §9 that must be among the enumerated routes. */
const FOUNDATION = [
  'POST /api/v1/orgs',
  'POST /api/v1/auth/login',
  'GET /api/v1/me',
  'GET /api/v1/permissions',
  'GET /api/v1/org',
  'PATCH /api/v1/org',
  'GET /api/v1/units',
  'POST /api/v1/units',
  'PATCH /api/v1/units/:id',
  'DELETE /api/v1/units/:id',
  'GET /api/v1/roles',
  'POST /api/v1/roles',
  'PATCH /api/v1/roles/:id',
  'DELETE /api/v1/roles/:id',
  'GET /api/v1/members',
  'POST /api/v1/members',
  'PATCH /api/v1/members/:id',
  'GET /api/v1/audit-logs',
  'GET /health',
];

/**
 * What may be reached without a token (SPEC §9 and the ACCESS_RULE doc): signup, login, health
 * (with its liveness and readiness probes), provider webhooks, and the metrics scrape (guarded
 * by its own METRICS_TOKEN, not by a member's token).
 */
const mayBePublic = (r: AppRoute) =>
  ['POST /api/v1/orgs', 'POST /api/v1/auth/login', 'GET /health', 'GET /health/live', 'GET /health/ready', 'GET /metrics', 'GET /bind/:token', 'GET /media/:token', 'POST /api/v1/invitations/:token/accept'].includes(`${r.method} ${r.path}`) ||
  r.path.startsWith('/webhooks/');

describe('route access rules', () => {
  let t: TestApp;
  let routes: AppRoute[];
  let admin: Actor;
  let powerless: Actor;
  const key = (r: AppRoute) => `${r.method} ${r.path}`;

  const call = (r: AppRoute, token?: string): Promise<Response> => {
    const url = concretePath(r.path, randomId());
    const verb = r.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    if (token) return verb === 'get' || verb === 'delete' ? t.as(token)[verb](url) : t.as(token)[verb](url, {});
    const req = t.http()[verb](url);
    return verb === 'get' || verb === 'delete' ? req : req.send({});
  };

  beforeAll(async () => {
    t = await startTestApp();
    routes = appRoutes(t.app);
    const org = await signup(t);
    admin = org.admin;
    powerless = await memberWithPermissions(t, admin.token, org.rootUnitId, [], 'Powerless');
  });
  afterAll(() => t.close());

  it('finds every route Express serves among the controllers, including the foundation endpoints', () => {
    const found = routes.map(key);
    expect(new Set(found).size).toBe(found.length);
    expect(new Set(found)).toEqual(expressRoutes(t.app));
    expect(found).toEqual(expect.arrayContaining(FOUNDATION));
  });

  it('has every route handler declare a well-formed access rule', () => {
    const undeclared = routes.filter((r) => r.rule === undefined).map((r) => `${key(r)} (${r.controller}.${r.handler})`);
    expect(undeclared).toEqual([]);
    for (const r of routes) {
      const rule = r.rule!;
      expect({ route: key(r), kind: rule.kind }).toEqual({ route: key(r), kind: expect.stringMatching(/^(public|authenticated|permission|resource)$/) });
      if (rule.kind === 'permission') {
        expect(rule.permissions.length).toBeGreaterThan(0);
        for (const p of rule.permissions) expect(ALL_PERMISSIONS).toContain(p);
      }
      if (rule.kind === 'resource' && rule.permission) expect(ALL_PERMISSIONS).toContain(rule.permission);
    }
  });

  it('keeps public only signup, login, health, metrics, provider webhooks, signed media links and invitation acceptance', () => {
    const open = routes.filter((r) => r.rule?.kind === 'public');
    expect(open.filter((r) => !mayBePublic(r)).map(key)).toEqual([]);
    expect(open.map(key)).toEqual(expect.arrayContaining(['POST /api/v1/orgs', 'POST /api/v1/auth/login', 'GET /health']));
  });

  it('guards the foundation write endpoints with org.manage and the audit log with audit.view', () => {
    const rule = (k: string) => routes.find((r) => key(r) === k)!.rule;
    for (const k of FOUNDATION.filter((f) => /^(POST|PATCH|DELETE) \/api\/v1\/(units|roles|members)|^(GET|PATCH) \/api\/v1\/org$/.test(f))) {
      expect({ k, rule: rule(k) }).toEqual({ k, rule: { kind: 'permission', permissions: ['org.manage'] } });
    }
    expect(rule('GET /api/v1/audit-logs')).toEqual({ kind: 'permission', permissions: ['audit.view'] });
    expect(rule('GET /api/v1/me')).toEqual({ kind: 'authenticated' });
  });

  it('answers 401 without a token, or with a bad one, on every non-public route', async () => {
    const closed = routes.filter((r) => r.rule?.kind !== 'public');
    expect(closed.length).toBeGreaterThan(15);
    const failures: string[] = [];
    for (const r of closed) {
      for (const res of [await call(r), await call(r, 'garbage.token.value')]) {
        if (res.status !== 401 || res.body.statusCode !== 401) failures.push(`${key(r)} -> ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('answers 403 on every permission route to a member whose role holds no permissions', async () => {
    const me = await t.as(powerless.token).get('/api/v1/me').expect(200);
    expect(me.body.permissions).toEqual([]);
    expect(me.body.folders).toEqual([]);

    const guarded = routes.filter((r) => r.rule?.kind === 'permission');
    expect(guarded.length).toBeGreaterThan(10);
    const failures: string[] = [];
    for (const r of guarded) {
      const res = await call(r, powerless.token);
      if (res.status !== 403) failures.push(`${key(r)} -> ${res.status}`);
      else expectError(res, 403, /permission/i);
    }
    expect(failures).toEqual([]);
  });

  it('lets a member holding exactly the required permissions past the guard', async () => {
    const guarded = routes.filter((r) => r.rule?.kind === 'permission');
    const byPermissions = new Map<string, AppRoute[]>();
    for (const r of guarded) {
      const perms = [...(r.rule as { permissions: string[] }).permissions].sort().join(',');
      byPermissions.set(perms, [...(byPermissions.get(perms) ?? []), r]);
    }
    const failures: string[] = [];
    for (const [perms, rs] of byPermissions) {
      const holder = await memberWithPermissions(t, admin.token, powerless.unitId, perms.split(','));
      // Random ids and empty bodies: the handler answers 404/400 (or a harmless no-op), never 401/403.
      for (const r of rs) {
        const res = await call(r, holder.token);
        if ([401, 403].includes(res.status) || res.status >= 500) failures.push(`${key(r)} with [${perms}] -> ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('never answers 401/403 to a permission-less member on authenticated GET routes', async () => {
    const open = routes.filter((r) => r.rule?.kind === 'authenticated' && r.method === 'GET');
    expect(open.map(key)).toEqual(expect.arrayContaining(['GET /api/v1/me', 'GET /api/v1/permissions', 'GET /api/v1/units']));
    const failures: string[] = [];
    for (const r of open) {
      const res = await call(r, powerless.token);
      if ([401, 403].includes(res.status) || res.status >= 500) failures.push(`${key(r)} -> ${res.status}`);
    }
    expect(failures).toEqual([]);
  });
});
