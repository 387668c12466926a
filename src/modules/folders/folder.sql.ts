import type { Folder } from '../access/permissions';

/**
 * THE folder SQL (SPEC §3) — nowhere else. Each folder is a WHERE clause over
 * `conversations c` plus its sort column; `folder-rules.ts` states the same rules in
 * TypeScript for single reads and fan-out, and the model-based e2e test checks both agree.
 *
 * Parameters shared by every clause:
 *   $1 org id · $2 viewer member id · $3 viewer unit path · $4 viewer unit id · $5 channel scope (uuid[], empty = all)
 */
export type SortColumn = 'last_activity_at' | 'last_customer_message_at' | 'last_assigned_at';

/** The units a folder's rows hang off, relative to the viewer's unit U. */
export type UnitSet = 'self_or_child' | 'below' | 'subtree';

export const UNIT_SETS: Record<UnitSet, string> = {
  self_or_child: `SELECT u.id FROM units u WHERE u.org_id = $1 AND (u.id = $4 OR u.parent_id = $4)`,
  below: `SELECT u.id FROM units u WHERE u.org_id = $1 AND u.path LIKE $3 || '%' AND u.id <> $4`,
  subtree: `SELECT u.id FROM units u WHERE u.org_id = $1 AND u.path LIKE $3 || '%'`,
};

/**
 * One index range of a folder: rows of `conversations c` (or, `private: true`, of
 * `conversation_private_units p`, whose `last_activity_at` is the conversation's) meeting
 * `where`, read in the folder's order. With `perUnit`, one range per unit of the folder's
 * unit set (`perUnit = <unit id>`), merged.
 */
export interface Range {
  where: string;
  perUnit?: string;
  private?: true;
}

export interface FolderSql {
  /** The rule, as one WHERE over `conversations c`. */
  where: string;
  sort: SortColumn;
  /** The unit set whose size picks between `narrow` and `wide`. */
  units?: UnitSet;
  /**
   * Small unit set: disjoint ranges whose union is exactly `where`, one per unit where
   * `perUnit` is set. A page reads at most (ranges × units × page) index entries, however
   * large the org; a count at most 1,001 plus one probe per unit.
   */
  narrow?: Range[];
  /**
   * Large unit set: one range in the folder's order with the units as a filter (the rows of
   * a large subtree are most of the index, so the first page's worth comes quickly).
   * Defaults to `[{ where }]`.
   */
  wide?: Range[];
}

const inSet = (col: string, units: UnitSet) => `${col} IN (${UNIT_SETS[units]})`;
const notInSubtree = (col: string) => `(${col} IS NULL OR ${col} NOT IN (${UNIT_SETS.subtree}))`;

/** done / trash: last assignee's unit in the subtree, or bound in the subtree, or last assigned to the viewer. */
const closed = (status: 'done' | 'trashed'): FolderSql => {
  const s = `c.status = '${status}'`;
  return {
    where: `${s} AND (${inSet('c.last_assignee_unit_id', 'subtree')} OR ${inSet('c.bound_unit_id', 'subtree')} OR c.last_assignee_id = $2)`,
    sort: 'last_assigned_at',
    units: 'subtree',
    narrow: [
      { perUnit: 'c.last_assignee_unit_id', where: s },
      { perUnit: 'c.bound_unit_id', where: `${s} AND ${notInSubtree('c.last_assignee_unit_id')}` },
      { where: `${s} AND c.last_assignee_id = $2 AND ${notInSubtree('c.last_assignee_unit_id')} AND ${notInSubtree('c.bound_unit_id')}` },
    ],
  };
};

