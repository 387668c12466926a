import 'reflect-metadata';
import { randomUUID } from 'crypto';
import { Client } from 'pg';
import { isDeepStrictEqual } from 'util';
import { runMigrations } from '../src/infra/database/migrate';
import { ALL_PERMISSIONS, BUILTIN_ROLE_PERMISSIONS, Permission } from '../src/modules/access/permissions';
import { hashPassword } from '../src/modules/members/password-hash';
import { bucketOf } from '../src/modules/reports/histogram';
import { localDay } from '../src/modules/reports/local-day';
import { NO_MEMBER } from '../src/modules/reports/report.repository';
import { Contribution, fold, ReportEvent } from '../src/modules/reports/report-fold';
import { CREATE_CONTRIBUTIONS, CREATE_MEMBER_DAYS, CREATE_TIMELINES, INSERT_EVENTS_AND_STATES, INSERT_ROLLUPS } from './seed-report-sql';

/**
 * `npx ts-node -T scripts/seed-report-events.ts`: an org with a year of report data for the
 * reports benchmark (docs/reports.md, `BENCH_SCENARIOS=reports npm run bench`).
 *
 *   HQ (總公司含客服) → SEED_REGIONS regions → SEED_STORES_PER_REGION stores; 5 members per unit,
 *   one 門市主管 (agent + report.view) per store; timezone Asia/Taipei.
 *   SEED_REPORT_CONVERSATIONS (1,000,000) conversations spread over SEED_REPORT_YEAR (2025): each
 *   one's domain events (first message, opened, claim, reply; 25% transferred, a tenth of those
 *   timing out; 85% done, 5% trashed), ~6.3 per conversation.
 *
 * Set-based: the timelines, the events, each conversation's report state and watermark, and the
 * rollups are made by SQL inside PostgreSQL (scripts/seed-report-sql.ts), so a million
 * conversations take minutes, not the hours folding them one by one in Node took on a loaded
 * machine. The SQL attributes figures by the rules of report-fold.ts for these timelines; before
 * the rollups are written, a sample of conversations is folded by the live code (`fold`,
 * `bucketOf`) and its states and figures must equal what the SQL made, or the seed fails. Later
 * live events continue from the stored states. No conversation, customer or message rows are
 * created: reports never read them.
 *
 * Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/omni_reports).
 */
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/omni_reports';
const CONVERSATIONS = Number(process.env.SEED_REPORT_CONVERSATIONS ?? 1_000_000);
const REGIONS = Number(process.env.SEED_REGIONS ?? 10);
const STORES_PER_REGION = Number(process.env.SEED_STORES_PER_REGION ?? 20);
const YEAR = Number(process.env.SEED_REPORT_YEAR ?? 2025);
/** Conversations per events transaction. */
const CHUNK = 100_000;
/** Every SAMPLE_EVERY-th conversation is folded by the live code and compared. */
const SAMPLE_EVERY = 500;
const TIMEZONE = 'Asia/Taipei';
export const REPORT_PASSWORD = 'omni-reports-1234';

