import 'reflect-metadata';
import * as argon2 from 'argon2';
import { Client } from 'pg';
import { runMigrations } from '../src/infra/database/migrate';
import { encryptSecret } from '../src/infra/crypto/secrets-cipher';
import { ALL_PERMISSIONS, BUILTIN_ROLE_PERMISSIONS } from '../src/modules/access/permissions';

/**
 * `npm run seed:large`: one organisation at benchmark scale, generated inside PostgreSQL
 * (INSERT … SELECT generate_series: no row crosses the wire), in a few minutes.
 *
 *   HQ (總公司含客服) → REGIONS regions → STORES_PER_REGION stores each
 *   members: 10 at HQ, 5 per region, 5 per store; roles Administrator/Supervisor/Agent + 區經理 + 門市人員
 *   CONVERSATIONS conversations (one customer each) over 4 channel accounts,
 *   MESSAGES_PER_CONVERSATION messages each; ~70% open (60% of them assigned), 20% done, 10% trashed;
 *   ~30% bound to a store or region; ~30% of assigned ones were transferred (an ended assignment);
 *   ~2% hold private messages.
 *
 * Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/omni_large), SEED_CONVERSATIONS
 * (1000000), SEED_MESSAGES_PER_CONVERSATION (5), SEED_REGIONS (10), SEED_STORES_PER_REGION (20).
 * Logins printed at the end: one HQ supervisor, one region manager, one store agent (password below).
 */
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/omni_large';
const CONVERSATIONS = Number(process.env.SEED_CONVERSATIONS ?? 1_000_000);
const PER_CONVERSATION = Number(process.env.SEED_MESSAGES_PER_CONVERSATION ?? 5);
const REGIONS = Number(process.env.SEED_REGIONS ?? 10);
const STORES_PER_REGION = Number(process.env.SEED_STORES_PER_REGION ?? 20);
const SECRETS_KEY = Buffer.from(process.env.SECRETS_KEY ?? 'ZGV2LW9ubHktc2VjcmV0cy1rZXktMzItYnl0ZXMhISE=', 'base64');
export const LARGE_PASSWORD = 'omni-large-1234';

