import 'reflect-metadata';
import { Client } from 'pg';
import { encryptSecret } from '../src/infra/crypto/secrets-cipher';
import { runMigrations } from '../src/infra/database/migrate';
import { ALL_PERMISSIONS, BUILTIN_ROLE_PERMISSIONS } from '../src/modules/access/permissions';
import { hashPassword } from '../src/modules/members/password-hash';

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
 * (1000000), SEED_MESSAGES_PER_CONVERSATION (5), SEED_REGIONS (10), SEED_STORES_PER_REGION (20),
 * SEED_BATCH (50000 conversations per statement of the big steps).
 * Logins printed at the end: one HQ supervisor, one region manager, one store agent (password below).
 *
 * Progress goes to stderr while it runs: for the big steps a line every few seconds with the rows
 * done, the rate and the time left (`messages  1,250,000 / 5,000,000 rows (25.0%)  41,200 rows/s
 * ETA 1m31s`); for the others a "still running" line every 10 s. stdout keeps the step summary.
 */
export interface SeedLargeOptions {
  databaseUrl: string;
  conversations: number;
  perConversation: number;
  regions: number;
  storesPerRegion: number;
  batch: number;
  secretsKey: Buffer;
  /** Where progress lines go (stderr). */
  progress: (line: string) => void;
  /** Where the step summary goes (stdout). */
  log: (line: string) => void;
  /** Minimum time between two progress lines of one step. */
  progressEveryMs: number;
}

export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): SeedLargeOptions {
  return {
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/omni_large',
    conversations: Number(env.SEED_CONVERSATIONS ?? 1_000_000),
    perConversation: Number(env.SEED_MESSAGES_PER_CONVERSATION ?? 5),
    regions: Number(env.SEED_REGIONS ?? 10),
    storesPerRegion: Number(env.SEED_STORES_PER_REGION ?? 20),
    batch: Math.max(1, Number(env.SEED_BATCH ?? 50_000)),
    secretsKey: Buffer.from(env.SECRETS_KEY ?? 'ZGV2LW9ubHktc2VjcmV0cy1rZXktMzItYnl0ZXMhISE=', 'base64'),
    progress: (line) => process.stderr.write(`${line}\n`),
    log: (line) => console.log(line),
    progressEveryMs: 3000,
  };
}
export const LARGE_PASSWORD = 'omni-large-1234';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** One progress line: `label  done / total unit (pct)  rate unit/s  ETA …`. */
export function progressLine(label: string, done: number, total: number, elapsedMs: number, unit = 'rows'): string {
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const pct = total > 0 ? ((100 * done) / total).toFixed(1) : '100.0';
  const eta = rate > 0 && done < total ? duration(((total - done) / rate) * 1000) : done >= total ? 'done' : '?';
  return `[seed:large] ${label.padEnd(32)} ${fmt(done)} / ${fmt(total)} ${unit} (${pct}%)  ${fmt(rate)} ${unit}/s  ETA ${eta}`;
}

/** Prints "still running" every 10 s while a single long statement runs. */
function heartbeat(o: SeedLargeOptions, label: string): () => void {
  const t0 = Date.now();
  const timer = setInterval(() => o.progress(`[seed:large] ${label.padEnd(32)} still running, ${duration(Date.now() - t0)}`), 10_000);
  timer.unref();
  return () => clearInterval(timer);
}

