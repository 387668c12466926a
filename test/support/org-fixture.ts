import { randomBytes, randomUUID } from 'crypto';
import { Client } from 'pg';
import type { Response } from 'supertest';
import { Permission } from '../../src/modules/access/permissions';
import { databaseUrl } from './databases';
import { startTestApp, TestApp } from './test-app';

export const PASSWORD = 'correct-horse-battery';

export interface Actor {
  id: string;
  email: string;
  token: string;
  unitId: string;
  roleId: string;
}

export interface SeedOrg {
  orgId: string;
  units: { hq: string; central: string; beitun: string; south: string };
  roles: { administrator: string; supervisor: string; agent: string; regionManager: string; storeAgent: string };
  admin: Actor;
  /** 總公司含客服 customer-service member. */
  heine: Actor;
  /** 中區營業所 region managers A, B, C. */
  managerA: Actor;
  managerB: Actor;
  managerC: Actor;
  /** 台中北屯門市 store members. */
  winnie: Actor;
  vincent: Actor;
  /** 南區營業所, another region. */
  southManager: Actor;
}

const uniq = () => randomBytes(4).toString('hex');
export const uniqueSuffix = uniq;

export const REGION_MANAGER_PERMISSIONS = [
  Permission.InboxAccess,
  Permission.FolderUnassigned,
  Permission.FolderAssigned,
  Permission.FolderDepartment,
  Permission.FolderSubordinates,
  Permission.FolderBound,
  Permission.FolderSubordinateBound,
  Permission.FolderPreviouslyHandled,
  Permission.FolderDone,
  Permission.ConversationReply,
  Permission.ConversationNote,
  Permission.ConversationClaim,
  Permission.ConversationAssign,
  Permission.ConversationComplete,
  Permission.CustomerProfileView,
  Permission.CustomerTagsView,
  Permission.BindingLink,
];

export const STORE_AGENT_PERMISSIONS = [
  Permission.InboxAccess,
  Permission.FolderAssigned,
  Permission.FolderDepartment,
  Permission.FolderBound,
  Permission.FolderPreviouslyHandled,
  Permission.ConversationReply,
  Permission.ConversationNote,
  Permission.CustomerProfileView,
  Permission.BindingLink,
];

export async function signup(t: TestApp, name = `Super 8 ${uniq()}`): Promise<{ orgId: string; rootUnitId: string; admin: Actor }> {
  const email = `admin-${uniq()}@example.com`;
  const res = await t
    .http()
    .post('/api/v1/orgs')
    .send({ name, adminEmail: email, adminPassword: PASSWORD, adminName: 'Admin', rootUnitName: '總公司含客服' })
    .expect(201);
  const { org, member, accessToken } = res.body;
  return { orgId: org.id, rootUnitId: org.rootUnitId, admin: { id: member.id, email, token: accessToken, unitId: member.unitId, roleId: member.roleId } };
}

export async function createUnit(t: TestApp, token: string, name: string, parentId: string): Promise<string> {
  const res = await t.as(token).post('/api/v1/units', { name, parentId }).expect(201);
  return res.body.id;
}

export async function createRole(t: TestApp, token: string, name: string, permissions: string[]): Promise<string> {
  const res = await t.as(token).post('/api/v1/roles', { name, permissions }).expect(201);
  return res.body.id;
}

export async function createMember(
  t: TestApp,
  token: string,
  m: { name: string; unitId: string; roleId: string; channelAccountIds?: string[] },
): Promise<Actor> {
  const email = `${m.name.toLowerCase().replace(/\W+/g, '-')}-${uniq()}@example.com`;
  const res = await t
    .as(token)
    .post('/api/v1/members', { email, password: PASSWORD, displayName: m.name, unitId: m.unitId, roleId: m.roleId, channelAccountIds: m.channelAccountIds })
    .expect(201);
  return { id: res.body.id, email, token: await login(t, email), unitId: m.unitId, roleId: m.roleId };
}

export async function login(t: TestApp, email: string, password = PASSWORD): Promise<string> {
  const res = await t.http().post('/api/v1/auth/login').send({ email, password }).expect(200);
  return res.body.accessToken;
}