async function step<T>(label: string, work: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  const out = await work();
  console.log(`  ${label.padEnd(44)} ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return out;
}

async function main(): Promise<void> {
  const started = Date.now();
  await runMigrations(DATABASE_URL);
  const c = new Client({ connectionString: DATABASE_URL });
  await c.connect();
  await c.query(`SET synchronous_commit = off; SET work_mem = '256MB'`);
  const tag = Date.now().toString(36);
  console.log(`Seeding report events of ${CONVERSATIONS.toLocaleString()} conversations over ${YEAR} into ${DATABASE_URL.replace(/\/\/[^@]*@/, '//')}`);

  // The org, its tree, roles and members.
  const {
    rows: [org],
  } = await c.query(`INSERT INTO orgs (name, timezone) VALUES ($1, $2) RETURNING id`, [`Report Org ${tag}`, TIMEZONE]);
  const unitIds: { id: string; depth: number; path: string; name: string }[] = [];
  const addUnit = async (name: string, parent: { id: string; path: string; depth: number } | null) => {
    const id = randomUUID();
    const path = `${parent?.path ?? '/'}${id}/`;
    const depth = (parent?.depth ?? 0) + 1;
    await c.query(`INSERT INTO units (id, org_id, parent_id, name, depth, path) VALUES ($1, $2, $3, $4, $5, $6)`, [id, org.id, parent?.id ?? null, name, depth, path]);
    const u = { id, depth, path, name };
    unitIds.push(u);
    return u;
  };
  const root = await addUnit('總公司含客服', null);
  for (let r = 1; r <= REGIONS; r++) {
    const region = await addUnit(`Region ${r}`, root);
    for (let s = 1; s <= STORES_PER_REGION; s++) await addUnit(`Store ${r}-${s}`, region);
  }
  const roleIds: Record<string, string> = {};
  const roles: [string, string, string | null, readonly string[]][] = [
    ['administrator', 'Administrator', 'administrator', ALL_PERMISSIONS],
    ['supervisor', 'Supervisor', 'supervisor', BUILTIN_ROLE_PERMISSIONS.supervisor],
    ['agent', 'Agent', 'agent', BUILTIN_ROLE_PERMISSIONS.agent],
    ['lead', '門市主管', null, [...BUILTIN_ROLE_PERMISSIONS.agent, Permission.ReportView]],
  ];
  for (const [key, name, builtin, permissions] of roles) {
    const { rows } = await c.query(`INSERT INTO roles (org_id, name, permissions, builtin) VALUES ($1, $2, $3, $4) RETURNING id`, [org.id, name, permissions, builtin]);
    roleIds[key] = rows[0].id;
  }
  const hash = await hashPassword(REPORT_PASSWORD);
  await step('units and members', () =>
    c.query(
      `INSERT INTO members (org_id, unit_id, role_id, email, display_name, password_hash)
       SELECT $1, u.id,
              CASE WHEN u.depth = 1 AND k = 1 THEN $3::uuid WHEN u.depth = 1 THEN $4::uuid WHEN u.depth = 3 AND k = 1 THEN $6::uuid ELSE $5::uuid END,
              'r' || u.depth || '-' || substr(u.id::text, 1, 8) || '-' || k || '-' || $7 || '@reports.test', u.name || ' member ' || k, $2
         FROM units u, generate_series(1, 5) k WHERE u.org_id = $1`,
      [org.id, hash, roleIds.administrator, roleIds.supervisor, roleIds.agent, roleIds.lead, tag],
    ),
  );
  const { rows: staff } = await c.query<{ id: string; unit_id: string }>(
    `SELECT m.id, m.unit_id FROM members m JOIN units u ON u.id = m.unit_id WHERE m.org_id = $1 AND u.depth > 1 ORDER BY m.email`,
    [org.id],
  );

  // Every conversation's timeline, numbered by start; events in that order (ids follow it).
  await c.query(`SELECT setseed(0.42)`);
  const yearStart = new Date(Date.UTC(YEAR, 0, 1) - 8 * 3600_000); // local midnight, 1 January
  const spanSeconds = (Date.UTC(YEAR + 1, 0, 1) - Date.UTC(YEAR, 0, 1)) / 1000 - 3 * 86400;
  await step('timelines', () => c.query(CREATE_TIMELINES, [CONVERSATIONS, yearStart, spanSeconds, staff.map((m) => m.id), staff.map((m) => m.unit_id)]));
  await c.query(`CREATE INDEX ON seed_report_timelines (n)`);
  let events = 0;
  for (let from = 1; from <= CONVERSATIONS; from += CHUNK) {
    const to = Math.min(from + CHUNK, CONVERSATIONS + 1);
    await step(`events and states ${(to - 1).toLocaleString('en')}`, async () => {
      await c.query('BEGIN');
      await c.query(INSERT_EVENTS_AND_STATES, [org.id, from, to, TIMEZONE]);
      await c.query('COMMIT');
    });
  }
  events = Number((await c.query(`SELECT count(*) FROM domain_events WHERE org_id = $1`, [org.id])).rows[0].count);

  await step('figures per conversation', () => c.query(CREATE_CONTRIBUTIONS, [root.id, TIMEZONE]));
  await step('check a sample against the live fold', () => checkSample(c, root.id));
  await step('rollups', async () => {
    for (const sql of CREATE_MEMBER_DAYS) await c.query(sql);
    await c.query('BEGIN');
    for (const sql of INSERT_ROLLUPS) await c.query(sql, [org.id]);
    await c.query('COMMIT');
  });
  await step('vacuum analyze', async () => {
    for (const table of ['report_rollups', 'report_conversations', 'domain_events']) await c.query(`VACUUM ANALYZE ${table}`);
  });
  const logins = await c.query(
    `SELECT DISTINCT ON (u.depth) m.email, u.depth, u.name FROM members m JOIN units u ON u.id = m.unit_id JOIN roles r ON r.id = m.role_id
      WHERE m.org_id = $1 AND (u.depth = 1 AND r.builtin = 'supervisor' OR u.depth = 3 AND r.name = '門市主管') ORDER BY u.depth, m.email`,
    [org.id],
  );
  await c.end();
  console.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(0)}s: ${events.toLocaleString('en')} events. Org ${org.id}, year ${YEAR} (${TIMEZONE}). Logins (password ${REPORT_PASSWORD}):`);
  for (const r of logins.rows) console.log(`  level ${r.depth} (${r.name}): ${r.email}`);
}

