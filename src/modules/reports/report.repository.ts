import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';
import type { ReportEvent, ReportState } from './report-fold';

export const NO_MEMBER = '00000000-0000-0000-0000-000000000000';

/** Rollup grains: per member or per unit (all its members), per local day, month or year. */
export enum Grain {
  MemberDay = 1,
  UnitDay = 2,
  MemberMonth = 3,
  UnitMonth = 4,
  MemberYear = 5,
  UnitYear = 6,
}

export interface RollupDelta {
  grain: Grain;
  period: string;
  unitId: string;
  memberId: string;
  conversations: number;
  reopened: number;
  messagesIn: number;
  messagesOut: number;
  transfers: number;
  transferTimeouts: number;
  completed: number;
  /** Histogram bucket counts (histogram.ts), stored as text `'0,3,1'`. */
  firstResponse: number[];
  resolution: number[];
}

/** Adds rollup deltas (one row per key) to `report_rollups`; histograms are added by `report_hist_sum` (text). */
const UPSERT_ROLLUPS = `
  INSERT INTO report_rollups AS r (org_id, grain, period, unit_id, member_id, conversations, reopened, messages_in, messages_out,
                                   transfers, transfer_timeouts, completed, first_response, resolution)
  SELECT $1, u.grain, u.period, u.unit_id, u.member_id, u.c, u.ro, u.mi, u.mo, u.t, u.tt, u.done, u.fr, u.res
    FROM unnest($2::smallint[], $3::date[], $4::uuid[], $5::uuid[], $6::int[], $7::int[], $8::int[], $9::int[], $10::int[], $11::int[], $12::int[], $13::text[], $14::text[])
         AS u(grain, period, unit_id, member_id, c, ro, mi, mo, t, tt, done, fr, res)
  ON CONFLICT (org_id, grain, unit_id, period, member_id) DO UPDATE SET
    conversations = r.conversations + EXCLUDED.conversations,
    reopened = r.reopened + EXCLUDED.reopened,
    messages_in = r.messages_in + EXCLUDED.messages_in,
    messages_out = r.messages_out + EXCLUDED.messages_out,
    transfers = r.transfers + EXCLUDED.transfers,
    transfer_timeouts = r.transfer_timeouts + EXCLUDED.transfer_timeouts,
    completed = r.completed + EXCLUDED.completed,
    first_response = CASE WHEN EXCLUDED.first_response = '' THEN r.first_response ELSE report_hist_sum(r.first_response, EXCLUDED.first_response) END,
    resolution = CASE WHEN EXCLUDED.resolution = '' THEN r.resolution ELSE report_hist_sum(r.resolution, EXCLUDED.resolution) END`;

/**
 * Owner of `report_conversations` (each conversation's report state and watermark) and
 * `report_rollups`. Written only by the report subscriber, inside its unit of work.
 */
@Injectable()
export class ReportRepository {
  constructor(private readonly db: Db) {}

  /** The org's timezone and root unit, read when its events are folded. */
  async orgContext(orgId: string): Promise<{ timezone: string; rootUnitId: string } | null> {
    const [row] = await this.db.txManager.query(
      `SELECT o.timezone, u.id AS root_unit_id FROM orgs o JOIN units u ON u.org_id = o.id AND u.parent_id IS NULL WHERE o.id = $1`,
      [orgId],
    );
    return row ? { timezone: row.timezone, rootUnitId: row.root_unit_id } : null;
  }

  /** Creates missing states, then row-locks them all (in id order: no deadlock between two relays). */
  async lockStates(orgId: string, conversationIds: readonly string[]): Promise<Map<string, { lastEventId: string; state: ReportState }>> {
    const ids = [...new Set(conversationIds)].sort();
    const em = this.db.txManager;
    await em.query(
      `INSERT INTO report_conversations (conversation_id, org_id) SELECT id, $1 FROM unnest($2::uuid[]) AS id ORDER BY id ON CONFLICT DO NOTHING`,
      [orgId, ids],
    );
    const rows: { conversation_id: string; last_event_id: string; state: ReportState }[] = await em.query(
      `SELECT conversation_id, last_event_id::text AS last_event_id, state FROM report_conversations
        WHERE org_id = $1 AND conversation_id = ANY($2::uuid[]) ORDER BY conversation_id FOR UPDATE`,
      [orgId, ids],
    );
    return new Map(rows.map((r) => [r.conversation_id, { lastEventId: r.last_event_id, state: r.state }]));
  }

  /**
   * The report events of these conversations after each one's watermark, in id order. Read from
   * the table (not taken from the relay's batch): a conversation's events are written under its
   * row lock, so once one is committed every earlier one is too, and folding them in id order
   * is folding them in commit order, whatever order the relay delivered them in.
   */
  async eventsAfter(orgId: string, watermarks: ReadonlyMap<string, string>, types: readonly string[]): Promise<(ReportEvent & { conversationId: string })[]> {
    const ids = [...watermarks.keys()];
    const rows: { id: string; conversation_id: string; type: string; actor_id: string | null; data: Record<string, unknown>; occurred_at: Date }[] = await this.db.txManager.query(
      `SELECT e.id::text AS id, e.conversation_id, e.type, e.actor_id, e.data, e.occurred_at
         FROM unnest($2::uuid[], $3::bigint[]) AS w(conversation_id, after)
         JOIN domain_events e ON e.conversation_id = w.conversation_id AND e.id > w.after
        WHERE e.org_id = $1 AND e.conversation_id IS NOT NULL AND e.type = ANY($4::text[])
        ORDER BY e.id`,
      [orgId, ids, ids.map((id) => watermarks.get(id)), types],
    );
    return rows.map((r) => ({ id: r.id, conversationId: r.conversation_id, type: r.type, actorId: r.actor_id, data: r.data, occurredAt: new Date(r.occurred_at) }));
  }

  async saveStates(orgId: string, rows: readonly { conversationId: string; lastEventId: string; state: ReportState }[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.txManager.query(
      `UPDATE report_conversations s SET last_event_id = u.last_event_id, state = u.state
         FROM unnest($2::uuid[], $3::bigint[], $4::jsonb[]) AS u(conversation_id, last_event_id, state)
        WHERE s.org_id = $1 AND s.conversation_id = u.conversation_id`,
      [orgId, rows.map((r) => r.conversationId), rows.map((r) => r.lastEventId), rows.map((r) => JSON.stringify(r.state))],
    );
  }

  /** Adds the deltas to the rollups (one row per key: the caller merged them). */
  async addRollups(orgId: string, deltas: readonly RollupDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    await this.db.txManager.query(UPSERT_ROLLUPS, rollupParams(orgId, deltas));
  }
}

/** The parameters of UPSERT_ROLLUPS, rows sorted by key (two writers lock rows in one order: no deadlock). */
function rollupParams(orgId: string, deltas: readonly RollupDelta[]): unknown[] {
  const d = [...deltas].sort((a, b) => a.grain - b.grain || cmp(a.unitId, b.unitId) || cmp(a.period, b.period) || cmp(a.memberId, b.memberId));
  return [
    orgId,
    d.map((x) => x.grain),
    d.map((x) => x.period),
    d.map((x) => x.unitId),
    d.map((x) => x.memberId),
    d.map((x) => x.conversations),
    d.map((x) => x.reopened),
    d.map((x) => x.messagesIn),
    d.map((x) => x.messagesOut),
    d.map((x) => x.transfers),
    d.map((x) => x.transferTimeouts),
    d.map((x) => x.completed),
    d.map((x) => x.firstResponse.join(',')),
    d.map((x) => x.resolution.join(',')),
  ];
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
