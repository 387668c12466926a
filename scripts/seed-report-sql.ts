import { Grain, NO_MEMBER } from '../src/modules/reports/report.repository';

/**
 * The set-based statements of scripts/seed-report-events.ts. Timelines, events, report states
 * and rollups are all made inside PostgreSQL: nothing per conversation travels to Node except
 * the sample the script checks against the live fold.
 */

/** Milliseconds, as the live code's `toISOString()` keeps them. */
const ms = (expr: string) => `date_trunc('milliseconds', ${expr})`;
const seconds = (expr: string) => `(${expr}) * interval '1 second'`;
/** An exponentially distributed number of seconds with this mean. */
const exp = (mean: number) => `-ln(1 - random()) * ${mean}`;

/**
 * One row per conversation, numbered by start ($1 conversations starting in [$2, $2 + $3 s),
 * staff $4 ids / $5 units): claimed 10 s + ~10 min after the first message, a reply 5 s + ~15 min
 * later; 25 % transferred (~30 min after), a tenth of those timing out an hour later; 85 % done
 * (~6 h after the last step), 5 % trashed (~1 h), the rest left open. Deterministic after
 * `setseed` (one backend, no parallel workers).
 */
export const CREATE_TIMELINES = `
  CREATE TEMP TABLE seed_report_timelines AS
  SELECT (row_number() OVER (ORDER BY t.t0, t.id))::int AS n, t.*,
         CASE WHEN t.transfer IS NULL THEN t.m1 ELSE t.m2 END AS fm,
         CASE WHEN t.transfer IS NULL THEN t.u1 ELSE t.u2 END AS fu,
         CASE WHEN t.transfer IS NULL THEN t.a1 ELSE t.a2 END AS fa
    FROM (
      SELECT r.id, ${ms('r.t0')} AS t0, ${ms('a.claim')} AS claim, ${ms('b.reply')} AS reply, ${ms('c.transfer')} AS transfer,
             ${ms('d.timeout')} AS timeout,
             ${ms(`CASE WHEN r.fate < 0.85 THEN e.last + ${seconds('r.d_done')} END`)} AS done,
             ${ms(`CASE WHEN r.fate >= 0.85 AND r.fate < 0.9 THEN e.last + ${seconds('r.d_trash')} END`)} AS trashed,
             ($4::uuid[])[r.i1] AS m1, ($5::uuid[])[r.i1] AS u1, ($4::uuid[])[f.i2] AS m2, ($5::uuid[])[f.i2] AS u2,
             gen_random_uuid() AS a1, gen_random_uuid() AS a2
        FROM (SELECT gen_random_uuid() AS id,
                     $2::timestamptz + ${seconds('random() * $3')} AS t0,
                     10 + ${exp(600)} AS d_claim,
                     5 + ${exp(900)} AS d_reply,
                     random() < 0.25 AS transferred,
                     60 + ${exp(1800)} AS d_transfer,
                     random() < 0.1 AS times_out,
                     random() AS fate,
                     60 + ${exp(6 * 3600)} AS d_done,
                     60 + ${exp(3600)} AS d_trash,
                     1 + floor(random() * cardinality($4::uuid[]))::int AS i1,
                     floor(random() * (cardinality($4::uuid[]) - 1))::int AS k2
                FROM generate_series(1, $1)) r
        -- The second holder: anyone but the first.
        CROSS JOIN LATERAL (SELECT (r.i1 + r.k2) % cardinality($4::uuid[]) + 1 AS i2) f
        CROSS JOIN LATERAL (SELECT r.t0 + ${seconds('r.d_claim')} AS claim) a
        CROSS JOIN LATERAL (SELECT a.claim + ${seconds('r.d_reply')} AS reply) b
        CROSS JOIN LATERAL (SELECT CASE WHEN r.transferred THEN b.reply + ${seconds('r.d_transfer')} END AS transfer) c
        CROSS JOIN LATERAL (SELECT CASE WHEN r.times_out THEN c.transfer + interval '1 hour' END AS timeout) d
        CROSS JOIN LATERAL (SELECT coalesce(d.timeout, c.transfer, b.reply) AS last) e
    ) t`;