/**
 * Folds every SAMPLE_EVERY-th conversation's events with the live code and compares the state,
 * the watermark and the figures (with their histogram buckets) with what the SQL made.
 */
async function checkSample(c: Client, rootUnitId: string): Promise<void> {
  const { rows: evs } = await c.query<{ id: string; conversation_id: string; type: string; actor_id: string | null; data: Record<string, unknown>; occurred_at: Date }>(
    `SELECT e.id::text AS id, e.conversation_id, e.type, e.actor_id, e.data, e.occurred_at
       FROM seed_report_timelines p JOIN domain_events e ON e.conversation_id = p.id
      WHERE p.n % $1 = 0 ORDER BY e.id`,
    [SAMPLE_EVERY],
  );
  const byConv = new Map<string, ReportEvent[]>();
  for (const r of evs) {
    const list = byConv.get(r.conversation_id) ?? [];
    list.push({ id: r.id, type: r.type, actorId: r.actor_id, data: r.data, occurredAt: new Date(r.occurred_at) });
    byConv.set(r.conversation_id, list);
  }
  const { rows: states } = await c.query<{ conversation_id: string; last_event_id: string; state: unknown }>(
    `SELECT s.conversation_id, s.last_event_id::text AS last_event_id, s.state FROM seed_report_timelines p JOIN report_conversations s ON s.conversation_id = p.id WHERE p.n % $1 = 0`,
    [SAMPLE_EVERY],
  );
  const stored = new Map(states.map((s) => [s.conversation_id, s]));
  const ctx = { rootUnitId, localDay: (at: Date) => localDay(at, TIMEZONE) };
  const fromFold: string[] = [];
  for (const [id, list] of byConv) {
    const r = fold({}, list, ctx);
    const s = stored.get(id);
    // Through JSON, as the subscriber stores it (undefined keys vanish).
    if (!s || s.last_event_id !== list[list.length - 1].id || !isDeepStrictEqual(s.state, JSON.parse(JSON.stringify(r.state)))) {
      throw new Error(`conversation ${id}: SQL state ${JSON.stringify(s)} ≠ fold ${JSON.stringify({ last: list[list.length - 1].id, state: r.state })}`);
    }
    fromFold.push(...r.contributions.map(contributionKey));
  }
  const { rows: sql } = await c.query<{ key: string }>(
    `SELECT concat_ws('|', day::text, unit_id, member_id, c, 0, mi, mo, t, tt, done, fr_bucket, res_bucket) AS key FROM seed_report_contrib WHERE n % $1 = 0`,
    [SAMPLE_EVERY],
  );
  const a = fromFold.sort().join('\n');
  const b = sql.map((r) => r.key).sort().join('\n');
  if (a !== b || byConv.size === 0) throw new Error(`the SQL figures of the sample differ from the live fold's:\n${a.slice(0, 2000)}\n---\n${b.slice(0, 2000)}`);
  console.log(`    ${byConv.size} conversations, ${fromFold.length} figures: identical`);
}

function contributionKey(x: Contribution): string {
  const f = x.figures;
  const fr = x.firstResponseSeconds === undefined ? null : bucketOf(x.firstResponseSeconds);
  const res = x.resolutionSeconds === undefined ? null : bucketOf(x.resolutionSeconds);
  return [x.day, x.unitId, x.memberId ?? NO_MEMBER, f.conversations ?? 0, f.reopened ?? 0, f.messagesIn ?? 0, f.messagesOut ?? 0, f.transfers ?? 0, f.transferTimeouts ?? 0, f.completed ?? 0, fr, res]
    .filter((v) => v !== null)
    .join('|');
}

if (require.main === module) {
  main().catch((e: Error) => {
    console.error(`seed-report-events failed: ${e.stack ?? e.message}`);
    process.exit(1);
  });
}