export const FOLDER_SQL: Record<Folder, FolderSql> = {
  unassigned: {
    // The home unit (transfer unit, else bound unit, else the account's routing unit) in place of the bound unit.
    where: `c.status = 'open' AND c.assignee_id IS NULL AND (c.home_unit_id IS NULL OR ${inSet('c.home_unit_id', 'subtree')})`,
    sort: 'last_activity_at',
    units: 'subtree',
    // Per home unit of the subtree, plus those without a home unit (with routing most have one).
    narrow: [
      { perUnit: 'c.home_unit_id', where: `c.status = 'open' AND c.assignee_id IS NULL` },
      { where: `c.status = 'open' AND c.assignee_id IS NULL AND c.home_unit_id IS NULL` },
    ],
  },
  assigned: { where: `c.status = 'open' AND c.assignee_id = $2`, sort: 'last_activity_at' },
  department: {
    where: `c.status = 'open' AND c.assignee_id IS NOT NULL AND ${inSet('c.assignee_unit_id', 'self_or_child')}`,
    sort: 'last_customer_message_at',
    units: 'self_or_child',
    // assignee_unit_id is set exactly when assignee_id is (CHECK constraint)
    narrow: [{ perUnit: 'c.assignee_unit_id', where: `c.status = 'open'` }],
  },
  subordinates: {
    where: `c.status = 'open' AND c.assignee_id IS NOT NULL AND ${inSet('c.assignee_unit_id', 'below')}`,
    sort: 'last_customer_message_at',
    units: 'below',
    narrow: [{ perUnit: 'c.assignee_unit_id', where: `c.status = 'open'` }],
  },
  bound: { where: `c.status <> 'trashed' AND c.bound_unit_id = $4`, sort: 'last_customer_message_at' },
  subordinate_bound: {
    where: `c.status <> 'trashed' AND c.bound_unit_id IS NOT NULL AND ${inSet('c.bound_unit_id', 'below')}`,
    sort: 'last_customer_message_at',
    units: 'below',
    narrow: [{ perUnit: 'c.bound_unit_id', where: `c.status <> 'trashed' AND c.bound_unit_id IS NOT NULL` }],
  },
  previously_handled: {
    where: `c.id IN (SELECT a.conversation_id FROM assignments a WHERE a.org_id = $1 AND a.member_id = $2 AND a.ended_at IS NOT NULL)
            AND c.assignee_id IS DISTINCT FROM $2`,
    sort: 'last_activity_at',
  },
  private: {
    where: `c.id IN (SELECT p.conversation_id FROM conversation_private_units p WHERE p.org_id = $1 AND ${inSet('p.unit_id', 'subtree')})`,
    sort: 'last_activity_at',
    units: 'subtree',
    narrow: [{ private: true, perUnit: 'p.unit_id', where: 'TRUE' }],
    wide: [{ private: true, where: inSet('p.unit_id', 'subtree') }],
  },
  done: closed('done'),
  trash: closed('trashed'),
  all: { where: 'TRUE', sort: 'last_activity_at' },
};

/**
 * Channel scope, plus typed references to every shared parameter: a folder clause that does
 * not use one would otherwise leave PostgreSQL unable to infer its type.
 */
export const CHANNEL_SCOPE_SQL = `($2::uuid, $3::text, $4::uuid) IS NOT NULL AND (cardinality($5::uuid[]) = 0 OR c.channel_account_id = ANY($5::uuid[]))`;
/** The same for a row of `conversation_private_units p`, which carries its conversation's channel account. */
export const PRIVATE_CHANNEL_SCOPE_SQL = `($2::uuid, $3::text, $4::uuid) IS NOT NULL AND (cardinality($5::uuid[]) = 0 OR p.channel_account_id = ANY($5::uuid[]))`;

/** Counts stop at this many: a folder shows "1000+" rather than scanning a million rows. */
export const COUNT_CAP = 1000;

/** Unit counts that pick a folder's form: the viewer's unit sets and the whole org. */
export interface UnitSizes {
  org: number;
  self_or_child: number;
  below: number;
  subtree: number;
}

/** $1 org id · $2 viewer unit path · $3 viewer unit id. */
export const UNIT_SIZES_SQL = `SELECT count(*)::int AS org,
    count(*) FILTER (WHERE u.id = $3 OR u.parent_id = $3)::int AS self_or_child,
    count(*) FILTER (WHERE u.path LIKE $2 || '%' AND u.id <> $3)::int AS below,
    count(*) FILTER (WHERE u.path LIKE $2 || '%')::int AS subtree
  FROM units u WHERE u.org_id = $1`;

/**
 * `narrow` and `wide` are the fast forms; `rule` runs the folder's `where` as written (one
 * scan with every condition as a filter): the reference the tests hold both fast forms to.
 */
export type Form = 'narrow' | 'wide' | 'rule';

/**
 * Per-unit ranges cost about (units × page) entries; one ordered range with a unit filter
 * about page × org / units (when conversations spread evenly over units). Per unit wins
 * while units² ≤ org units: a store or HQ's own department per unit, HQ's subtree in order.
 */
export function pageForm(folder: Folder, sizes: UnitSizes): Form {
  const f = FOLDER_SQL[folder];
  if (!f.units || !f.narrow) return 'wide';
  const k = sizes[f.units];
  return k * k <= sizes.org ? 'narrow' : 'wide';
}

/**
 * A count needs no order: per unit it stops after 1,001 rows whatever the subtree, so the
 * narrow form always, except where ranges can repeat a conversation (private), which then
 * must be read in order to drop repeats as they stream.
 */
export function countForm(folder: Folder, sizes: UnitSizes): Form {
  const f = FOLDER_SQL[folder];
  if (!f.narrow) return 'wide';
  return f.narrow.some((r) => r.private) ? pageForm(folder, sizes) : 'narrow';
}

/**
 * The viewer's readable set (SPEC §3: a conversation is readable iff it is in at least one of
 * the viewer's folders) as one WHERE over `conversations c`: the channel scope AND the OR of
 * the clauses above for `folders` — the viewer's available folders (AccessPolicy.folders), or
 * one of them to search a single folder. Search and the customer directory compose their own
 * conditions with it; no other SQL restates a visibility rule. Parameters $1–$5 as above.
 */
export function readableSql(folders: readonly Folder[]): string {
  if (folders.length === 0) return 'FALSE';
  return `(${CHANNEL_SCOPE_SQL} AND (${folders.map((f) => `(${FOLDER_SQL[f].where})`).join(' OR ')}))`;
}
