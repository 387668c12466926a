import 'reflect-metadata';
import * as argon2 from 'argon2';
import { randomUUID } from 'crypto';
import { Client } from 'pg';
import { runMigrations } from '../src/infra/database/migrate';
import { ALL_PERMISSIONS, BUILTIN_ROLE_PERMISSIONS, Permission } from '../src/modules/access/permissions';
import { localDay } from '../src/modules/reports/local-day';
import { rollupParams, UPSERT_ROLLUPS } from '../src/modules/reports/report.repository';
import { fold, ReportEvent, ReportState } from '../src/modules/reports/report-fold';
import { rollupDeltas } from '../src/modules/reports/rollup-deltas';

/**
 * `npx ts-node -T scripts/seed-report-events.ts`: an org with a year of report data for the
 * reports benchmark (docs/reports.md, `BENCH_SCENARIOS=reports npm run bench`).
 *
 *   HQ (總公司含客服) → SEED_REGIONS regions → SEED_STORES_PER_REGION stores; 5 members per unit,
 *   one 門市主管 (agent + report.view) per store; timezone Asia/Taipei.
 *   SEED_REPORT_CONVERSATIONS (1,000,000) conversations spread over SEED_REPORT_YEAR (2025): each
 *   one's domain events (first message, opened, claim, reply; 25% transferred, a tenth of those
 *   timing out; 85% done, 5% trashed), ~7 per conversation, inserted by SQL.
 *
 * The rollups come from the same code as the live path: the events of each conversation are
 * folded (report-fold.ts), turned into rollup deltas (rollup-deltas.ts) and added with the
 * subscriber's upsert, in chunks of conversations sorted by time; each conversation's report
 * state and watermark are stored too, so later live events continue from there. No
 * conversation, customer or message rows are created: reports never read them.
 *
 * Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/omni_reports).
 */
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/omni_reports';
const CONVERSATIONS = Number(process.env.SEED_REPORT_CONVERSATIONS ?? 1_000_000);
const REGIONS = Number(process.env.SEED_REGIONS ?? 10);
const STORES_PER_REGION = Number(process.env.SEED_STORES_PER_REGION ?? 20);
const YEAR = Number(process.env.SEED_REPORT_YEAR ?? 2025);
const CHUNK = 20_000;
const TIMEZONE = 'Asia/Taipei';
export const REPORT_PASSWORD = 'omni-reports-1234';

