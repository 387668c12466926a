import * as argon2 from 'argon2';
import { Client } from 'pg';
import { encryptSecret } from '../../src/infra/crypto/secrets-cipher';
import { runMigrations } from '../../src/infra/database/migrate';
import { ALL_PERMISSIONS, BUILTIN_ROLE_PERMISSIONS, Permission } from '../../src/modules/access/permissions';

/**
 * The ingest benchmark's organisation, written straight into a fresh database (like the seed's
 * worked example, scaled): HQ → regions (營業所) → stores (門市).
 *   HQ: 1 administrator (folder.all) + 3 supervisors; each region: 2 區經理 + 1 agent;
 *   each store: STAFF_PER_STORE 門市人員. By default 10 × 10 × 4 → 4 + 30 + 400 = 434 members.
 * Conversations (one LINE customer each, all open): 70% assigned to a store member, 10% to a
 * region agent, 20% unassigned; 30% of customers bound to a store. Nothing here is private,
 * so an inbound message never changes who may read its conversation during the run.
 */
export interface BenchMember {
  id: string;
  email: string;
  level: 1 | 2 | 3;
}

export interface BenchOrg {
  orgId: string;
  lineAccountId: string;
  lineSecret: string;
  destination: string;
  members: BenchMember[];
  /** LINE user id and conversation id per conversation index. */
  conversations: { userId: string; id: string }[];
}

export const BENCH_PASSWORD = 'omni-bench-1234';

const STORE_AGENT = [
  Permission.InboxAccess,
  Permission.FolderAssigned,
  Permission.FolderDepartment,
  Permission.FolderBound,
  Permission.FolderPreviouslyHandled,
  Permission.ConversationReply,
  Permission.ConversationNote,
  Permission.CustomerProfileView,
];

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await c.end();
  }
}