async function step(o: SeedLargeOptions, c: Client, label: string, sql: string, params: unknown[] = []): Promise<number> {
  const t0 = Date.now();
  const stop = heartbeat(o, label);
  try {
    const r = await c.query(sql, params);
    o.log(`  ${label.padEnd(44)} ${String(r.rowCount ?? '').padStart(9)} rows  ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    return r.rowCount ?? 0;
  } finally {
    stop();
  }
}

/**
 * A big INSERT … SELECT run in slices of `o.batch` driver rows (numbers 1..`drivers`; the SQL
 * takes the slice as its last two parameters, inclusive), so progress can be shown between
 * slices. `expected` is the number of rows the whole step writes (for the ETA).
 */
async function batchedStep(
  o: SeedLargeOptions,
  c: Client,
  label: string,
  drivers: number,
  expected: number,
  sql: string,
  params: unknown[],
): Promise<number> {
  const t0 = Date.now();
  let rows = 0;
  let shown = t0;
  for (let from = 1; from <= drivers; from += o.batch) {
    const to = Math.min(drivers, from + o.batch - 1);
    const r = await c.query(sql, [...params, from, to]);
    rows += r.rowCount ?? 0;
    const now = Date.now();
    if (now - shown >= o.progressEveryMs || to === drivers) {
      // Rows written are what matter, but their total is an estimate for random steps: show slices done.
      o.progress(progressLine(label, Math.round((expected * to) / drivers), expected, now - t0));
      shown = now;
    }
  }
  o.log(`  ${label.padEnd(44)} ${String(rows).padStart(9)} rows  ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return rows;
}

export async function seedLarge(o: SeedLargeOptions): Promise<{ orgId: string; logins: { email: string; depth: number; name: string }[] }> {
  const started = Date.now();
  const DATABASE_URL = o.databaseUrl;
  const CONVERSATIONS = o.conversations;
  const PER_CONVERSATION = o.perConversation;
  const REGIONS = o.regions;
  const STORES_PER_REGION = o.storesPerRegion;
  const SECRETS_KEY = o.secretsKey;
  await runMigrations(DATABASE_URL);
  const c = new Client({ connectionString: DATABASE_URL });
  await c.connect();
  await c.query(`SET synchronous_commit = off; SET work_mem = '256MB'; SET maintenance_work_mem = '512MB'`);
  const tag = Date.now().toString(36);
  o.log(`Seeding ${CONVERSATIONS.toLocaleString()} conversations × ${PER_CONVERSATION} messages into ${DATABASE_URL.replace(/\/\/[^@]*@/, '//')}`);
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
  await step(o, c, 'units', `INSERT INTO units (id, org_id, parent_id, name, depth, path) SELECT id, $1, parent, name, depth, path FROM seed_units ORDER BY depth`, [org.id]);

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

  const hash = await hashPassword(LARGE_PASSWORD);
  await step(
    o,
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

  await batchedStep(
    o,
    c,
    'customers',
    CONVERSATIONS,
    CONVERSATIONS,
    `INSERT INTO customers (org_id, channel_account_id, external_id, display_name, bound_unit_id, tags)
     SELECT $1, ($2::uuid[])[1 + (i % 4)], 'U' || $3 || i, 'Customer ' || i,
            CASE WHEN random() < 0.3 THEN (SELECT id FROM seed_bind_units WHERE n = 1 + (i::bigint * 7919) % $4) END, '{}'
       FROM generate_series($5::int, $6::int) i`,
    [org.id, accounts, tag, unitCount],
  );
  // Numbered copies of the new ids, so the steps below can work through them in slices.
  await c.query(`CREATE TEMP TABLE seed_customers ON COMMIT DROP AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM customers WHERE org_id = $1`, [org.id]);
  await c.query(`CREATE UNIQUE INDEX ON seed_customers (n)`);

  // Conversation state: r1 picks the status, r2 the assignment; times spread over 90 days.
  await batchedStep(
    o,
    c,
    'conversations',
    CONVERSATIONS,
    CONVERSATIONS,
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
       FROM seed_customers sc
       JOIN customers cu ON cu.id = sc.id
       CROSS JOIN LATERAL (
         SELECT CASE WHEN r1 < 0.7 THEN 'open' WHEN r1 < 0.9 THEN 'done' ELSE 'trashed' END AS status,
                r2 < 0.6 AS assigned, random() < 0.5 AS replied,
                now() - (random() * interval '90 days') AS at,
                1 + floor(random() * $2)::int AS pick
           FROM (SELECT random() AS r1, random() AS r2, cu.id AS dep) x
       ) s
       JOIN seed_members m ON m.n = s.pick
      WHERE cu.org_id = $1 AND sc.n BETWEEN $3 AND $4`,
    [org.id, memberCount],
  );
  await c.query(`CREATE TEMP TABLE seed_conversations ON COMMIT DROP AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM conversations WHERE org_id = $1`, [org.id]);
  await c.query(`CREATE UNIQUE INDEX ON seed_conversations (n)`);

  await batchedStep(
    o,
    c,
    'assignments (current)',
    CONVERSATIONS,
    Math.round(CONVERSATIONS * 0.42),
    `INSERT INTO assignments (org_id, conversation_id, member_id, unit_id, assigned_by_id, started_at)
     SELECT c.org_id, c.id, c.assignee_id, c.assignee_unit_id, c.assignee_id, c.assigned_at
       FROM seed_conversations sc JOIN conversations c ON c.id = sc.id
      WHERE c.org_id = $1 AND c.assignee_id IS NOT NULL AND sc.n BETWEEN $2 AND $3`,
    [org.id],
  );
  await batchedStep(
    o,
    c,
    'assignments (ended: completed / earlier holders)',
    CONVERSATIONS,
    Math.round(CONVERSATIONS * 0.43),
    `INSERT INTO assignments (org_id, conversation_id, member_id, unit_id, assigned_by_id, started_at, ended_at, end_reason)
     SELECT c.org_id, c.id, m.id, m.unit_id, m.id, c.last_assigned_at - interval '1 day', c.last_assigned_at - interval '2 hours',
            CASE WHEN c.status = 'open' THEN 'transferred' ELSE 'completed' END
       FROM seed_conversations sc
       JOIN conversations c ON c.id = sc.id
       JOIN LATERAL (SELECT 1 + floor(random() * $2)::int AS pick, random() AS r, c.id AS dep) p ON true
       JOIN seed_members m ON m.n = p.pick
      WHERE c.org_id = $1 AND (c.status <> 'open' OR (c.assignee_id IS NOT NULL AND p.r < 0.3)) AND sc.n BETWEEN $3 AND $4`,
    [org.id, memberCount],
  );

  await batchedStep(
    o,
    c,
    'messages',
    CONVERSATIONS,
    CONVERSATIONS * PER_CONVERSATION,
    `INSERT INTO messages (org_id, conversation_id, channel_account_id, direction, kind, text, sender_type, status, created_at, private)
     SELECT c.org_id, c.id, c.channel_account_id,
            CASE WHEN k % 2 = 1 THEN 'in' ELSE 'out' END, 'text',
            -- Chinese without word breaks and mixed-case Latin, so search (bench BENCH_SCENARIOS=search) has words to find.
            (ARRAY['請問台中北屯門市今天有營業嗎', '我的訂單 Order #' || k || ' 什麼時候會到?', '北屯的門市取貨時間是幾點', '可以幫我改預約時間嗎',
                   'Thanks, my ORDER arrived', '會員卡點數怎麼查詢', '好的,謝謝您', 'message ' || k || ' of ' || c.id,
                   '想詢問高雄門市的地址', '請問有停車位嗎', '商品有瑕疵想退貨', '明天下午會過去'])[1 + (hashtext(c.id::text || k) & 2147483647) % 12],
            CASE WHEN k % 2 = 1 THEN 'customer' ELSE 'member' END,
            CASE WHEN k % 2 = 1 THEN NULL ELSE 'sent' END,
            c.last_activity_at - (($2 - k) * interval '1 minute'), (hashtext(c.id::text) % 50 = 0)
       FROM seed_conversations sc
       JOIN conversations c ON c.id = sc.id
       CROSS JOIN generate_series(1, $2) k
      WHERE c.org_id = $1 AND sc.n BETWEEN $3 AND $4`,
    [org.id, PER_CONVERSATION],
  );
  await batchedStep(
    o,
    c,
    'conversations.last_message_id',
    CONVERSATIONS,
    CONVERSATIONS,
    `UPDATE conversations c SET last_message_id = m.id
       FROM (SELECT DISTINCT ON (mm.conversation_id) mm.conversation_id, mm.id
               FROM seed_conversations sc JOIN messages mm ON mm.org_id = $1 AND mm.conversation_id = sc.id
              WHERE sc.n BETWEEN $2 AND $3
              ORDER BY mm.conversation_id, mm.created_at DESC, mm.id DESC) m
      WHERE c.id = m.conversation_id`,
    [org.id],
  );
  await step(
    o,
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
  const stop = heartbeat(o, 'vacuum analyze');
  await c.query('VACUUM ANALYZE').finally(stop);
  o.log(`  ${'vacuum analyze'.padEnd(44)} ${''.padStart(15)}${((Date.now() - t0) / 1000).toFixed(1)}s`);

  const logins = await c.query(
    `SELECT DISTINCT ON (u.depth) m.email, u.depth, u.name FROM members m JOIN units u ON u.id = m.unit_id JOIN roles r ON r.id = m.role_id
      WHERE m.org_id = $1 AND (u.depth = 1 AND r.builtin = 'supervisor' OR u.depth = 2 AND r.name = '區經理' OR u.depth = 3 AND r.builtin = 'agent')
      ORDER BY u.depth, m.email`,
    [org.id],
  );
  await c.end();
  o.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(0)}s. Org ${org.id}. Logins (password ${LARGE_PASSWORD}):`);
  for (const r of logins.rows) o.log(`  level ${r.depth} (${r.name}): ${r.email}`);
  return { orgId: org.id, logins: logins.rows };
}

if (require.main === module) {
  seedLarge(optionsFromEnv()).catch((e: Error) => {
    console.error(`seed:large failed: ${e.message}`);
    process.exit(1);
  });
}
