import type { Folder } from '../access/permissions';
import { CHANNEL_SCOPE_SQL, FOLDER_SQL, PRIVATE_CHANNEL_SCOPE_SQL, Range, UNIT_SETS } from '../folders/folder.sql';

/**
 * Where a search or directory statement starts reading (docs/search.md, "Two plans").
 *
 * Visibility is always `readableSql(folders)` on `conversations c`; this only decides how the
 * rows it is applied to are reached:
 * - `wide`: the org's rows in time order, `readableSql` as a filter. Right when the viewer reads
 *   a good share of the org (HQ's `all`, anyone's org-wide unassigned queue): a page fills after
 *   a few hundred rows.
 * - `narrow`: the viewer's *candidate* conversations first, from the index ranges of their own
 *   folders (FOLDER_SQL's per-unit ranges and the clauses keyed by the viewer's member or unit),
 *   then `readableSql` on each, then their messages. Right for a store: its readable set is a
 *   fraction of a percent of a large org, which a time-ordered read would cross tens of
 *   thousands of rows to fill a page from, and a deep directory page hundreds of thousands.
 *
 * The ranges are FOLDER_SQL's own (each folder's ranges are exactly its rule, see folder.sql.ts),
 * so the candidates hold every readable conversation; `readableSql` applied on top keeps the
 * result exactly what the folder rule says even if they held more.
 */

/**
 * The viewer's folders with `private` last, for `readableSql`: an OR stops at its first true
 * term, and `private` is the one whose hashed subquery is costly to build (every private-unit
 * row of the viewer's subtree: 14,000 for HQ on seed:large, ~8 ms). Last, a row reaches it only
 * when no other folder admits it, and on most pages none does. The set, hence the result, is the same.
 */
export const privateLast = (folders: readonly Folder[]): Folder[] => [...folders.filter((f) => f !== 'private'), ...folders.filter((f) => f === 'private')];

/** A narrow plan reads every candidate: above this many, time order wins. */
export const NARROW_MAX_CANDIDATES = 20_000;

/** A range bounded by the viewer: per unit of their unit set, or keyed by their member ($2) or unit ($4) id. */
const bounded = (r: Range) => !!r.perUnit || /\$[24](?!\d)/.test(r.where);

/** The ranges of one folder when all are bounded by the viewer, else null (an org-wide range such as `all`). */
function boundedRanges(folder: Folder): { ranges: Range[]; units?: keyof typeof UNIT_SETS } | null {
  const f = FOLDER_SQL[folder];
  const ranges = f.narrow ?? [{ where: f.where }];
  return ranges.every(bounded) ? { ranges, units: f.units } : null;
}

function rangeIdsSql(r: Range, units: keyof typeof UNIT_SETS | undefined): string {
  const inner = r.private
    ? `SELECT p.conversation_id AS id FROM conversation_private_units p
        WHERE p.org_id = $1 AND ${r.perUnit ? `${r.perUnit} = s.id AND` : ''} ${PRIVATE_CHANNEL_SCOPE_SQL} AND (${r.where})`
    : `SELECT c.id FROM conversations c
        WHERE c.org_id = $1 AND ${r.perUnit ? `${r.perUnit} = s.id AND` : ''} ${CHANNEL_SCOPE_SQL} AND (${r.where})`;
  return r.perUnit ? `SELECT t.id FROM (${UNIT_SETS[units!]}) s CROSS JOIN LATERAL (${inner}) t` : inner;
}

/**
 * The viewer's candidate conversation ids (`id`) as the union of their folders' ranges, or null
 * when a folder has an org-wide range (then only the wide plan makes sense). `distinct: false`
 * keeps repeats (a conversation in two folders), for a bounded count that may stop early.
 * Parameters $1–$5 as in folder.sql.ts.
 */
export function candidateIdsSql(folders: readonly Folder[], distinct = true): string | null {
  const parts: string[] = [];
  for (const folder of folders) {
    const b = boundedRanges(folder);
    if (!b) return null;
    for (const r of b.ranges) parts.push(`(${rangeIdsSql(r, b.units)})`);
  }
  if (parts.length === 0) return null;
  return parts.join(distinct ? ' UNION ' : ' UNION ALL ');
}

/** Counts candidate rows (repeats included) and stops one past the bound: cheap for a store, bounded for anyone. */
export function candidateCountSql(folders: readonly Folder[]): string | null {
  const all = candidateIdsSql(folders, false);
  return all && `SELECT count(*)::int AS n FROM (SELECT 1 FROM (${all}) t LIMIT ${NARROW_MAX_CANDIDATES + 1}) x`;
}
