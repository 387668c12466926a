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
  /** Histogram bucket counts as PostgreSQL array text `{0,3,1}` (parsed faster here than by the driver). */
  first_response: string;
  resolution: string;
}

const COLUMNS = `unit_id, member_id, period::text AS period, conversations, reopened, messages_in, messages_out, transfers, transfer_timeouts, completed, first_response::text AS first_response, resolution::text AS resolution`;

/** Three period ranges of one unit set: days before the whole months, the months (monthly grain), days after. */
const ROLLUPS = `
  SELECT ${COLUMNS} FROM report_rollups WHERE org_id = $1 AND grain = $2 AND unit_id = ANY($4::uuid[]) AND period BETWEEN $5::date AND $6::date
  UNION ALL
  SELECT ${COLUMNS} FROM report_rollups WHERE org_id = $1 AND grain = $3 AND unit_id = ANY($4::uuid[]) AND period BETWEEN $7::date AND $8::date
  UNION ALL
  SELECT ${COLUMNS} FROM report_rollups WHERE org_id = $1 AND grain = $2 AND unit_id = ANY($4::uuid[]) AND period BETWEEN $9::date AND $10::date`;

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

  /** Rollup rows of these units: daily grain for the day ranges, monthly grain for the month range. */
  rollups(
    orgId: string,
    grains: { day: Grain; month: Grain },
    unitIds: readonly string[],
    ranges: { headDays: [string, string]; months: [string, string]; tailDays: [string, string] },
  ): Promise<RollupRow[]> {
    return preparedQuery<RollupRow>(this.db.manager, ROLLUPS, [orgId, grains.day, grains.month, unitIds, ...ranges.headDays, ...ranges.months, ...ranges.tailDays]);
  }
}