/** The conversation's report state once all its events are folded (what report-fold.ts leaves). */
const FINAL_STATE = `
  jsonb_build_object(
    'session', CASE WHEN p.done IS NULL AND p.trashed IS NULL THEN jsonb_build_object(
      'start', to_char(p.t0 AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'startDay', to_char(p.t0 AT TIME ZONE $4, 'YYYY-MM-DD'),
      'reopened', false, 'awaiting', false, 'counted', true) END,
    'holder', CASE WHEN p.done IS NULL AND p.trashed IS NULL THEN jsonb_build_object('memberId', p.fm, 'unitId', p.fu, 'assignmentId', p.fa) END)
  || CASE WHEN p.done IS NOT NULL OR p.trashed IS NOT NULL THEN jsonb_build_object('last', jsonb_build_object('unitId', p.fu, 'memberId', p.fm))
          WHEN p.transfer IS NOT NULL THEN jsonb_build_object('last', jsonb_build_object('unitId', p.u1, 'memberId', p.m1))
          ELSE '{}' END
  || CASE WHEN p.timeout IS NOT NULL THEN jsonb_build_object('timedOut', p.a2) ELSE '{}' END`;

/**
 * The domain events of conversations $2 ≤ n < $3 as the live code records them (ids in each
 * conversation's order), and each one's report state with its watermark (the last event id).
 */
export const INSERT_EVENTS_AND_STATES = `
  WITH ins AS (
    INSERT INTO domain_events (org_id, type, actor_id, conversation_id, customer_id, data, occurred_at)
    SELECT $1, e.type, e.actor, p.id, NULL, e.data, e.at
      FROM seed_report_timelines p
      CROSS JOIN LATERAL (VALUES
        (1, 'message.created', NULL::uuid, jsonb_build_object('messageId', gen_random_uuid(), 'direction', 'in', 'kind', 'text', 'private', false, 'queued', false, 'mentionIds', '[]'::jsonb), p.t0),
        (2, 'conversation.opened', NULL, jsonb_build_object('reopened', false, 'at', p.t0), p.t0),
        (3, 'conversation.assigned', p.m1, jsonb_build_object('assignmentId', p.a1, 'memberId', p.m1, 'unitId', p.u1, 'via', 'claim', 'previousAssignmentId', NULL, 'note', NULL), p.claim),
        (4, 'message.created', p.m1, jsonb_build_object('messageId', gen_random_uuid(), 'direction', 'out', 'kind', 'text', 'private', false, 'queued', true, 'mentionIds', '[]'::jsonb), p.reply),
        (5, 'conversation.assignment_ended', p.m1, jsonb_build_object('assignmentId', p.a1, 'memberId', p.m1, 'reason', 'transferred'), p.transfer),
        (6, 'conversation.assigned', p.m1, jsonb_build_object('assignmentId', p.a2, 'memberId', p.m2, 'unitId', p.u2, 'via', 'manual', 'previousAssignmentId', p.a1, 'note', NULL), p.transfer),
        (7, 'conversation.transfer_timed_out', NULL, jsonb_build_object('assignmentId', p.a2, 'memberId', p.m2, 'unitId', p.u2, 'timeoutSeconds', 3600), p.timeout),
        (8, 'conversation.assignment_ended', p.fm, jsonb_build_object('assignmentId', p.fa, 'memberId', p.fm, 'reason', CASE WHEN p.done IS NULL THEN 'unassigned' ELSE 'completed' END),
            coalesce(p.done, p.trashed)),
        (9, 'conversation.completed', p.fm, '{}'::jsonb, p.done),
        (10, 'conversation.trashed', p.fm, '{}'::jsonb, p.trashed)
      ) AS e(seq, type, actor, data, at)
     WHERE p.n >= $2 AND p.n < $3 AND e.at IS NOT NULL
     ORDER BY p.n, e.seq
    RETURNING id, conversation_id)
  INSERT INTO report_conversations (conversation_id, org_id, last_event_id, state)
  SELECT p.id, $1, w.last, ${FINAL_STATE}
    FROM (SELECT conversation_id, max(id) AS last FROM ins GROUP BY conversation_id) w
    JOIN seed_report_timelines p ON p.id = w.conversation_id`;

/** histogram.ts `bucketOf` (the tiny epsilon keeps exact powers of two in their own bucket, as Math.log2 does). */
const bucket = (s: string) => `CASE WHEN ${s} >= 1 THEN least(floor(8 * ln(${s}::float8) / ln(2) + 1e-9)::int + 1, 208) ELSE 0 END`;

/**
 * Each figure of each conversation, as report-fold.ts attributes it ($1 root unit, $2 timezone):
 * the first message to the root unit (never held yet), the session to its first holder on its
 * start day, reply and first response to the first holder, the transfer to who gave it away,
 * the timeout to the new holder, completion and resolution to the last holder.
 */
