import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Folder } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import {
  CHANNEL_SCOPE_SQL,
  COUNT_CAP,
  countForm,
  FOLDER_SQL,
  FolderSql,
  Form,
  pageForm,
  PRIVATE_CHANNEL_SCOPE_SQL,
  Range,
  UNIT_SETS,
  UNIT_SIZES_SQL,
  UnitSizes,
} from './folder.sql';

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

type ViewerFacts = Pick<Viewer, 'orgId' | 'memberId' | 'unitPath' | 'unitId' | 'channelAccountIds'>;

/** $1–$5 of every statement built on the folder SQL (see folder.sql.ts). */
export const viewerParams = (v: ViewerFacts) => [v.orgId, v.memberId, v.unitPath, v.unitId, v.channelAccountIds];

/**
 * The parameters of any statement built on the folder SQL (folder pages, search, the customer
 * directory): the viewer's $1–$5, the statement's own from $6 on, in order, and with a keyset
 * the last row's sort key and id after them. One layout, so a statement only numbers its own.
 */
export const folderSqlParams = (v: ViewerFacts, own: readonly unknown[], after: readonly [sortKey: string, id: string] | null = null): unknown[] => [
  ...viewerParams(v),
  ...own,
  ...(after ?? []),
];

/** Parameters of UNIT_SIZES_SQL. */
export const unitSizesParams = (v: Pick<Viewer, 'orgId' | 'unitPath' | 'unitId'>) => [v.orgId, v.unitPath, v.unitId];

const rangesOf = (f: FolderSql, form: Form): Range[] =>
  form === 'rule' ? [{ where: f.where }] : form === 'narrow' && f.narrow ? f.narrow : (f.wide ?? [{ where: f.where }]);

/**
 * One range as SQL, in the folder's order: conversation ranges yield `c.*` (page) or `c.id`
 * (count); private ranges yield `(id, sort_at)`, each range free of repeats. `limit` is per
 * unit for per-unit ranges.
 */
function rangeSql(f: FolderSql, r: Range, o: { page: boolean; limit: string; keyset: boolean }): string {
  let inner: string;
  if (r.private) {
    const after = o.keyset ? `AND (p.last_activity_at, p.conversation_id) < ($7::timestamptz, $8::uuid)` : '';
    // (conversation, unit) is unique: a single unit's range has no repeats, an all-units one drops them in order.
    const distinct = r.perUnit ? '' : 'DISTINCT ON (p.last_activity_at, p.conversation_id)';
    inner = `SELECT ${distinct} p.conversation_id AS id, p.last_activity_at AS sort_at FROM conversation_private_units p
              WHERE p.org_id = $1 AND ${r.perUnit ? `${r.perUnit} = s.id AND` : ''} ${PRIVATE_CHANNEL_SCOPE_SQL} AND (${r.where}) ${after}
              ORDER BY p.last_activity_at DESC, p.conversation_id DESC LIMIT ${o.limit}`;
  } else {
    const after = o.keyset ? `AND (c.${f.sort}, c.id) < ($7::timestamptz, $8::uuid)` : '';
    // Counts keep the order too: it holds them to the folder's index (a count without one may
    // pick a sequential scan, which can read most of the table before its 1,001st row).
    inner = `SELECT ${o.page ? 'c.*' : 'c.id'} FROM conversations c
              WHERE c.org_id = $1 AND ${r.perUnit ? `${r.perUnit} = s.id AND` : ''} ${CHANNEL_SCOPE_SQL} AND (${r.where}) ${after}
              ORDER BY c.${f.sort} DESC, c.id DESC LIMIT ${o.limit}`;
  }
  return r.perUnit ? `SELECT t.* FROM (${UNIT_SETS[f.units!]}) s CROSS JOIN LATERAL (${inner}) t` : inner;
}

const unionAll = (parts: string[]) => parts.map((p) => `(${p})`).join(' UNION ALL ');

/**
 * One page of a folder: $6 = limit + 1; with a keyset, $7/$8 = the last row's sort key and id.
 * `form` picks the folder's narrow (per-unit) or wide (in order) ranges, see `pageForm`.
 */
