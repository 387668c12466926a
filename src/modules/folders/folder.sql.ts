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

export interface FolderSql {
  where: string;
  sort: SortColumn;
  /**
   * Folders whose rows hang off a SET of units (department, subordinates, subordinate_bound)
   * are also written per unit: for each unit, its top rows by the folder's index, merged.
   * A page then costs (units × page) index entries instead of sorting the whole subtree.
   */
  perUnit?: { column: string; units: string; rest: string };
}

const SELF_OR_CHILD_UNITS = `SELECT u.id FROM units u WHERE u.org_id = $1 AND (u.id = $4 OR u.parent_id = $4)`;
const BELOW_UNITS = `SELECT u.id FROM units u WHERE u.org_id = $1 AND u.path LIKE $3 || '%' AND u.id <> $4`;
const perUnit = (column: string, units: string, rest: string, sort: SortColumn): FolderSql => ({
  where: `${rest} AND ${column} IN (${units})`,
  sort,
  perUnit: { column, units, rest },
});

const subtree = (col: string) => `${col} IN (SELECT u.id FROM units u WHERE u.org_id = $1 AND u.path LIKE $3 || '%')`;
const closed = (status: 'done' | 'trashed') =>
  `c.status = '${status}' AND (${subtree('c.last_assignee_unit_id')} OR ${subtree('c.bound_unit_id')} OR c.last_assignee_id = $2)`;

export const FOLDER_SQL: Record<Folder, FolderSql> = {
  unassigned: {
    where: `c.status = 'open' AND c.assignee_id IS NULL AND (c.bound_unit_id IS NULL OR ${subtree('c.bound_unit_id')})`,
    sort: 'last_activity_at',
  },
  assigned: { where: `c.status = 'open' AND c.assignee_id = $2`, sort: 'last_activity_at' },
  department: perUnit('c.assignee_unit_id', SELF_OR_CHILD_UNITS, `c.status = 'open'`, 'last_customer_message_at'),
  subordinates: perUnit('c.assignee_unit_id', BELOW_UNITS, `c.status = 'open'`, 'last_customer_message_at'),
  bound: { where: `c.status <> 'trashed' AND c.bound_unit_id = $4`, sort: 'last_customer_message_at' },
  subordinate_bound: perUnit('c.bound_unit_id', BELOW_UNITS, `c.status <> 'trashed' AND c.bound_unit_id IS NOT NULL`, 'last_customer_message_at'),
  previously_handled: {
    where: `c.id IN (SELECT a.conversation_id FROM assignments a WHERE a.org_id = $1 AND a.member_id = $2 AND a.ended_at IS NOT NULL)
            AND c.assignee_id IS DISTINCT FROM $2`,
    sort: 'last_activity_at',
  },
  private: {
    where: `c.id IN (SELECT p.conversation_id FROM conversation_private_units p WHERE p.org_id = $1 AND ${subtree('p.unit_id')})`,
    sort: 'last_activity_at',
  },
  done: { where: closed('done'), sort: 'last_assigned_at' },
  trash: { where: closed('trashed'), sort: 'last_assigned_at' },
  all: { where: 'TRUE', sort: 'last_activity_at' },
};

/**
 * Channel scope, plus typed references to every shared parameter: a folder clause that does
 * not use one would otherwise leave PostgreSQL unable to infer its type.
 */
export const CHANNEL_SCOPE_SQL = `($2::uuid, $3::text, $4::uuid) IS NOT NULL AND (cardinality($5::uuid[]) = 0 OR c.channel_account_id = ANY($5::uuid[]))`;

/** Counts stop at this many: a folder shows "1000+" rather than scanning a million rows. */
export const COUNT_CAP = 1000;
