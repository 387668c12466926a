import { ALL_PERMISSIONS, BUILTIN_ROLE_PERMISSIONS, Permission } from '../src/modules/access/permissions';
import {
  createMember,
  createRole,
  createUnit,
  expectError,
  randomId,
  SeedOrg,
  seedOrg,
  STORE_AGENT_PERMISSIONS,
  uniqueSuffix,
} from './support/org-fixture';
import { startTestApp, TestApp } from './support/test-app';

interface Unit {
  id: string;
  name: string;
  parentId: string | null;
  depth: number;
}
interface Role {
  id: string;
  name: string;
  permissions: string[];
  builtin: boolean;
  builtinKey: string | null;
  notifications: Record<string, string[]>;
}

describe('units and roles', () => {
  let t: TestApp;
  let org: SeedOrg;
  const units = async (): Promise<Unit[]> => (await t.as(org.admin.token).get('/api/v1/units').expect(200)).body.items;
  const unit = async (id: string): Promise<Unit> => (await t.as(org.admin.token).get(`/api/v1/units/${id}`).expect(200)).body;
  const role = async (id: string): Promise<Role> => (await t.as(org.admin.token).get(`/api/v1/roles/${id}`).expect(200)).body;
  const setMaxDepth = (maxUnitDepth: number) => t.as(org.admin.token).patch('/api/v1/org', { settings: { maxUnitDepth } }).expect(200);

  beforeAll(async () => {
    t = await startTestApp();
    org = await seedOrg(t);
  });
  afterAll(() => t.close());

  describe('units', () => {
    it('lists the tree with parent and depth, to any member', async () => {
      const items: Unit[] = (await t.as(org.winnie.token).get('/api/v1/units').expect(200)).body.items;
      expect(items).toEqual(
        expect.arrayContaining([
          { id: org.units.hq, name: '總公司含客服', parentId: null, depth: 1, routing: 'manual' },
          { id: org.units.central, name: '中區營業所', parentId: org.units.hq, depth: 2, routing: 'manual' },
          { id: org.units.south, name: '南區營業所', parentId: org.units.hq, depth: 2, routing: 'manual' },
          { id: org.units.beitun, name: '台中北屯門市', parentId: org.units.central, depth: 3, routing: 'manual' },
        ]),
      );
      // Parents come before their children, and every parent is listed with depth one less.
      const byId = new Map(items.map((u) => [u.id, u]));
      items.forEach((u, i) => {
        if (u.parentId === null) return expect(u.depth).toBe(1);
        expect(byId.get(u.parentId)!.depth).toBe(u.depth - 1);
        expect(items.findIndex((p) => p.id === u.parentId)).toBeLessThan(i);
      });
      expect(await unit(org.units.beitun)).toEqual({ id: org.units.beitun, name: '台中北屯門市', parentId: org.units.central, depth: 3, routing: 'manual' });
      expectError(await t.as(org.admin.token).get(`/api/v1/units/${randomId()}`), 404);
    });

    it('creates a unit under a parent', async () => {
      const res = await t.as(org.admin.token).post('/api/v1/units', { name: '  台中西屯門市 ', parentId: org.units.central }).expect(201);
      expect(res.body).toEqual({ id: expect.any(String), name: '台中西屯門市', parentId: org.units.central, depth: 3, routing: 'manual' });
      expect(await units()).toContainEqual(res.body);
    });

    it.each([
      ['a missing name', { parentId: 'HQ' }],
      ['a blank name', { name: '  ', parentId: 'HQ' }],
      ['a non-UUID parentId', { name: 'X', parentId: 'hq' }],
      ['a missing parentId', { name: 'X' }],
      ['an unknown field', { name: 'X', parentId: 'HQ', depth: 2 }],
    ])('answers 400 for %s', async (_, body) => {
      const b = { ...body } as Record<string, unknown>;
      if (b.parentId === 'HQ') b.parentId = org.units.hq;
      expectError(await t.as(org.admin.token).post('/api/v1/units', b), 400);
    });

    it('answers 422 for a parent that does not exist', async () => {
      expectError(await t.as(org.admin.token).post('/api/v1/units', { name: 'Orphan', parentId: randomId() }), 422);
    });

    it('refuses units deeper than maxUnitDepth (422) and allows them once the limit is raised', async () => {
      expectError(await t.as(org.admin.token).post('/api/v1/units', { name: 'Counter 1', parentId: org.units.beitun }), 422, /maxUnitDepth/);
      await setMaxDepth(4);
      const counter = await createUnit(t, org.admin.token, 'Counter 1', org.units.beitun);
      expect((await unit(counter)).depth).toBe(4);
      expectError(await t.as(org.admin.token).post('/api/v1/units', { name: 'Deeper', parentId: counter }), 422);
      expectError(await t.as(org.admin.token).patch('/api/v1/org', { settings: { maxUnitDepth: 3 } }), 422);
      await t.as(org.admin.token).delete(`/api/v1/units/${counter}`).expect(204);
      await setMaxDepth(3);
    });

    it('refuses a duplicate sibling name (409, case-insensitive) but allows it elsewhere in the tree', async () => {
      const a = await createUnit(t, org.admin.token, `Store ${uniqueSuffix()}`, org.units.south);
      const name = (await unit(a)).name;
      expectError(await t.as(org.admin.token).post('/api/v1/units', { name, parentId: org.units.south }), 409);
      expectError(await t.as(org.admin.token).post('/api/v1/units', { name: name.toUpperCase(), parentId: org.units.south }), 409);
      const b = await createUnit(t, org.admin.token, name, org.units.central);
      expect((await unit(b)).parentId).toBe(org.units.central);
      // Renaming onto a sibling's name conflicts too.
      const c = await createUnit(t, org.admin.token, `Other ${uniqueSuffix()}`, org.units.south);
      expectError(await t.as(org.admin.token).patch(`/api/v1/units/${c}`, { name }), 409);
      // Moving next to a sibling of the same name conflicts as well, and nothing moves.
      expectError(await t.as(org.admin.token).patch(`/api/v1/units/${b}`, { parentId: org.units.south }), 409);
      expect((await unit(b)).parentId).toBe(org.units.central);
    });

    it('renames a unit', async () => {
      const id = await createUnit(t, org.admin.token, `Old ${uniqueSuffix()}`, org.units.hq);
      const res = await t.as(org.admin.token).patch(`/api/v1/units/${id}`, { name: 'New name' }).expect(200);
      expect(res.body).toEqual({ id, name: 'New name', parentId: org.units.hq, depth: 2, routing: 'manual' });
      expect(await unit(id)).toEqual(res.body);
    });

    it('moves a unit with its subtree, re-computing depths and what its members see', async () => {
      await setMaxDepth(4);
      const x = await createUnit(t, org.admin.token, `X ${uniqueSuffix()}`, org.units.hq);
      const y = await createUnit(t, org.admin.token, 'Y', x);
      const member = await createMember(t, org.admin.token, { name: 'Mover', unitId: y, roleId: org.roles.storeAgent });
      const res = await t.as(org.admin.token).patch(`/api/v1/units/${x}`, { parentId: org.units.central }).expect(200);
      expect(res.body).toMatchObject({ id: x, parentId: org.units.central, depth: 3, routing: 'manual' });
      expect(await unit(y)).toMatchObject({ parentId: x, depth: 4, routing: 'manual' });
      const me = await t.as(member.token).get('/api/v1/me').expect(200);
      expect(me.body.unit).toEqual({ id: y, name: 'Y', parentId: x, depth: 4, routing: 'manual' });
      // Back to depth 3 is refused while Y sits at level 4.
      expectError(await t.as(org.admin.token).patch('/api/v1/org', { settings: { maxUnitDepth: 3 } }), 422);
      // Moving back up shifts the whole subtree again.
      await t.as(org.admin.token).patch(`/api/v1/units/${x}`, { parentId: org.units.hq }).expect(200);
      expect(await unit(y)).toMatchObject({ depth: 3 });
      await setMaxDepth(3);
    });

    it('refuses a move that would push the subtree beyond maxUnitDepth (422)', async () => {
      // 中區營業所 carries 台中北屯門市 one level down: under 南區營業所 that would be level 4.
      const res = await t.as(org.admin.token).patch(`/api/v1/units/${org.units.central}`, { parentId: org.units.south });
      expectError(res, 422, /maxUnitDepth/);
      expect(await unit(org.units.central)).toMatchObject({ parentId: org.units.hq, depth: 2, routing: 'manual' });
      expect(await unit(org.units.beitun)).toMatchObject({ parentId: org.units.central, depth: 3, routing: 'manual' });
    });

    it('refuses cycles and moving the root (422)', async () => {
      await setMaxDepth(6);
      try {
        expectError(await t.as(org.admin.token).patch(`/api/v1/units/${org.units.central}`, { parentId: org.units.beitun }), 422);
        expectError(await t.as(org.admin.token).patch(`/api/v1/units/${org.units.central}`, { parentId: org.units.central }), 422);
        expectError(await t.as(org.admin.token).patch(`/api/v1/units/${org.units.hq}`, { parentId: org.units.south }), 422);
        expectError(await t.as(org.admin.token).patch(`/api/v1/units/${org.units.south}`, { parentId: randomId() }), 422);
      } finally {
        await setMaxDepth(3);
      }
      expect(await unit(org.units.central)).toMatchObject({ parentId: org.units.hq, depth: 2, routing: 'manual' });
      expect(await unit(org.units.hq)).toMatchObject({ parentId: null, depth: 1, routing: 'manual' });
    });

    it('deletes only empty non-root units', async () => {
      expectError(await t.as(org.admin.token).delete(`/api/v1/units/${org.units.central}`), 409, /child/);
      expectError(await t.as(org.admin.token).delete(`/api/v1/units/${org.units.beitun}`), 409, /member/);
      expectError(await t.as(org.admin.token).delete(`/api/v1/units/${org.units.hq}`), 409, /root/);
      const leaf = await createUnit(t, org.admin.token, `Leaf ${uniqueSuffix()}`, org.units.south);
      const res = await t.as(org.admin.token).delete(`/api/v1/units/${leaf}`).expect(204);
      expect(res.text).toBe('');
      expectError(await t.as(org.admin.token).get(`/api/v1/units/${leaf}`), 404);
      expectError(await t.as(org.admin.token).delete(`/api/v1/units/${leaf}`), 404);
      expect((await units()).map((u) => u.id)).not.toContain(leaf);
    });
  });

  describe('roles', () => {
    it('has the built-in Administrator, Supervisor and Agent, with web notifications by default', async () => {
      const items: Role[] = (await t.as(org.winnie.token).get('/api/v1/roles').expect(200)).body.items;
      const byKey = (k: string) => items.find((r) => r.builtinKey === k)!;
      expect(byKey('administrator')).toMatchObject({ id: org.roles.administrator, name: 'Administrator', builtin: true });
      expect(byKey('supervisor')).toMatchObject({ id: org.roles.supervisor, name: 'Supervisor', builtin: true });
      expect(byKey('agent')).toMatchObject({ id: org.roles.agent, name: 'Agent', builtin: true });
      expect([...byKey('administrator').permissions].sort()).toEqual([...ALL_PERMISSIONS].sort());
      expect([...byKey('supervisor').permissions].sort()).toEqual([...BUILTIN_ROLE_PERMISSIONS.supervisor].sort());
      expect([...byKey('agent').permissions].sort()).toEqual([...BUILTIN_ROLE_PERMISSIONS.agent].sort());
      for (const k of ['administrator', 'supervisor']) {
        // Both hold grant.issue: they are the approvers of access requests.
        expect(byKey(k).notifications).toEqual({ 'customer.bound': ['web'], 'conversation.transfer_timeout': ['web'], mention: ['web'], access_request: ['web'] });
      }
      // Agent holds folder.bound and folder.department: it may receive all three as well.
      expect(byKey('agent').notifications).toEqual({ 'customer.bound': ['web'], 'conversation.transfer_timeout': ['web'], mention: ['web'] });
      const custom = items.find((r) => r.id === org.roles.storeAgent)!;
      expect(custom).toMatchObject({ name: '門市人員', builtin: false, builtinKey: null });
      expect([...custom.permissions].sort()).toEqual([...STORE_AGENT_PERMISSIONS].sort());
    });

    it('creates a custom role and only offers notifications the role can receive', async () => {
      const res = await t.as(org.admin.token).post('/api/v1/roles', { name: ' Auditor ', permissions: [Permission.AuditView] }).expect(201);
      expect(res.body).toEqual({ id: expect.any(String), name: 'Auditor', permissions: ['audit.view'], builtin: false, builtinKey: null, notifications: {}, maxOpenConversations: null, sendWindow: null });
      expect(await role(res.body.id)).toEqual(res.body);
    });

    it.each([
      ['an unknown permission', { permissions: ['inbox.access', 'rocket.launch'] }],
      ['a non-array permissions', { permissions: 'inbox.access' }],
      ['duplicate permissions', { permissions: ['inbox.access', 'inbox.access'] }],
      ['a missing name', { name: undefined }],
      ['an unknown field', { builtin: true }],
      ['an unknown notification event', { notifications: { 'customer.vanished': ['web'] } }],
      ['an unknown notification channel', { notifications: { mention: ['sms'] } }],
    ])('answers 400 for %s', async (_, over) => {
      const body = { name: `R ${uniqueSuffix()}`, permissions: [Permission.InboxAccess], ...over };
      expectError(await t.as(org.admin.token).post('/api/v1/roles', body), 400);
    });

    it('names the catalog when refusing an unknown permission', async () => {
      const res = await t.as(org.admin.token).post('/api/v1/roles', { name: `R ${uniqueSuffix()}`, permissions: ['rocket.launch'] });
      expectError(res, 400, /permission/);
    });

    it('never lets the Administrator role be renamed, reduced or deleted (422)', async () => {
      const admin = await role(org.roles.administrator);
      expectError(await t.as(org.admin.token).patch(`/api/v1/roles/${admin.id}`, { name: 'Root' }), 422, /Administrator/);
      const fewer = admin.permissions.filter((p) => p !== Permission.OrgManage);
      expectError(await t.as(org.admin.token).patch(`/api/v1/roles/${admin.id}`, { permissions: fewer }), 422);
      expectError(await t.as(org.admin.token).patch(`/api/v1/roles/${admin.id}`, { permissions: [] }), 422);
      expectError(await t.as(org.admin.token).delete(`/api/v1/roles/${admin.id}`), 422);
      expect(await role(admin.id)).toEqual(admin);
      // Its notification channels remain configurable.
      const res = await t.as(org.admin.token).patch(`/api/v1/roles/${admin.id}`, { notifications: { mention: ['web', 'email'] } }).expect(200);
      expect(res.body.notifications.mention).toEqual(['web', 'email']);
      expect(res.body.permissions).toEqual(admin.permissions);
    });

    it('refuses to delete the other built-in roles too (422)', async () => {
      expectError(await t.as(org.admin.token).delete(`/api/v1/roles/${org.roles.agent}`), 422);
      expectError(await t.as(org.admin.token).delete(`/api/v1/roles/${org.roles.supervisor}`), 422);
    });

    it('updates a custom role and refuses to delete it while members hold it (409)', async () => {
      const id = await createRole(t, org.admin.token, `Temp ${uniqueSuffix()}`, [Permission.InboxAccess]);
      const res = await t.as(org.admin.token).patch(`/api/v1/roles/${id}`, { name: 'Temp renamed', permissions: [Permission.InboxAccess, Permission.FolderAssigned] }).expect(200);
      expect(res.body).toMatchObject({ id, name: 'Temp renamed', permissions: ['folder.assigned', 'inbox.access'] });
      const holder = await createMember(t, org.admin.token, { name: 'Holder', unitId: org.units.south, roleId: id });
      expectError(await t.as(org.admin.token).delete(`/api/v1/roles/${id}`), 409, /member/);
      await t.as(org.admin.token).patch(`/api/v1/members/${holder.id}`, { roleId: org.roles.agent }).expect(200);
      await t.as(org.admin.token).delete(`/api/v1/roles/${id}`).expect(204);
      expectError(await t.as(org.admin.token).get(`/api/v1/roles/${id}`), 404);
      expectError(await t.as(org.admin.token).delete(`/api/v1/roles/${id}`), 404);
    });

    it('refuses duplicate role names (409, case-insensitive), on create and on rename', async () => {
      expectError(await t.as(org.admin.token).post('/api/v1/roles', { name: '區經理', permissions: [] }), 409);
      expectError(await t.as(org.admin.token).post('/api/v1/roles', { name: 'administrator', permissions: [] }), 409);
      expectError(await t.as(org.admin.token).patch(`/api/v1/roles/${org.roles.storeAgent}`, { name: 'SUPERVISOR' }), 409);
      expect((await role(org.roles.storeAgent)).name).toBe('門市人員');
    });

    it('refuses customer.bound notifications for a role without folder.bound / folder.subordinate_bound (422, says why)', async () => {
      const create = await t.as(org.admin.token).post('/api/v1/roles', {
        name: `No binding ${uniqueSuffix()}`,
        permissions: [Permission.InboxAccess, Permission.FolderAssigned],
        notifications: { 'customer.bound': ['web'] },
      });
      expectError(create, 422, /folder\.bound.*folder\.subordinate_bound/);

      const id = await createRole(t, org.admin.token, `Plain ${uniqueSuffix()}`, [Permission.InboxAccess, Permission.FolderAssigned]);
      expect((await role(id)).notifications).toEqual({ mention: ['web'] });
      expectError(await t.as(org.admin.token).patch(`/api/v1/roles/${id}`, { notifications: { 'customer.bound': ['email'] } }), 422, /folder\.bound/);
      // Dropping folder.bound and asking for binding notifications in the same patch is refused too.
      expectError(
        await t.as(org.admin.token).patch(`/api/v1/roles/${org.roles.storeAgent}`, {
          permissions: STORE_AGENT_PERMISSIONS.filter((p) => p !== Permission.FolderBound),
          notifications: { 'customer.bound': ['web'] },
        }),
        422,
      );
      // With folder.subordinate_bound the same request is accepted.
      const ok = await t.as(org.admin.token).patch(`/api/v1/roles/${id}`, {
        permissions: [Permission.InboxAccess, Permission.FolderSubordinateBound],
        notifications: { 'customer.bound': ['web', 'email'] },
      }).expect(200);
      expect(ok.body.notifications['customer.bound']).toEqual(['web', 'email']);
    });

    it('lets only org.manage holders write units and roles (403)', async () => {
      for (const actor of [org.managerA, org.winnie, org.heine]) {
        const as = t.as(actor.token);
        const attempts = await Promise.all([
          as.post('/api/v1/units', { name: `Nope ${uniqueSuffix()}`, parentId: org.units.hq }),
          as.patch(`/api/v1/units/${org.units.south}`, { name: 'Renamed' }),
          as.delete(`/api/v1/units/${org.units.south}`),
          as.post('/api/v1/roles', { name: `Nope ${uniqueSuffix()}`, permissions: [] }),
          as.patch(`/api/v1/roles/${org.roles.storeAgent}`, { permissions: ALL_PERMISSIONS }),
          as.delete(`/api/v1/roles/${org.roles.regionManager}`),
        ]);
        for (const res of attempts) expectError(res, 403, /org\.manage/);
      }
      expect((await unit(org.units.south)).name).toBe('南區營業所');
      expect([...(await role(org.roles.storeAgent)).permissions].sort()).toEqual([...STORE_AGENT_PERMISSIONS].sort());
    });
  });
});