export async function createBenchOrg(
  databaseUrl: string,
  secretsKey: Buffer,
  opts: { regions: number; storesPerRegion: number; staffPerStore: number; conversations: number },
): Promise<BenchOrg> {
  await runMigrations(databaseUrl);
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await c.query('BEGIN');
    await c.query(`SELECT setseed(0.8)`);
    const {
      rows: [org],
    } = await c.query(`INSERT INTO orgs (name) VALUES ('Bench Org') RETURNING id`);
    const orgId: string = org.id;
    const unit = async (name: string, parent: { id: string; path: string } | null, depth: number) => {
      const { rows } = await c.query(`INSERT INTO units (org_id, parent_id, name, depth, path) VALUES ($1, $2, $3, $4, '') RETURNING id`, [
        orgId,
        parent?.id ?? null,
        name,
        depth,
      ]);
      const path = `${parent?.path ?? '/'}${rows[0].id}/`;
      await c.query(`UPDATE units SET path = $2 WHERE id = $1`, [rows[0].id, path]);
      return { id: rows[0].id as string, path };
    };
    const role = async (name: string, permissions: readonly string[], builtin: string | null) =>
      (await c.query(`INSERT INTO roles (org_id, name, permissions, builtin) VALUES ($1, $2, $3, $4) RETURNING id`, [orgId, name, permissions, builtin])).rows[0]
        .id as string;
    const roles = {
      admin: await role('Administrator', ALL_PERMISSIONS, 'administrator'),
      supervisor: await role('Supervisor', BUILTIN_ROLE_PERMISSIONS.supervisor, 'supervisor'),
      agent: await role('Agent', BUILTIN_ROLE_PERMISSIONS.agent, 'agent'),
      manager: await role('區經理', BUILTIN_ROLE_PERMISSIONS.supervisor, null),
      store: await role('門市人員', STORE_AGENT, null),
    };
    const hash = await argon2.hash(BENCH_PASSWORD, { type: argon2.argon2id });
    const members: (BenchMember & { unitId: string })[] = [];
    const member = async (unitId: string, roleId: string, name: string, level: 1 | 2 | 3) => {
      const email = `${name}@bench.test`;
      const { rows } = await c.query(
        `INSERT INTO members (org_id, unit_id, role_id, email, display_name, password_hash) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [orgId, unitId, roleId, email, name, hash],
      );
      members.push({ id: rows[0].id, email, level, unitId });
      return rows[0].id as string;
    };

    const hq = await unit('總公司含客服', null, 1);
    await member(hq.id, roles.admin, 'hq-admin', 1);
    for (let i = 1; i <= 3; i++) await member(hq.id, roles.supervisor, `hq-supervisor-${i}`, 1);
    const stores: { id: string; agents: string[] }[] = [];
    const regionAgents: { id: string; unitId: string }[] = [];
    for (let r = 1; r <= opts.regions; r++) {
      const region = await unit(`營業所 ${r}`, hq, 2);
      for (let k = 1; k <= 2; k++) await member(region.id, roles.manager, `r${r}-manager-${k}`, 2);
      regionAgents.push({ id: await member(region.id, roles.agent, `r${r}-agent`, 2), unitId: region.id });
      for (let s = 1; s <= opts.storesPerRegion; s++) {
        const store = await unit(`門市 ${r}-${s}`, region, 3);
        const agents: string[] = [];
        for (let k = 1; k <= opts.staffPerStore; k++) agents.push(await member(store.id, roles.store, `r${r}-s${s}-staff-${k}`, 3));
        stores.push({ id: store.id, agents });
      }
    }

    const lineSecret = 'bench-line-channel-secret';
    const destination = 'Ubenchdestination0000000000000000';
    const {
      rows: [account],
    } = await c.query(
      `INSERT INTO channel_accounts (org_id, type, name, external_id, secret_enc, access_token_enc) VALUES ($1, 'line', 'LINE (bench)', $2, $3, $4) RETURNING id`,
      [orgId, destination, encryptSecret(secretsKey, lineSecret), encryptSecret(secretsKey, 'bench-token')],
    );

    // Assignment plan per conversation index, made here so the SQL below stays set-based.
    const plan = Array.from({ length: opts.conversations }, (_, i) => {
      const r = (i * 7919) % 100;
      const store = stores[(i * 31) % stores.length];
      const bound = (i * 13) % 10 < 3 ? stores[(i * 17) % stores.length].id : null;
      if (r < 70) return { assignee: store.agents[i % store.agents.length], unit: store.id, bound };
      if (r < 80) {
        const ra = regionAgents[i % regionAgents.length];
        return { assignee: ra.id, unit: ra.unitId, bound };
      }
      return { assignee: null, unit: null, bound };
    });
    const { rows: convs } = await c.query(
      `WITH input AS (
         SELECT i, (p->>'assignee')::uuid AS assignee, (p->>'unit')::uuid AS unit, (p->>'bound')::uuid AS bound
           FROM jsonb_array_elements($4::jsonb) WITH ORDINALITY AS x(p, i)
       ), cust AS (
         INSERT INTO customers (org_id, channel_account_id, external_id, display_name, bound_unit_id, tags)
         SELECT $1, $2, 'Ubench' || lpad(i::text, 27, '0'), 'Bench customer ' || i, bound, '{}' FROM input
         RETURNING id, external_id, bound_unit_id
       ), conv AS (
         INSERT INTO conversations (org_id, customer_id, channel_account_id, status, assignee_id, assignee_unit_id, assigned_at,
                                    last_assignee_id, last_assignee_unit_id, last_customer_message_at, last_activity_at,
                                    last_assigned_at, bound_unit_id, created_at)
         SELECT $1, cust.id, $2, 'open', input.assignee, input.unit, CASE WHEN input.assignee IS NOT NULL THEN $3::timestamptz END,
                input.assignee, input.unit, $3::timestamptz - input.i * interval '1 second', $3::timestamptz - input.i * interval '1 second',
                $3::timestamptz, cust.bound_unit_id, $3::timestamptz
           FROM input JOIN cust ON cust.external_id = 'Ubench' || lpad(input.i::text, 27, '0')
         RETURNING id, customer_id, assignee_id, assignee_unit_id, assigned_at
       ), asg AS (
         INSERT INTO assignments (org_id, conversation_id, member_id, unit_id, assigned_by_id, started_at)
         SELECT $1, id, assignee_id, assignee_unit_id, assignee_id, assigned_at FROM conv WHERE assignee_id IS NOT NULL
       )
       SELECT conv.id, cust.external_id FROM conv JOIN cust ON cust.id = conv.customer_id`,
      [orgId, account.id, new Date(Date.now() - 3_600_000).toISOString(), JSON.stringify(plan)],
    );
    await c.query('COMMIT');
    await c.query('ANALYZE');
    const byUser = new Map(convs.map((r: { id: string; external_id: string }) => [r.external_id, r.id]));
    const conversations = plan.map((_, i) => {
      const userId = 'Ubench' + String(i + 1).padStart(27, '0');
      return { userId, id: byUser.get(userId)! };
    });
    return { orgId, lineAccountId: account.id, lineSecret, destination, members: members.map(({ id, email, level }) => ({ id, email, level })), conversations };
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    await c.end();
  }
}
