import { Permission } from '../src/modules/access/permissions';
import {
  Actor,
  createMember,
  createRole,
  createUnit,
  expectError,
  insertChannelAccount,
  listAllPages,
  PASSWORD,
  SeedOrg,
  seedOrg,
  signup,
  uniqueSuffix,
} from './support/org-fixture';
import { startTestApp, TestApp } from './support/test-app';

interface OrgB {
  orgId: string;
  root: string;
  unit: string;
  role: string;
  member: Actor;
  admin: Actor;
  channel: string;
}

describe('tenant isolation', () => {
  let t: TestApp;
  let a: SeedOrg;
  let b: OrgB;
  const ids = (items: { id: string }[]) => items.map((i) => i.id);

  beforeAll(async () => {
    t = await startTestApp();
    a = await seedOrg(t);
    const s = await signup(t, `Other org ${uniqueSuffix()}`);
    const unit = await createUnit(t, s.admin.token, 'B region', s.rootUnitId);
    const role = await createRole(t, s.admin.token, 'B role', [Permission.InboxAccess, Permission.FolderAssigned]);
    const member = await createMember(t, s.admin.token, { name: 'B member', unitId: unit, roleId: role });
    b = { orgId: s.orgId, root: s.rootUnitId, unit, role, member, admin: s.admin, channel: await insertChannelAccount(t, s.orgId) };
  });
  afterAll(() => t.close());

  /** Org B as its own admin sees it, to prove nothing changed. */
  const snapshotB = async () => ({
    units: (await t.as(b.admin.token).get('/api/v1/units').expect(200)).body.items,
    roles: (await t.as(b.admin.token).get('/api/v1/roles').expect(200)).body.items,
    members: await listAllPages(t, b.admin.token, '/api/v1/members'),
    org: (await t.as(b.admin.token).get('/api/v1/org').expect(200)).body,
  });

  it("answers 404 to every read and write of another org's units, roles and members", async () => {
    const before = await snapshotB();
    const as = t.as(a.admin.token);
    const attempts: [string, Promise<import('supertest').Response>][] = [
      ['GET unit', as.get(`/api/v1/units/${b.unit}`)],
      ['GET root unit', as.get(`/api/v1/units/${b.root}`)],
      ['PATCH unit name', as.patch(`/api/v1/units/${b.unit}`, { name: 'Taken over' })],
      ['PATCH unit parent', as.patch(`/api/v1/units/${b.unit}`, { parentId: a.units.hq })],
      ['DELETE unit', as.delete(`/api/v1/units/${b.unit}`)],
      ['DELETE root unit', as.delete(`/api/v1/units/${b.root}`)],
      ['GET role', as.get(`/api/v1/roles/${b.role}`)],
      ['PATCH role', as.patch(`/api/v1/roles/${b.role}`, { permissions: [Permission.FolderAll, Permission.InboxAccess] })],
      ['DELETE role', as.delete(`/api/v1/roles/${b.role}`)],
      ['GET member', as.get(`/api/v1/members/${b.member.id}`)],
      ['GET admin', as.get(`/api/v1/members/${b.admin.id}`)],
      ['PATCH member', as.patch(`/api/v1/members/${b.member.id}`, { displayName: 'Pwned' })],
      ['PATCH member password', as.patch(`/api/v1/members/${b.member.id}`, { password: 'attacker-chosen' })],
      ['PATCH admin role', as.patch(`/api/v1/members/${b.admin.id}`, { roleId: a.roles.agent })],
    ];
    for (const [what, pending] of attempts) {
      const res = await pending;
      expect({ what, status: res.status }).toEqual({ what, status: 404 });
      expectError(res, 404);
    }
    expect(await snapshotB()).toEqual(before);
    // B's tokens still work: no password change or demotion went through.
    await t.as(b.member.token).get('/api/v1/me').expect(200);
    await t.as(b.admin.token).get('/api/v1/org').expect(200);
  });

  it('answers the same 404 for an id of another org as for an id that names nothing', async () => {
    const foreign = await t.as(a.admin.token).get(`/api/v1/units/${b.unit}`);
    const missing = await t.as(a.admin.token).get('/api/v1/units/00000000-0000-4000-8000-000000000000');
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(missing.body);
  });

  it("answers 422 to body references to another org's units, roles and channel accounts", async () => {
    const before = await snapshotB();
    const as = t.as(a.admin.token);
    const email = `cross-${uniqueSuffix()}@example.com`;
    const member = { email, password: PASSWORD, displayName: 'Cross', unitId: a.units.beitun, roleId: a.roles.storeAgent };
    const attempts: [string, Promise<import('supertest').Response>][] = [
      ['unit under a foreign parent', as.post('/api/v1/units', { name: `Cross ${uniqueSuffix()}`, parentId: b.root })],
      ['unit moved under a foreign parent', as.patch(`/api/v1/units/${a.units.south}`, { parentId: b.unit })],
      ['member in a foreign unit', as.post('/api/v1/members', { ...member, unitId: b.unit })],
      ['member with a foreign role', as.post('/api/v1/members', { ...member, roleId: b.role })],
      ['member scoped to a foreign channel', as.post('/api/v1/members', { ...member, channelAccountIds: [b.channel] })],
      ['member moved to a foreign unit', as.patch(`/api/v1/members/${a.vincent.id}`, { unitId: b.unit })],
      ['member given a foreign role', as.patch(`/api/v1/members/${a.vincent.id}`, { roleId: b.role })],
      ['member given a foreign channel', as.patch(`/api/v1/members/${a.vincent.id}`, { channelAccountIds: [b.channel] })],
      ['last admin given a foreign role', as.patch(`/api/v1/members/${a.admin.id}`, { roleId: b.role })],
    ];
    for (const [what, pending] of attempts) {
      const res = await pending;
      expect({ what, status: res.status }).toEqual({ what, status: 422 });
      expectError(res, 422);
    }
    expect(await snapshotB()).toEqual(before);
    const vincent = (await t.as(a.admin.token).get(`/api/v1/members/${a.vincent.id}`).expect(200)).body;
    expect(vincent).toMatchObject({ unitId: a.units.beitun, roleId: a.roles.storeAgent, channelAccountIds: [] });
    expect((await listAllPages<{ email: string }>(t, a.admin.token, '/api/v1/members')).map((m) => m.email)).not.toContain(email);
  });

  it("never lists the other org's rows", async () => {
    const [aUnits, aRoles, aMembers] = await Promise.all([
      t.as(a.admin.token).get('/api/v1/units').expect(200),
      t.as(a.admin.token).get('/api/v1/roles').expect(200),
      listAllPages<{ id: string }>(t, a.admin.token, '/api/v1/members', 2),
    ]);
    const bSide = await snapshotB();
    expect(ids(aUnits.body.items)).not.toEqual(expect.arrayContaining([b.root]));
    for (const id of ids(bSide.units)) expect(ids(aUnits.body.items)).not.toContain(id);
    for (const id of ids(bSide.roles)) expect(ids(aRoles.body.items)).not.toContain(id);
    for (const id of ids(bSide.members as { id: string }[])) expect(ids(aMembers)).not.toContain(id);
    for (const id of ids(aUnits.body.items)) expect(ids(bSide.units)).not.toContain(id);
    for (const id of ids(aMembers)) expect(ids(bSide.members as { id: string }[])).not.toContain(id);
    // Each org has its own three built-ins.
    expect(aRoles.body.items.filter((r: { builtin: boolean }) => r.builtin)).toHaveLength(3);
    expect(bSide.roles.filter((r: { builtin: boolean }) => r.builtin)).toHaveLength(3);
    // Filtering by a foreign unit or role yields nothing rather than B's members.
    expect(await listAllPages(t, a.admin.token, `/api/v1/members?unitId=${b.unit}`)).toEqual([]);
    expect(await listAllPages(t, a.admin.token, `/api/v1/members?roleId=${b.role}`)).toEqual([]);
    // Any member of A, not only the admin, sees only A.
    const asStore = await t.as(a.winnie.token).get('/api/v1/units').expect(200);
    expect(ids(asStore.body.items).sort()).toEqual(ids(aUnits.body.items).sort());
    expect((await t.as(a.admin.token).get('/api/v1/org').expect(200)).body.id).toBe(a.orgId);
    expect(bSide.org.id).toBe(b.orgId);
  });

  it('keeps audit logs per org', async () => {
    const aLogs = await listAllPages<{ actorId: string | null; targetId: string | null }>(t, a.admin.token, '/api/v1/audit-logs');
    const bLogs = await listAllPages<{ actorId: string | null; targetId: string | null; action: string }>(t, b.admin.token, '/api/v1/audit-logs');
    const bIds = new Set([b.orgId, b.root, b.unit, b.role, b.member.id, b.admin.id]);
    expect(aLogs.length).toBeGreaterThan(0);
    for (const e of aLogs) {
      expect(bIds.has(e.actorId ?? '')).toBe(false);
      expect(bIds.has(e.targetId ?? '')).toBe(false);
    }
    expect(bLogs.map((e) => e.targetId)).toEqual(expect.arrayContaining([b.orgId, b.unit, b.role, b.member.id]));
    for (const e of bLogs) expect([a.orgId, a.admin.id, a.units.central, a.winnie.id]).not.toContain(e.targetId);
    // Filtering A's log by B's admin finds nothing.
    expect(await listAllPages(t, a.admin.token, `/api/v1/audit-logs?actorId=${b.admin.id}`)).toEqual([]);
    // Refused cross-org attempts left no trace in B's log: B's admin did everything (the signup
    // creating that admin is the one entry without an actor).
    const anonymous = bLogs.filter((e) => e.actorId === null);
    expect(anonymous.map((e) => [e.action, e.targetId])).toEqual([['member.created', b.admin.id]]);
    // (B's members' own logins are audited with themselves as the actor.)
    expect(bLogs.filter((e) => e.actorId !== null && !e.action.startsWith('auth.')).every((e) => e.actorId === b.admin.id)).toBe(true);
  });

  it('answers 404 for a non-UUID path id', async () => {
    const as = t.as(a.admin.token);
    for (const bad of ['not-a-uuid', '123', `${a.units.hq}x`, "1' OR '1'='1"]) {
      const p = encodeURIComponent(bad);
      const responses = await Promise.all([
        as.get(`/api/v1/units/${p}`),
        as.patch(`/api/v1/units/${p}`, { name: 'x' }),
        as.delete(`/api/v1/units/${p}`),
        as.get(`/api/v1/roles/${p}`),
        as.patch(`/api/v1/roles/${p}`, { name: 'x' }),
        as.delete(`/api/v1/roles/${p}`),
        as.get(`/api/v1/members/${p}`),
        as.patch(`/api/v1/members/${p}`, { displayName: 'x' }),
      ]);
      for (const res of responses) expectError(res, 404);
    }
  });
});