/** Deterministic: the same data every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Conv {
  id: string;
  t0: number;
  m1: number;
  m2: number;
  claim: number;
  reply: number;
  transfer: number | null;
  timeout: number | null;
  done: number | null;
  trashed: number | null;
  a1: string;
  a2: string;
}

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
  const hash = await argon2.hash(REPORT_PASSWORD, { type: argon2.argon2id });
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

  // Each conversation's timeline (seconds in ms), sorted by start.
  const rnd = prng(42);
  const exp = (meanSeconds: number) => -Math.log(1 - rnd()) * meanSeconds * 1000;
  const yearStart = Date.UTC(YEAR, 0, 1) - 8 * 3600_000; // local midnight, 1 January
  const yearMs = Date.UTC(YEAR + 1, 0, 1) - Date.UTC(YEAR, 0, 1);
  const convs: Conv[] = [];
  for (let i = 0; i < CONVERSATIONS; i++) {
    const t0 = yearStart + Math.floor(rnd() * (yearMs - 3 * 86400_000));
    const claim = t0 + 10_000 + exp(600);
    const reply = claim + 5_000 + exp(900);
    const transferred = rnd() < 0.25;
    const transfer = transferred ? reply + 60_000 + exp(1800) : null;
    const timeout = transfer !== null && rnd() < 0.1 ? transfer + 3600_000 : null;
    const end = rnd();
    const last = timeout ?? transfer ?? reply;
    const done = end < 0.85 ? last + 60_000 + exp(6 * 3600) : null;
    const trashed = end >= 0.85 && end < 0.9 ? last + 60_000 + exp(3600) : null;
    const m1 = Math.floor(rnd() * staff.length);
    const m2 = (m1 + 1 + Math.floor(rnd() * (staff.length - 1))) % staff.length;
    convs.push({ id: randomUUID(), t0, m1, m2, claim, reply, transfer, timeout, done, trashed, a1: randomUUID(), a2: randomUUID() });
  }
  convs.sort((a, b) => a.t0 - b.t0);

  const dayCache = new Map<number, string>();
  const ctx = {
    rootUnitId: root.id,
    // Cached per quarter hour (every real timezone offset is a multiple of it).
    localDay: (at: Date) => {
      const q = Math.floor(at.getTime() / 900_000);
      let d = dayCache.get(q);
      if (!d) dayCache.set(q, (d = localDay(at, TIMEZONE)));
      return d;
    },
  };
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

  await c.query(`CREATE TEMP TABLE seed_report_convs (n int, id uuid, t0 timestamptz, m1 uuid, u1 uuid, m2 uuid, u2 uuid, claim timestamptz, reply timestamptz,
                 transfer timestamptz, timeout timestamptz, done timestamptz, trashed timestamptz, a1 uuid, a2 uuid)`);
  let eventsTotal = 0;
  for (let from = 0; from < convs.length; from += CHUNK) {
    const chunk = convs.slice(from, from + CHUNK);
    const t = Date.now();
    await c.query('BEGIN');
    await c.query(`TRUNCATE seed_report_convs`);
    await c.query(
      `INSERT INTO seed_report_convs SELECT * FROM unnest($1::int[], $2::uuid[], $3::timestamptz[], $4::uuid[], $5::uuid[], $6::uuid[], $7::uuid[], $8::timestamptz[],
              $9::timestamptz[], $10::timestamptz[], $11::timestamptz[], $12::timestamptz[], $13::timestamptz[], $14::uuid[], $15::uuid[])`,
      [
        chunk.map((_, i) => from + i),
        chunk.map((v) => v.id),
        chunk.map((v) => iso(v.t0)),
        chunk.map((v) => staff[v.m1].id),
        chunk.map((v) => staff[v.m1].unit_id),
        chunk.map((v) => staff[v.m2].id),
        chunk.map((v) => staff[v.m2].unit_id),
        chunk.map((v) => iso(v.claim)),
        chunk.map((v) => iso(v.reply)),
        chunk.map((v) => iso(v.transfer)),
        chunk.map((v) => iso(v.timeout)),
        chunk.map((v) => iso(v.done)),
        chunk.map((v) => iso(v.trashed)),
        chunk.map((v) => v.a1),
        chunk.map((v) => v.a2),
      ],
    );
    // The events as the live code records them, in each conversation's order (ids follow it).
    const inserted = await c.query(
      `INSERT INTO domain_events (org_id, type, actor_id, conversation_id, customer_id, data, occurred_at)
       SELECT $1, e.type, e.actor, p.id, NULL, e.data, e.at
         FROM seed_report_convs p
         CROSS JOIN LATERAL (VALUES
           (1, 'message.created', NULL::uuid, jsonb_build_object('messageId', gen_random_uuid(), 'direction', 'in', 'kind', 'text', 'private', false, 'queued', false, 'mentionIds', '[]'::jsonb), p.t0),
           (2, 'conversation.opened', NULL, jsonb_build_object('reopened', false, 'at', p.t0), p.t0),
           (3, 'conversation.assigned', p.m1, jsonb_build_object('assignmentId', p.a1, 'memberId', p.m1, 'unitId', p.u1, 'via', 'claim', 'previousAssignmentId', NULL, 'note', NULL), p.claim),
           (4, 'message.created', p.m1, jsonb_build_object('messageId', gen_random_uuid(), 'direction', 'out', 'kind', 'text', 'private', false, 'queued', true, 'mentionIds', '[]'::jsonb), p.reply),
           (5, 'conversation.assignment_ended', p.m1, jsonb_build_object('assignmentId', p.a1, 'memberId', p.m1, 'reason', 'transferred'), p.transfer),
           (6, 'conversation.assigned', p.m1, jsonb_build_object('assignmentId', p.a2, 'memberId', p.m2, 'unitId', p.u2, 'via', 'manual', 'previousAssignmentId', p.a1, 'note', NULL), p.transfer),
           (7, 'conversation.transfer_timed_out', NULL, jsonb_build_object('assignmentId', p.a2, 'memberId', p.m2, 'unitId', p.u2, 'timeoutSeconds', 3600), p.timeout),
           (8, 'conversation.assignment_ended', CASE WHEN p.transfer IS NULL THEN p.m1 ELSE p.m2 END,
               jsonb_build_object('assignmentId', CASE WHEN p.transfer IS NULL THEN p.a1 ELSE p.a2 END, 'memberId', CASE WHEN p.transfer IS NULL THEN p.m1 ELSE p.m2 END,
                                  'reason', CASE WHEN p.done IS NULL THEN 'unassigned' ELSE 'completed' END), coalesce(p.done, p.trashed)),
           (9, 'conversation.completed', CASE WHEN p.transfer IS NULL THEN p.m1 ELSE p.m2 END, '{}'::jsonb, p.done),
           (10, 'conversation.trashed', CASE WHEN p.transfer IS NULL THEN p.m1 ELSE p.m2 END, '{}'::jsonb, p.trashed)
         ) AS e(seq, type, actor, data, at)
        WHERE e.at IS NOT NULL
        ORDER BY p.n, e.seq
       RETURNING id::text, conversation_id, type, actor_id, data, occurred_at`,
      [org.id],
    );
    eventsTotal += inserted.rowCount ?? 0;
    const tEvents = Date.now();
    // Fold them exactly as the subscriber does.
    const byConv = new Map<string, ReportEvent[]>();
    for (const r of inserted.rows as { id: string; conversation_id: string; type: string; actor_id: string | null; data: Record<string, unknown>; occurred_at: Date }[]) {
      const list = byConv.get(r.conversation_id) ?? [];
      list.push({ id: r.id, type: r.type, actorId: r.actor_id, data: r.data, occurredAt: new Date(r.occurred_at) });
      byConv.set(r.conversation_id, list);
    }
    const contributions = [];
    const states: { id: string; last: string; state: ReportState }[] = [];
    for (const [id, list] of byConv) {
      list.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
      const r = fold({}, list, ctx);
      contributions.push(...r.contributions);
      states.push({ id, last: list[list.length - 1].id, state: r.state });
    }
    const deltas = rollupDeltas(contributions);
    const tFold = Date.now();
    for (let k = 0; k < deltas.length; k += 5000) await c.query(UPSERT_ROLLUPS, rollupParams(org.id, deltas.slice(k, k + 5000)));
    const tRollups = Date.now();
    await c.query(
      `INSERT INTO report_conversations (conversation_id, org_id, last_event_id, state) SELECT u.id, $1, u.last, u.state FROM unnest($2::uuid[], $3::bigint[], $4::jsonb[]) AS u(id, last, state)`,
      [org.id, states.map((s) => s.id), states.map((s) => s.last), states.map((s) => JSON.stringify(s.state))],
    );
    await c.query('COMMIT');
    console.log(`  conversations ${String(from + chunk.length).padStart(9)}: ${eventsTotal.toLocaleString()} events, ${deltas.length} rollup rows touched (${((Date.now() - t) / 1000).toFixed(1)}s: events ${((tEvents - t) / 1000).toFixed(1)}, fold ${((tFold - tEvents) / 1000).toFixed(1)}, rollups ${((tRollups - tFold) / 1000).toFixed(1)})`);
  }
  await step('vacuum analyze', async () => {
    for (const table of ['report_rollups', 'report_conversations', 'domain_events']) await c.query(`VACUUM ANALYZE ${table}`);
  });
  const logins = await c.query(
    `SELECT DISTINCT ON (u.depth) m.email, u.depth, u.name FROM members m JOIN units u ON u.id = m.unit_id JOIN roles r ON r.id = m.role_id
      WHERE m.org_id = $1 AND (u.depth = 1 AND r.builtin = 'supervisor' OR u.depth = 3 AND r.name = '門市主管') ORDER BY u.depth, m.email`,
    [org.id],
  );
  await c.end();
  console.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(0)}s: ${eventsTotal.toLocaleString()} events. Org ${org.id}, year ${YEAR} (${TIMEZONE}). Logins (password ${REPORT_PASSWORD}):`);
  for (const r of logins.rows) console.log(`  level ${r.depth} (${r.name}): ${r.email}`);
}

if (require.main === module) {
  main().catch((e: Error) => {
    console.error(`seed-report-events failed: ${e.stack ?? e.message}`);
    process.exit(1);
  });
}
