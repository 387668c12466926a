import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';
import { preparedQuery } from '../../infra/database/prepared';
import { Grain } from './report.repository';

export interface RollupRow {
  unit_id: string;
  member_id: string;
  period: string;
  conversations: number;
  reopened: number;
  messages_in: number;
  messages_out: number;
  transfers: number;
  transfer_timeouts: number;
  completed: number;
  /** Histogram bucket counts as stored: text `'0,3,1'` (sent by PostgreSQL as is, added up by `mergeTextInto`). */
  first_response: string;
  resolution: string;
}

const COLUMNS = `unit_id, member_id, period::text AS period, conversations, reopened, messages_in, messages_out, transfers, transfer_timeouts, completed, first_response, resolution`;

/**
 * Five period ranges of one unit set ($5), each from its grain: days before the first whole
 * month ($2: $6–$7), months before the first whole year ($3: $8–$9), the years ($4: $10–$11),
 * months after them ($3: $12–$13), days after those ($2: $14–$15). An empty range (from after
 * to) is skipped before its index scan: the leading `from <= to` becomes a one-time filter even
 * in the generic plan, where it saves probing the index once per unit for nothing.
 */
const ROLLUPS = [
  [2, 6],
  [3, 8],
  [4, 10],
  [3, 12],
  [2, 14],
]
  .map(
    ([grain, from]) =>
      `SELECT ${COLUMNS} FROM report_rollups WHERE $${from}::date <= $${from + 1}::date AND org_id = $1 AND grain = $${grain} AND unit_id = ANY($5::uuid[]) AND period BETWEEN $${from}::date AND $${from + 1}::date`,
  )
  .join('\n  UNION ALL\n  ');

export interface RollupRanges {
  headDays: [string, string];
  headMonths: [string, string];
  years: [string, string];
  tailMonths: [string, string];
  tailDays: [string, string];
}

/** Reads for the report API: rollups, the viewer's unit subtree, names. Never messages. */
@Injectable()
export class ReportQuery {
  constructor(private readonly db: Db) {}

  /** The unit at `path` and every unit below it. */
  async unitsUnder(orgId: string, path: string): Promise<{ id: string; name: string; path: string; depth: number }[]> {
    return preparedQuery(
      this.db.manager,
      `SELECT id, name, path, depth FROM units WHERE org_id = $1 AND path LIKE $2 ORDER BY depth, name, id`,
      [orgId, `${path.replace(/[\\%_]/g, (c) => `\\${c}`)}%`],
    );
  }

  async timezone(orgId: string): Promise<string> {
    const [row] = await preparedQuery<{ timezone: string }>(this.db.manager, `SELECT timezone FROM orgs WHERE id = $1`, [orgId]);
    return row?.timezone ?? 'UTC';
  }

  async memberNames(orgId: string, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await preparedQuery<{ id: string; display_name: string }>(
      this.db.manager,
      `SELECT id, display_name FROM members WHERE org_id = $1 AND id = ANY($2::uuid[])`,
      [orgId, ids],
    );
    return new Map(rows.map((r) => [r.id, r.display_name]));
  }

  /** Rollup rows of these units: daily, monthly and yearly grains for their parts of the range. */
  rollups(orgId: string, grains: { day: Grain; month: Grain; year: Grain }, unitIds: readonly string[], r: RollupRanges): Promise<RollupRow[]> {
    return preparedQuery<RollupRow>(this.db.manager, ROLLUPS, [
      orgId,
      grains.day,
      grains.month,
      grains.year,
      unitIds,
      ...r.headDays,
      ...r.headMonths,
      ...r.years,
      ...r.tailMonths,
      ...r.tailDays,
    ]);
  }
}