async function step(c: Client, label: string, sql: string, params: unknown[] = []): Promise<void> {
  const t0 = Date.now();
  const r = await c.query(sql, params);
  console.log(`  ${label.padEnd(44)} ${String(r.rowCount ?? '').padStart(9)} rows  ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

async function main(): Promise<void> {
  const started = Date.now();
  await runMigrations(DATABASE_URL);
  const c = new Client({ connectionString: DATABASE_URL });
  await c.connect();
  await c.query(`SET synchronous_commit = off; SET work_mem = '256MB'; SET maintenance_work_mem = '512MB'`);
  const tag = Date.now().toString(36);
  console.log(`Seeding ${CONVERSATIONS.toLocaleString()} conversations × ${PER_CONVERSATION} messages into ${DATABASE_URL.replace(/\/\/[^@]*@/, '//')}`);
  await c.query('BEGIN');
  await c.query(`SELECT setseed(0.42)`);
  const {
    rows: [org],
  } = await c.query(`INSERT INTO orgs (name) VALUES ($1) RETURNING id`, [`Large Org ${tag}`]);

  // Units: materialized paths need the ids, so generate them first.
  await c.query(`CREATE TEMP TABLE seed_units (n int, id uuid, parent uuid, depth int, name text, path text) ON COMMIT DROP`);
  await c.query(`INSERT INTO seed_units SELECT 0, gen_random_uuid(), NULL, 1, '總公司含客服', NULL`);
  await c.query(`INSERT INTO seed_units SELECT r, gen_random_uuid(), (SELECT id FROM seed_units WHERE n = 0), 2, 'Region ' || r, NULL FROM generate_series(1, $1) r`, [REGIONS]);
  await c.query(
    `INSERT INTO seed_units SELECT 1000 + (r - 1) * $2 + s, gen_random_uuid(), (SELECT id FROM seed_units WHERE n = r), 3, 'Store ' || r || '-' || s, NULL
       FROM generate_series(1, $1) r, generate_series(1, $2) s`,
    [REGIONS, STORES_PER_REGION],
  );
  await c.query(`UPDATE seed_units SET path = '/' || id || '/' WHERE depth = 1`);
  await c.query(`UPDATE seed_units u SET path = p.path || u.id || '/' FROM seed_units p WHERE u.parent = p.id AND u.depth = 2`);
  await c.query(`UPDATE seed_units u SET path = p.path || u.id || '/' FROM seed_units p WHERE u.parent = p.id AND u.depth = 3`);
  await step(c, 'units', `INSERT INTO units (id, org_id, parent_id, name, depth, path) SELECT id, $1, parent, name, depth, path FROM seed_units ORDER BY depth`, [org.id]);

  const roles: Record<string, string[]> = {
    administrator: [...ALL_PERMISSIONS],
    supervisor: [...BUILTIN_ROLE_PERMISSIONS.supervisor],
    agent: [...BUILTIN_ROLE_PERMISSIONS.agent],
    manager: [...BUILTIN_ROLE_PERMISSIONS.supervisor],
  };
  const roleIds: Record<string, string> = {};
  for (const [key, permissions] of Object.entries(roles)) {
    const builtin = key === 'manager' ? null : key;
    const name = { administrator: 'Administrator', supervisor: 'Supervisor', agent: 'Agent', manager: '區經理' }[key];
    const { rows } = await c.query(`INSERT INTO roles (org_id, name, permissions, builtin) VALUES ($1, $2, $3, $4) RETURNING id`, [org.id, name, permissions, builtin]);
    roleIds[key] = rows[0].id;
  }

  const hash = await argon2.hash(LARGE_PASSWORD, { type: argon2.argon2id });
  await step(
    c,
    'members',
    `INSERT INTO members (org_id, unit_id, role_id, email, display_name, password_hash)
     SELECT $1, u.id,
            CASE WHEN u.depth = 1 AND k = 1 THEN $3::uuid WHEN u.depth = 1 THEN $4::uuid WHEN u.depth = 2 THEN $5::uuid ELSE $6::uuid END,
            'm' || u.n || '-' || k || '-' || $7 || '@large.test', 'Member ' || u.n || '-' || k, $2
       FROM seed_units u, generate_series(1, CASE WHEN u.depth = 1 THEN 10 ELSE 5 END) k`,
    [org.id, hash, roleIds.administrator, roleIds.supervisor, roleIds.manager, roleIds.agent, tag],
  );
  await c.query(`CREATE TEMP TABLE seed_members ON COMMIT DROP AS SELECT row_number() OVER (ORDER BY m.id) AS n, m.id, m.unit_id FROM members m JOIN units u ON u.id = m.unit_id WHERE m.org_id = $1 AND u.depth > 1`, [org.id]);
  await c.query(`CREATE INDEX ON seed_members (n)`);
  await c.query(`CREATE TEMP TABLE seed_bind_units ON COMMIT DROP AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM seed_units WHERE depth > 1`);
  await c.query(`CREATE INDEX ON seed_bind_units (n)`);
  const {
    rows: [{ count: memberCount }],
  } = await c.query(`SELECT count(*)::int AS count FROM seed_members`);
  const {
    rows: [{ count: unitCount }],
  } = await c.query(`SELECT count(*)::int AS count FROM seed_bind_units`);

  const accounts: string[] = [];
  for (const type of ['line', 'messenger', 'instagram', 'whatsapp']) {
    const { rows } = await c.query(
      `INSERT INTO channel_accounts (org_id, type, name, external_id, secret_enc, access_token_enc) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [org.id, type, `${type} (large)`, `${type}-${tag}`, encryptSecret(SECRETS_KEY, 'secret'), encryptSecret(SECRETS_KEY, 'token')],
    );
    accounts.push(rows[0].id);
  }

  await step(
    c,
    'customers',
    `INSERT INTO customers (org_id, channel_account_id, external_id, display_name, bound_unit_id, tags)
     SELECT $1, ($2::uuid[])[1 + (i % 4)], 'U' || $3 || i, 'Customer ' || i,
            CASE WHEN random() < 0.3 THEN (SELECT id FROM seed_bind_units WHERE n = 1 + (i::bigint * 7919) % $5) END, '{}'
       FROM generate_series(1, $4) i`,
    [org.id, accounts, tag, CONVERSATIONS, unitCount],
  );

  // Conversation state: r1 picks the status, r2 the assignment; times spread over 90 days.
  await step(
    c,
    'conversations',
    `INSERT INTO conversations (org_id, customer_id, channel_account_id, status, assignee_id, assignee_unit_id, assigned_at,
                                last_assignee_id, last_assignee_unit_id, last_customer_message_at, last_agent_reply_at,
                                last_activity_at, last_assigned_at, bound_unit_id, created_at)
     SELECT $1, cu.id, cu.channel_account_id, s.status,
            CASE WHEN s.status = 'open' AND s.assigned THEN m.id END,
            CASE WHEN s.status = 'open' AND s.assigned THEN m.unit_id END,
            CASE WHEN s.status = 'open' AND s.assigned THEN s.at - interval '1 hour' END,
            CASE WHEN s.assigned OR s.status <> 'open' THEN m.id END,
            CASE WHEN s.assigned OR s.status <> 'open' THEN m.unit_id END,
            s.at, CASE WHEN s.replied THEN s.at + interval '5 minutes' END,
            CASE WHEN s.replied THEN s.at + interval '5 minutes' ELSE s.at END,
            s.at - interval '1 hour', cu.bound_unit_id, s.at - interval '2 days'
       FROM customers cu
       CROSS JOIN LATERAL (
         SELECT CASE WHEN r1 < 0.7 THEN 'open' WHEN r1 < 0.9 THEN 'done' ELSE 'trashed' END AS status,
                r2 < 0.6 AS assigned, random() < 0.5 AS replied,
                now() - (random() * interval '90 days') AS at,
                1 + floor(random() * $2)::int AS pick
           FROM (SELECT random() AS r1, random() AS r2, cu.id AS dep) x
       ) s
       JOIN seed_members m ON m.n = s.pick
      WHERE cu.org_id = $1`,
    [org.id, memberCount],
  );

  await step(
    c,
    'assignments (current)',
    `INSERT INTO assignments (org_id, conversation_id, member_id, unit_id, assigned_by_id, started_at)
     SELECT org_id, id, assignee_id, assignee_unit_id, assignee_id, assigned_at FROM conversations WHERE org_id = $1 AND assignee_id IS NOT NULL`,
    [org.id],
  );
  await step(
    c,
    'assignments (ended: completed / earlier holders)',
    `INSERT INTO assignments (org_id, conversation_id, member_id, unit_id, assigned_by_id, started_at, ended_at, end_reason)
     SELECT c.org_id, c.id, m.id, m.unit_id, m.id, c.last_assigned_at - interval '1 day', c.last_assigned_at - interval '2 hours',
            CASE WHEN c.status = 'open' THEN 'transferred' ELSE 'completed' END
       FROM conversations c
       JOIN LATERAL (SELECT 1 + floor(random() * $2)::int AS pick, random() AS r, c.id AS dep) p ON true
       JOIN seed_members m ON m.n = p.pick
      WHERE c.org_id = $1 AND (c.status <> 'open' OR (c.assignee_id IS NOT NULL AND p.r < 0.3))`,
    [org.id, memberCount],
  );

  await step(
    c,
    'messages',
    `INSERT INTO messages (org_id, conversation_id, channel_account_id, direction, kind, text, sender_type, status, created_at, private)
     SELECT c.org_id, c.id, c.channel_account_id,
            CASE WHEN k % 2 = 1 THEN 'in' ELSE 'out' END, 'text', 'message ' || k || ' of ' || c.id,
            CASE WHEN k % 2 = 1 THEN 'customer' ELSE 'member' END,
            CASE WHEN k % 2 = 1 THEN NULL ELSE 'sent' END,
            c.last_activity_at - (($2 - k) * interval '1 minute'), (hashtext(c.id::text) % 50 = 0)
       FROM conversations c, generate_series(1, $2) k
      WHERE c.org_id = $1`,
    [org.id, PER_CONVERSATION],
  );
  await step(
    c,
    'conversations.last_message_id',
    `UPDATE conversations c SET last_message_id = m.id
       FROM (SELECT DISTINCT ON (conversation_id) conversation_id, id FROM messages WHERE org_id = $1 ORDER BY conversation_id, created_at DESC, id DESC) m
      WHERE c.id = m.conversation_id`,
    [org.id],
  );
  await step(
    c,
    'private units',
    // last_activity_at, channel_account_id: copies of the conversation's (the insert trigger fills them anyway).
    `INSERT INTO conversation_private_units (org_id, conversation_id, unit_id, last_activity_at, channel_account_id)
     SELECT org_id, id, last_assignee_unit_id, last_activity_at, channel_account_id FROM conversations WHERE org_id = $1 AND last_assignee_unit_id IS NOT NULL AND hashtext(id::text) % 50 = 0
     ON CONFLICT DO NOTHING`,
    [org.id],
  );
  await c.query('COMMIT');
  const t0 = Date.now();
  await c.query('VACUUM ANALYZE');
  console.log(`  ${'vacuum analyze'.padEnd(44)} ${''.padStart(15)}${((Date.now() - t0) / 1000).toFixed(1)}s`);

  const logins = await c.query(
    `SELECT DISTINCT ON (u.depth) m.email, u.depth, u.name FROM members m JOIN units u ON u.id = m.unit_id JOIN roles r ON r.id = m.role_id
      WHERE m.org_id = $1 AND (u.depth = 1 AND r.builtin = 'supervisor' OR u.depth = 2 AND r.name = '區經理' OR u.depth = 3 AND r.builtin = 'agent')
      ORDER BY u.depth, m.email`,
    [org.id],
  );
  await c.end();
  console.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(0)}s. Org ${org.id}. Logins (password ${LARGE_PASSWORD}):`);
  for (const r of logins.rows) console.log(`  level ${r.depth} (${r.name}): ${r.email}`);
}

main().catch((e: Error) => {
  console.error(`seed:large failed: ${e.message}`);
  process.exit(1);
});