export function folderPageSql(folder: Folder, form: Form, keyset: boolean): string {
  const f = FOLDER_SQL[folder];
  const sort = f.sort;
  const ranges = rangesOf(f, form);
  const parts = ranges.map((r) => rangeSql(f, r, { page: true, limit: '$6', keyset }));
  const single = ranges.length === 1 && !ranges[0].perUnit;
  let source: string;
  if (ranges.some((r) => r.private)) {
    // Top ids first (a conversation private to several units of the subtree counts once), then the rows.
    const top = single ? parts[0] : `SELECT DISTINCT ON (t.sort_at, t.id) t.id, t.sort_at FROM (${unionAll(parts)}) t ORDER BY t.sort_at DESC, t.id DESC LIMIT $6`;
    source = `SELECT c.* FROM (${top}) t JOIN conversations c ON c.id = t.id`;
  } else {
    // Each range's top rows, merged (the ranges are disjoint).
    source = single ? parts[0] : `SELECT c.* FROM (${unionAll(parts)}) c ORDER BY c.${sort} DESC, c.id DESC LIMIT $6`;
  }
  // Sort and cut first, then join the customers of the page only.
  return `SELECT c.id, c.status, c.channel_account_id, c.customer_id, cu.display_name AS customer_display_name,
              c.assignee_id, c.assignee_unit_id, c.assigned_at, c.bound_unit_id, c.last_customer_message_at,
              c.last_agent_reply_at, c.last_activity_at, c.last_assigned_at, c.last_message_id, c.${sort}::text AS sort_key
         FROM (${source}) c
         JOIN customers cu ON cu.org_id = c.org_id AND cu.id = c.customer_id
        ORDER BY c.${sort} DESC, c.id DESC`;
}

/** Bounded counts of several folders in one statement; `forms[i]` is the form of `folders[i]` (see `countForm`). */
export function folderCountsSql(folders: readonly Folder[], forms: readonly Form[]): string {
  const cap = String(COUNT_CAP + 1);
  const cols = folders.map((folder, i) => {
    const f = FOLDER_SQL[folder];
    const ranges = rangesOf(f, forms[i]);
    const parts = ranges.map((r) => rangeSql(f, r, { page: false, limit: cap, keyset: false }));
    const single = ranges.length === 1 && !ranges[0].perUnit;
    const rows = ranges.some((r) => r.private)
      ? single
        ? parts[0]
        : `SELECT DISTINCT ON (t.sort_at, t.id) t.id FROM (${unionAll(parts)}) t ORDER BY t.sort_at DESC, t.id DESC LIMIT ${cap}`
      : `SELECT 1 FROM (${unionAll(parts)}) t LIMIT ${cap}`;
    return `(SELECT count(*) FROM (${rows}) x)::int AS f${i}`;
  });
  return `SELECT ${cols.join(', ')}`;
}

/** The form choice never changes a result, only its cost: a unit tree a minute old is good enough. */
const SIZES_TTL_MS = 60_000;

/** Runs the folder SQL: one query per page, one query for every count (plus, at most once a minute per unit, the unit counts that pick the forms). */
@Injectable()
export class FolderQuery {
  private readonly sizesCache = new Map<string, { at: number; sizes: UnitSizes }>();

  constructor(private readonly ds: DataSource) {}

  async page(viewer: Viewer, folder: Folder, limit: number, after: { sortKey: string; id: string } | null): Promise<SummaryRow[]> {
    const form = pageForm(folder, await this.sizes(viewer));
    const params = folderSqlParams(viewer, [limit + 1], after && [after.sortKey, after.id]);
    return this.ds.query(folderPageSql(folder, form, after !== null), params);
  }

  /** Bounded counts for several folders in one round trip: exact up to COUNT_CAP. */
  async counts(viewer: Viewer, folders: readonly Folder[]): Promise<Map<Folder, number>> {
    if (folders.length === 0) return new Map();
    const sizes = await this.sizes(viewer);
    const [row] = await this.ds.query(
      folderCountsSql(
        folders,
        folders.map((f) => countForm(f, sizes)),
      ),
      viewerParams(viewer),
    );
    return new Map(folders.map((f, i) => [f, row[`f${i}`] as number]));
  }

  /** Unit counts of the viewer's unit sets and org (cached briefly per unit). */
  async sizes(viewer: Pick<Viewer, 'orgId' | 'unitPath' | 'unitId'>): Promise<UnitSizes> {
    const key = `${viewer.orgId}:${viewer.unitId}:${viewer.unitPath}`;
    const now = Date.now();
    const hit = this.sizesCache.get(key);
    if (hit && now - hit.at < SIZES_TTL_MS) return hit.sizes;
    const [sizes] = await this.ds.query(UNIT_SIZES_SQL, unitSizesParams(viewer));
    if (this.sizesCache.size > 10_000) this.sizesCache.clear();
    this.sizesCache.set(key, { at: now, sizes });
    return sizes;
  }
}