/** The seed's worked example (003 §2): HQ → 中區營業所 (A, B, C) → 台中北屯門市, plus 南區營業所. */
export async function seedOrg(t: TestApp): Promise<SeedOrg> {
  const { orgId, rootUnitId: hq, admin } = await signup(t);
  const central = await createUnit(t, admin.token, '中區營業所', hq);
  const beitun = await createUnit(t, admin.token, '台中北屯門市', central);
  const south = await createUnit(t, admin.token, '南區營業所', hq);
  const rolesRes = await t.as(admin.token).get('/api/v1/roles').expect(200);
  const builtin = (key: string) => rolesRes.body.items.find((r: { builtinKey: string }) => r.builtinKey === key).id as string;
  const regionManager = await createRole(t, admin.token, '區經理', REGION_MANAGER_PERMISSIONS);
  const storeAgent = await createRole(t, admin.token, '門市人員', STORE_AGENT_PERMISSIONS);
  const supervisor = builtin('supervisor');
  const [heine, managerA, managerB, managerC, winnie, vincent, southManager] = await Promise.all([
    createMember(t, admin.token, { name: 'heine', unitId: hq, roleId: supervisor }),
    createMember(t, admin.token, { name: 'Manager A', unitId: central, roleId: regionManager }),
    createMember(t, admin.token, { name: 'Manager B', unitId: central, roleId: regionManager }),
    createMember(t, admin.token, { name: 'Manager C', unitId: central, roleId: regionManager }),
    createMember(t, admin.token, { name: 'Winnie lala su', unitId: beitun, roleId: storeAgent }),
    createMember(t, admin.token, { name: 'Vincent Hsu', unitId: beitun, roleId: storeAgent }),
    createMember(t, admin.token, { name: 'South Manager', unitId: south, roleId: regionManager }),
  ]);
  return {
    orgId,
    units: { hq, central, beitun, south },
    roles: { administrator: builtin('administrator'), supervisor, agent: builtin('agent'), regionManager, storeAgent },
    admin,
    heine,
    managerA,
    managerB,
    managerC,
    winnie,
    vincent,
    southManager,
  };
}

// ---------------------------------------------------------------------------------------------
// Shared helpers for the foundation e2e specs.

/** Asserts the SPEC §9 error shape `{ statusCode, error, message }` with the expected status. */
export function expectError(res: Response, status: number, message?: RegExp): void {
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { statusCode: status } });
  expect(typeof res.body.error).toBe('string');
  expect(res.body.error.length).toBeGreaterThan(0);
  const text = Array.isArray(res.body.message) ? res.body.message.join('; ') : res.body.message;
  expect(typeof text).toBe('string');
  if (message) expect(text).toMatch(message);
}

/**
 * startTestApp() copies its overrides into process.env; this restores the overridden keys once
 * the app has read its configuration, so later apps of the same file get the defaults again.
 */
export async function startTestAppWithEnv(overrides: Record<string, string>): Promise<TestApp> {
  const saved = Object.fromEntries(Object.keys(overrides).map((k) => [k, process.env[k]]));
  try {
    return await startTestApp(overrides);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** A custom role holding exactly `permissions`, and a member of `unitId` holding it. */
export async function memberWithPermissions(
  t: TestApp,
  adminToken: string,
  unitId: string,
  permissions: string[],
  name = `Member ${uniq()}`,
): Promise<Actor> {
  const roleId = await createRole(t, adminToken, `role-${uniq()}`, permissions);
  return createMember(t, adminToken, { name, unitId, roleId });
}

/** Runs SQL against the test app's own database (for facts the API does not expose). */
export async function withAppDb<T>(t: TestApp, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl(t.dbName) });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Inserts a channel account row directly (the channel-accounts API is not part of the foundation). */
export async function insertChannelAccount(t: TestApp, orgId: string, type = 'line'): Promise<string> {
  return withAppDb(t, async (c) => {
    const { rows } = await c.query<{ id: string }>(
      `INSERT INTO channel_accounts (org_id, type, name, external_id, secret_enc, access_token_enc)
       VALUES ($1, $2, $3, $4, 'x', 'x') RETURNING id`,
      [orgId, type, `${type} ${uniq()}`, `ext-${uniq()}${uniq()}`],
    );
    return rows[0].id;
  });
}

/** Follows `nextCursor` until the end of a keyset-paginated list. */
export async function listAllPages<T = Record<string, unknown>>(t: TestApp, token: string, path: string, limit = 100): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const url: string = `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await t.as(token).get(url).expect(200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
    if (!cursor) return items;
  }
  throw new Error(`pagination of ${path} did not end`);
}

export const randomId = (): string => randomUUID();