export const CREATE_CONTRIBUTIONS = `
  CREATE TEMP TABLE seed_report_contrib AS
  SELECT p.n, c.unit_id, c.member_id, (c.at AT TIME ZONE $2)::date AS day, c.c, c.mi, c.mo, c.t, c.tt, c.done,
         c.fr, c.res, CASE WHEN c.fr IS NOT NULL THEN ${bucket('c.fr')} END AS fr_bucket, CASE WHEN c.res IS NOT NULL THEN ${bucket('c.res')} END AS res_bucket
    FROM seed_report_timelines p
    CROSS JOIN LATERAL (VALUES
      ($1::uuid, '${NO_MEMBER}'::uuid, p.t0, 0, 1, 0, 0, 0, 0, NULL::numeric, NULL::numeric),
      (p.u1, p.m1, p.t0, 1, 0, 0, 0, 0, 0, NULL, NULL),
      (p.u1, p.m1, p.reply, 0, 0, 1, 0, 0, 0, extract(epoch FROM p.reply - p.t0), NULL),
      (p.u1, p.m1, p.transfer, 0, 0, 0, 1, 0, 0, NULL, NULL),
      (p.u2, p.m2, p.timeout, 0, 0, 0, 0, 1, 0, NULL, NULL),
      (p.fu, p.fm, p.done, 0, 0, 0, 0, 0, 1, NULL, extract(epoch FROM p.done - p.t0))
    ) AS c(unit_id, member_id, at, c, mi, mo, t, tt, done, fr, res)
   WHERE c.at IS NOT NULL`;

/** Per (unit, member, day): the counters, and the histogram buckets. */
export const CREATE_MEMBER_DAYS = [
  `CREATE TEMP TABLE seed_report_md AS
   SELECT unit_id, member_id, day, sum(c) AS c, sum(mi) AS mi, sum(mo) AS mo, sum(t) AS t, sum(tt) AS tt, sum(done) AS done
     FROM seed_report_contrib GROUP BY unit_id, member_id, day`,
  `CREATE TEMP TABLE seed_report_mdh AS
   SELECT unit_id, member_id, day, which, bucket, count(*) AS n
     FROM (SELECT unit_id, member_id, day, 1 AS which, fr_bucket AS bucket FROM seed_report_contrib WHERE fr_bucket IS NOT NULL
           UNION ALL
           SELECT unit_id, member_id, day, 2, res_bucket FROM seed_report_contrib WHERE res_bucket IS NOT NULL) b
    GROUP BY unit_id, member_id, day, which, bucket`,
];

const GRAINS: [Grain, string, string][] = [
  [Grain.MemberDay, 'day', 'member_id'],
  [Grain.UnitDay, 'day', `'${NO_MEMBER}'::uuid`],
  [Grain.MemberMonth, `date_trunc('month', day)::date`, 'member_id'],
  [Grain.UnitMonth, `date_trunc('month', day)::date`, `'${NO_MEMBER}'::uuid`],
  [Grain.MemberYear, `date_trunc('year', day)::date`, 'member_id'],
  [Grain.UnitYear, `date_trunc('year', day)::date`, `'${NO_MEMBER}'::uuid`],
];

/** A histogram's stored text: counts comma-separated, zeros filled in between, none after the last. */
const histText = (period: string, member: string, which: number) => `
  SELECT period, unit_id, member_id, string_agg(repeat('0,', bucket - prev - 1) || n, ',' ORDER BY bucket) AS txt
    FROM (SELECT period, unit_id, member_id, bucket, n, coalesce(lag(bucket) OVER (PARTITION BY period, unit_id, member_id ORDER BY bucket), -1) AS prev
            FROM (SELECT ${period} AS period, unit_id, ${member} AS member_id, bucket, sum(n) AS n
                    FROM seed_report_mdh WHERE which = ${which} GROUP BY 1, 2, 3, 4) s) x
   GROUP BY period, unit_id, member_id`;

/** The six grains of report_rollups from the member-days ($1 org). */
export const INSERT_ROLLUPS = GRAINS.map(
  ([grain, period, member]) => `
  INSERT INTO report_rollups (org_id, grain, period, unit_id, member_id, conversations, reopened, messages_in, messages_out, transfers, transfer_timeouts, completed, first_response, resolution)
  SELECT $1, ${grain}, k.period, k.unit_id, k.member_id, k.c, 0, k.mi, k.mo, k.t, k.tt, k.done, coalesce(h1.txt, ''), coalesce(h2.txt, '')
    FROM (SELECT ${period} AS period, unit_id, ${member} AS member_id, sum(c) AS c, sum(mi) AS mi, sum(mo) AS mo, sum(t) AS t, sum(tt) AS tt, sum(done) AS done
            FROM seed_report_md GROUP BY 1, 2, 3) k
    LEFT JOIN (${histText(period, member, 1)}) h1 USING (period, unit_id, member_id)
    LEFT JOIN (${histText(period, member, 2)}) h2 USING (period, unit_id, member_id)`,
);
