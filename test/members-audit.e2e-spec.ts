import { encodeCursor } from '../src/infra/http/pagination';
import { Permission } from '../src/modules/access/permissions';
import {
  createMember,
  createRole,
  expectError,
  insertChannelAccount,
  listAllPages,
  login,
  memberWithPermissions,
  PASSWORD,
  randomId,
  REGION_MANAGER_PERMISSIONS,
  SeedOrg,
  seedOrg,
  uniqueSuffix,
} from './support/org-fixture';
import { startTestApp, TestApp } from './support/test-app';

interface AuditItem {
  id: string;
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  at: string;
}

describe('members and the audit log', () => {
  let t: TestApp;
  let org: SeedOrg;
  const newMember = (over: Record<string, unknown> = {}) => ({
    email: `member-${uniqueSuffix()}@example.com`,
    password: PASSWORD,
    displayName: 'New member',
    unitId: org.units.beitun,
    roleId: org.roles.storeAgent,
    ...over,
  });
  const me = async (token: string) => (await t.as(token).get('/api/v1/me').expect(200)).body;
  const audit = async (query = ''): Promise<AuditItem[]> => listAllPages<AuditItem>(t, org.admin.token, `/api/v1/audit-logs${query}`);

  beforeAll(async () => {
    t = await startTestApp();
    org = await seedOrg(t);
  });
  afterAll(() => t.close());

  describe('POST /api/v1/members', () => {
    it('creates a member in the SPEC §11 shape, never returning the password', async () => {
      const body = newMember({ email: `  New.Member-${uniqueSuffix()}@Example.com `, displayName: '  Lala  ' });
      const res = await t.as(org.admin.token).post('/api/v1/members', body).expect(201);
      expect(res.body).toMatchObject({
        id: expect.any(String),
        email: body.email.trim().toLowerCase(),
        displayName: 'Lala',
        unitId: org.units.beitun,
        roleId: org.roles.storeAgent,
        status: 'active',
        channelAccountIds: [],
      });
      const fetched = await t.as(org.admin.token).get(`/api/v1/members/${res.body.id}`).expect(200);
      expect(fetched.body).toEqual(res.body);
      const listed = await listAllPages(t, org.admin.token, '/api/v1/members');
      expect(listed).toContainEqual(res.body);
      for (const payload of [res.body, fetched.body, listed]) expect(JSON.stringify(payload)).not.toMatch(/password|hash|correct-horse/i);
      await login(t, body.email.trim());
    });

    it('answers 409 for a duplicate email, case-insensitively', async () => {
      expectError(await t.as(org.admin.token).post('/api/v1/members', newMember({ email: org.winnie.email.toUpperCase() })), 409, /email/);
      expectError(await t.as(org.admin.token).post('/api/v1/members', newMember({ email: org.admin.email })), 409);
    });

    it('answers 422 for a unitId, roleId or channelAccountId that names nothing in the org', async () => {
      expectError(await t.as(org.admin.token).post('/api/v1/members', newMember({ unitId: randomId() })), 422, /unitId/);
      expectError(await t.as(org.admin.token).post('/api/v1/members', newMember({ roleId: randomId() })), 422, /roleId/);
      expectError(await t.as(org.admin.token).post('/api/v1/members', newMember({ channelAccountIds: [randomId()] })), 422, /channelAccountIds/);
    });

    it.each([
      ['an unknown field', { isAdmin: true }],
      ['an invalid email', { email: 'nobody' }],
      ['a short password', { password: 'abc' }],
      ['a non-UUID unitId', { unitId: 'beitun' }],
      ['a missing roleId', { roleId: undefined }],
      ['non-UUID channelAccountIds', { channelAccountIds: ['line'] }],
      ['a status on create', { status: 'deactivated' }],
    ])('answers 400 for %s', async (_, over) => {
      expectError(await t.as(org.admin.token).post('/api/v1/members', newMember(over)), 400);
    });

    it('lists members with filters and keyset pagination; a tampered cursor is a 400', async () => {
      const all = await listAllPages<{ id: string; unitId: string }>(t, org.admin.token, '/api/v1/members');
      const paged = await listAllPages<{ id: string; unitId: string }>(t, org.winnie.token, '/api/v1/members', 3);
      expect(paged).toEqual(all);
      expect(new Set(all.map((m) => m.id)).size).toBe(all.length);
      expect(all.map((m) => m.id)).toEqual(expect.arrayContaining([org.admin.id, org.managerA.id, org.winnie.id, org.vincent.id]));
      const beitun = await listAllPages<{ id: string; unitId: string }>(t, org.admin.token, `/api/v1/members?unitId=${org.units.beitun}`, 1);
      expect(beitun.map((m) => m.id).sort()).toEqual(all.filter((m) => m.unitId === org.units.beitun).map((m) => m.id).sort());
      expect(beitun.length).toBeGreaterThanOrEqual(2);
      for (const cursor of ['%%%', encodeCursor(['not-a-time', randomId()]), encodeCursor(['2026-02-30 00:00:00+00', randomId()])]) {
        expectError(await t.as(org.admin.token).get(`/api/v1/members?cursor=${encodeURIComponent(cursor)}`), 400);
      }
    });

    it('is refused (403) to members without org.manage', async () => {
      for (const actor of [org.heine, org.managerA, org.winnie]) {
        expectError(await t.as(actor.token).post('/api/v1/members', newMember()), 403, /org\.manage/);
        expectError(await t.as(actor.token).patch(`/api/v1/members/${org.vincent.id}`, { displayName: 'x' }), 403);
      }
    });
  });

  describe('PATCH /api/v1/members/:id', () => {
    it('moves a member to another unit and role and sets a channel scope, effective on the same token', async () => {
      const m = await createMember(t, org.admin.token, { name: 'Transferee', unitId: org.units.beitun, roleId: org.roles.storeAgent });
      const line = await insertChannelAccount(t, org.orgId, 'line');
      const wa = await insertChannelAccount(t, org.orgId, 'whatsapp');
      const res = await t.as(org.admin.token)
        .patch(`/api/v1/members/${m.id}`, { unitId: org.units.south, roleId: org.roles.regionManager, channelAccountIds: [line, wa] })
        .expect(200);
      expect(res.body).toMatchObject({ id: m.id, unitId: org.units.south, roleId: org.roles.regionManager });
      expect([...res.body.channelAccountIds].sort()).toEqual([line, wa].sort());
      const now = await me(m.token);
      expect(now.unit.id).toBe(org.units.south);
      expect(now.role.id).toBe(org.roles.regionManager);
      expect(now.permissions).toEqual([...REGION_MANAGER_PERMISSIONS].sort());
      expect([...now.member.channelAccountIds].sort()).toEqual([line, wa].sort());
      // An empty scope means every channel again; an unknown account is refused.
      await t.as(org.admin.token).patch(`/api/v1/members/${m.id}`, { channelAccountIds: [] }).expect(200);
      expect((await me(m.token)).member.channelAccountIds).toEqual([]);
      expectError(await t.as(org.admin.token).patch(`/api/v1/members/${m.id}`, { channelAccountIds: [line, randomId()] }), 422);
      expectError(await t.as(org.admin.token).patch(`/api/v1/members/${m.id}`, { unitId: randomId() }), 422);
      expectError(await t.as(org.admin.token).patch(`/api/v1/members/${m.id}`, { roleId: randomId() }), 422);
      expectError(await t.as(org.admin.token).patch(`/api/v1/members/${m.id}`, { status: 'deactivated' }), 400);
      expectError(await t.as(org.admin.token).patch(`/api/v1/members/${randomId()}`, { displayName: 'x' }), 404);
      expect((await me(m.token)).member.channelAccountIds).toEqual([]);
    });

    it('applies role permission changes on the very next request of an existing token', async () => {
      const roleId = await createRole(t, org.admin.token, `Live ${uniqueSuffix()}`, [...REGION_MANAGER_PERMISSIONS, Permission.OrgManage]);
      const m = await createMember(t, org.admin.token, { name: 'Live', unitId: org.units.central, roleId });
      await t.as(m.token).get('/api/v1/org').expect(200);
      expect((await me(m.token)).folders).toContain('department');

      const noFolders = REGION_MANAGER_PERMISSIONS.filter((p) => !p.startsWith('folder.'));
      await t.as(org.admin.token).patch(`/api/v1/roles/${roleId}`, { permissions: noFolders }).expect(200);
      const after = await me(m.token);
      expect(after.permissions).toEqual([...noFolders].sort());
      expect(after.permissions.some((p: string) => p.startsWith('folder.'))).toBe(false);
      expect(after.folders).toEqual([]);
      expectError(await t.as(m.token).get('/api/v1/org'), 403, /org\.manage/);

      // And back: granting it again works at once too.
      await t.as(org.admin.token).patch(`/api/v1/roles/${roleId}`, { permissions: [Permission.OrgManage] }).expect(200);
      await t.as(m.token).get('/api/v1/org').expect(200);
    });

    it('never demotes the last active administrator (409), but does once a second one exists', async () => {
      const solo = await (async () => {
        const res = await t.http().post('/api/v1/orgs').send({ name: `Solo ${uniqueSuffix()}`, adminEmail: `solo-${uniqueSuffix()}@example.com`, adminPassword: PASSWORD, adminName: 'Solo' }).expect(201);
        return res.body as { org: { id: string; rootUnitId: string }; member: { id: string; roleId: string }; accessToken: string };
      })();
      const token = solo.accessToken;
      const roles = (await t.as(token).get('/api/v1/roles').expect(200)).body.items as { id: string; builtinKey: string }[];
      const agent = roles.find((r) => r.builtinKey === 'agent')!.id;
      const adminRole = solo.member.roleId;

      expectError(await t.as(token).patch(`/api/v1/members/${solo.member.id}`, { roleId: agent }), 409, /last active administrator/);
      expect((await me(token)).role.id).toBe(adminRole);
      // Re-asserting the same role, or touching other fields, is fine.
      await t.as(token).patch(`/api/v1/members/${solo.member.id}`, { roleId: adminRole, displayName: 'Solo founder' }).expect(200);

      const second = await createMember(t, token, { name: 'Second admin', unitId: solo.org.rootUnitId, roleId: adminRole });
      await t.as(second.token).patch(`/api/v1/members/${solo.member.id}`, { roleId: agent }).expect(200);
      expectError(await t.as(token).get('/api/v1/org'), 403);
      // Now the second admin is the last one.
      expectError(await t.as(second.token).patch(`/api/v1/members/${second.id}`, { roleId: agent }), 409);
      await t.as(second.token).get('/api/v1/org').expect(200);
    });

    it('revokes every older token when the password changes', async () => {
      const m = await createMember(t, org.admin.token, { name: 'Forgetful', unitId: org.units.beitun, roleId: org.roles.storeAgent });
      const other = await login(t, m.email);
      // A change that is not the password keeps tokens valid.
      await t.as(org.admin.token).patch(`/api/v1/members/${m.id}`, { displayName: 'Forgetful Fiona' }).expect(200);
      expect((await me(m.token)).member.displayName).toBe('Forgetful Fiona');

      const res = await t.as(org.admin.token).patch(`/api/v1/members/${m.id}`, { password: 'brand-new-password' }).expect(200);
      expect(JSON.stringify(res.body)).not.toMatch(/password|hash/i);
      expectError(await t.as(m.token).get('/api/v1/me'), 401);
      expectError(await t.as(other).get('/api/v1/me'), 401);
      expectError(await t.http().post('/api/v1/auth/login').send({ email: m.email, password: PASSWORD }), 401);
      const fresh = await login(t, m.email, 'brand-new-password');
      expect((await me(fresh)).member.id).toBe(m.id);
    });
  });

  describe('GET /api/v1/audit-logs', () => {
    it('requires audit.view', async () => {
      expectError(await t.as(org.winnie.token).get('/api/v1/audit-logs'), 403, /audit\.view/);
      expectError(await t.as(org.managerA.token).get('/api/v1/audit-logs'), 403);
      expectError(await t.http().get('/api/v1/audit-logs'), 401);
      // The built-in Supervisor holds audit.view without org.manage.
      const res = await t.as(org.heine.token).get('/api/v1/audit-logs?limit=5').expect(200);
      expect(res.body.items.length).toBe(5);
      const auditor = await memberWithPermissions(t, org.admin.token, org.units.hq, [Permission.AuditView]);
      await t.as(auditor.token).get('/api/v1/audit-logs?limit=1').expect(200);
    });

    it('lists admin actions with actor, action, target, before/after and time, newest first', async () => {
      const started = Date.now();
      const roleId = await createRole(t, org.admin.token, `Audited ${uniqueSuffix()}`, [Permission.InboxAccess]);
      await t.as(org.admin.token).patch(`/api/v1/roles/${roleId}`, { permissions: [Permission.InboxAccess, Permission.FolderAssigned] }).expect(200);
      const m = await createMember(t, org.admin.token, { name: 'Audited', unitId: org.units.south, roleId });
      await t.as(org.admin.token).patch(`/api/v1/members/${m.id}`, { password: 'another-password-1' }).expect(200);

      const items = await audit();
      for (const i of items) expect(Object.keys(i).sort()).toEqual(['action', 'actorId', 'after', 'at', 'before', 'id', 'targetId', 'targetType']);
      const times = items.map((i) => Date.parse(i.at));
      expect([...times].sort((a, b) => b - a)).toEqual(times);

      const find = (action: string, targetId: string) => items.find((i) => i.action === action && i.targetId === targetId)!;
      expect(find('role.created', roleId)).toMatchObject({ actorId: org.admin.id, targetType: 'role', before: null, after: { permissions: ['inbox.access'] } });
      const updated = find('role.updated', roleId);
      expect(updated).toMatchObject({ actorId: org.admin.id, before: { permissions: ['inbox.access'] }, after: { permissions: ['folder.assigned', 'inbox.access'] } });
      expect(Date.parse(updated.at)).toBeGreaterThanOrEqual(started - 5000);
      expect(find('member.created', m.id)).toMatchObject({ actorId: org.admin.id, targetType: 'member', after: { email: m.email, roleId } });
      const pw = items.find((i) => i.action === 'member.updated' && i.targetId === m.id)!;
      expect(pw.after).toMatchObject({ passwordChanged: true });
      // Nothing secret ever reaches the log.
      expect(JSON.stringify(items)).not.toMatch(/hash|another-password-1|correct-horse/i);
      // The seed's own actions are there too: units, roles, members, org creation.
      const actions = new Set(items.map((i) => i.action));
      for (const a of ['org.created', 'unit.created', 'role.created', 'member.created', 'role.updated', 'member.updated']) expect(actions).toContain(a);
    });

    it('filters by action, actorId and since', async () => {
      const byAction = await audit('?action=unit.created');
      expect(byAction.length).toBeGreaterThanOrEqual(3);
      expect(byAction.every((i) => i.action === 'unit.created' && i.targetType === 'unit')).toBe(true);
      expect(byAction.map((i) => i.targetId)).toEqual(expect.arrayContaining([org.units.central, org.units.beitun, org.units.south]));

      const auditor = await memberWithPermissions(t, org.admin.token, org.units.hq, [Permission.OrgManage, Permission.AuditView]);
      // Just after the newest entry so far (server clock), so only what follows is "since".
      const head: AuditItem = (await t.as(org.admin.token).get('/api/v1/audit-logs?limit=1').expect(200)).body.items[0];
      const since = new Date(Date.parse(head.at) + 1).toISOString();
      const unitId = (await t.as(auditor.token).post('/api/v1/units', { name: `By auditor ${uniqueSuffix()}`, parentId: org.units.south }).expect(201)).body.id;
      const byActor = await audit(`?actorId=${auditor.id}`);
      // (Their login is audited too.)
      expect(byActor.filter((i) => !i.action.startsWith('auth.')).map((i) => [i.action, i.targetId])).toEqual([['unit.created', unitId]]);
      expect(await audit(`?actorId=${randomId()}`)).toEqual([]);

      const recent = await audit(`?since=${encodeURIComponent(since)}`);
      expect(recent.map((i) => [i.action, i.actorId, i.targetId])).toEqual([['unit.created', auditor.id, unitId]]);
      expect(await audit(`?since=${encodeURIComponent(head.at)}`)).toEqual([recent[0], head]);
      expect(await audit(`?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual([]);
      const combined = await audit(`?action=unit.created&actorId=${org.admin.id}`);
      expect(combined.map((i) => i.targetId)).not.toContain(unitId);
      expect(combined.every((i) => i.action === 'unit.created' && i.actorId === org.admin.id)).toBe(true);
    });

    it('keyset-paginates without duplicates or gaps, even while new entries arrive', async () => {
      const all = await audit();
      expect(all.length).toBeGreaterThan(12);
      const seen: AuditItem[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `/api/v1/audit-logs?limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const res = await t.as(org.admin.token).get(url).expect(200);
        expect(res.body.items.length).toBeLessThanOrEqual(4);
        seen.push(...res.body.items);
        cursor = res.body.nextCursor;
        pages++;
        // Concurrent admin actions land at the head of the log and must not shift later pages.
        if (pages === 2) await t.as(org.admin.token).post('/api/v1/units', { name: `Mid-page ${uniqueSuffix()}`, parentId: org.units.south }).expect(201);
      } while (cursor);
      expect(pages).toBe(Math.ceil(all.length / 4));
      expect(new Set(seen.map((i) => i.id)).size).toBe(seen.length);
      expect(seen).toEqual(all);
      // The newest entry (the mid-page unit) appears on a fresh first page.
      const head = await t.as(org.admin.token).get('/api/v1/audit-logs?limit=1').expect(200);
      expect(head.body.items[0].action).toBe('unit.created');
      expect(all.map((i) => i.id)).not.toContain(head.body.items[0].id);
    });

    it('paginates filtered lists the same way', async () => {
      const all = await audit('?action=member.created');
      const paged = await listAllPages<AuditItem>(t, org.admin.token, '/api/v1/audit-logs?action=member.created', 2);
      expect(paged).toEqual(all);
      expect(all.length).toBeGreaterThan(4);
    });

    it.each([
      ['a garbage cursor', '?cursor=not-a-cursor!!'],
      ['a cursor of the wrong shape', `?cursor=${encodeCursor(['only-one'])}`],
      ['a well-formed cursor with a bogus key', `?cursor=${encodeCursor(['yesterday', 'not-a-uuid'])}`],
      ['a cursor with a bogus id', `?cursor=${encodeCursor(['2026-01-01 00:00:00+00', 'not-a-uuid'])}`],
      ['a cursor with a bogus time', `?cursor=${encodeCursor(['not-a-time', '00000000-0000-4000-8000-000000000000'])}`],
      ['a cursor with an out-of-range time', `?cursor=${encodeCursor(['2026-13-45 99:00:00+00', '00000000-0000-4000-8000-000000000000'])}`],
      ['a cursor with numbers', `?cursor=${encodeCursor([1, 2])}`],
      ['a zero limit', '?limit=0'],
      ['a limit over 100', '?limit=101'],
      ['a non-numeric limit', '?limit=ten'],
      ['a bad since', '?since=last-tuesday'],
      ['a non-UUID actorId', '?actorId=admin'],
      ['an unknown query parameter', '?orgId=x'],
    ])('answers 400 for %s', async (_, query) => {
      expectError(await t.as(org.admin.token).get(`/api/v1/audit-logs${query}`), 400);
    });
  });
});
