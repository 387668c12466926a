import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Folder } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { CHANNEL_SCOPE_SQL, COUNT_CAP, FOLDER_SQL } from './folder.sql';

export interface SummaryRow {
  id: string;
  status: 'open' | 'done' | 'trashed';
  channel_account_id: string;
  customer_id: string;
  customer_display_name: string;
  assignee_id: string | null;
  assignee_unit_id: string | null;
  assigned_at: Date | null;
  bound_unit_id: string | null;
  last_customer_message_at: Date;
  last_agent_reply_at: Date | null;
  last_activity_at: Date;
  last_assigned_at: Date;
  last_message_id: string | null;
  sort_key: string;
}

export const viewerParams = (v: Pick<Viewer, 'orgId' | 'memberId' | 'unitPath' | 'unitId' | 'channelAccountIds'>) => [
  v.orgId,
  v.memberId,
  v.unitPath,
  v.unitId,
  v.channelAccountIds,
];

/** One page of a folder: $6 = limit + 1; with a keyset, $7/$8 = the last row's sort key and id. */
export function folderPageSql(folder: Folder, keyset: boolean): string {
  const { where, sort, perUnit } = FOLDER_SQL[folder];
  const after = keyset ? `AND (c.${sort}, c.id) < ($7::timestamptz, $8::uuid)` : '';
  // Per-unit top-N, merged: each unit's rows come off its own index range already sorted.
  const source = perUnit
    ? `(SELECT c.* FROM (${perUnit.units}) s CROSS JOIN LATERAL (
          SELECT c.* FROM conversations c
           WHERE c.org_id = $1 AND ${perUnit.column} = s.id AND ${CHANNEL_SCOPE_SQL} AND (${perUnit.rest}) ${after}
           ORDER BY c.${sort} DESC, c.id DESC LIMIT $6) c)`
    : 'conversations';
  // Sort and cut first, then join the customers of the page only.
  return `SELECT c.id, c.status, c.channel_account_id, c.customer_id, cu.display_name AS customer_display_name,
              c.assignee_id, c.assignee_unit_id, c.assigned_at, c.bound_unit_id, c.last_customer_message_at,
              c.last_agent_reply_at, c.last_activity_at, c.last_assigned_at, c.last_message_id, c.${sort}::text AS sort_key
         FROM (SELECT c.* FROM ${source} c
                WHERE c.org_id = $1 AND ${CHANNEL_SCOPE_SQL} AND (${where}) ${after}
                ORDER BY c.${sort} DESC, c.id DESC
                LIMIT $6) c
         JOIN customers cu ON cu.org_id = c.org_id AND cu.id = c.customer_id
        ORDER BY c.${sort} DESC, c.id DESC`;
}

export function folderCountsSql(folders: readonly Folder[]): string {
  const cap = COUNT_CAP + 1;
  const cols = folders.map((f, i) => {
    const { where, perUnit } = FOLDER_SQL[f];
    const rows = perUnit
      ? `SELECT 1 FROM (${perUnit.units}) s CROSS JOIN LATERAL (
           SELECT 1 FROM conversations c WHERE c.org_id = $1 AND ${perUnit.column} = s.id AND ${CHANNEL_SCOPE_SQL} AND (${perUnit.rest}) LIMIT ${cap}) c`
      : `SELECT 1 FROM conversations c WHERE c.org_id = $1 AND ${CHANNEL_SCOPE_SQL} AND (${where})`;
    return `(SELECT count(*) FROM (${rows} LIMIT ${cap}) x)::int AS f${i}`;
  });
  return `SELECT ${cols.join(', ')}`;
}

/** Runs the folder SQL: one query per page, one query for every count. */
@Injectable()
export class FolderQuery {
  constructor(private readonly ds: DataSource) {}

  page(viewer: Viewer, folder: Folder, limit: number, after: { sortKey: string; id: string } | null): Promise<SummaryRow[]> {
    const params: unknown[] = [...viewerParams(viewer), limit + 1];
    if (after) params.push(after.sortKey, after.id);
    return this.ds.query(folderPageSql(folder, after !== null), params);
  }

  /** Bounded counts for several folders in one round trip: exact up to COUNT_CAP. */
  async counts(viewer: Viewer, folders: readonly Folder[]): Promise<Map<Folder, number>> {
    if (folders.length === 0) return new Map();
    const [row] = await this.ds.query(folderCountsSql(folders), viewerParams(viewer));
    return new Map(folders.map((f, i) => [f, row[`f${i}`] as number]));
  }
}
