import type { Folder } from '../access/permissions';
import { readableSql } from '../folders/folder.sql';

/**
 * The search SQL (SPEC §15). Visibility is NOT written here: `readableSql` composes the folder
 * clauses of folder.sql.ts (the one statement of SPEC §3), and this file only adds the text
 * predicate, the private-content rule and the order.
 *
 * Parameters: $1–$5 the folder parameters (viewerParams) · $6 the ILIKE pattern (`%q%`,
 * escaped) · $7 whether the viewer sees private content · $8 page size + 1 · $9 lower(q) ·
 * with a keyset, $10/$11 = the last item's sort key and conversation id.
 *
 * One item per conversation:
 * - its newest message (or note, or system message) containing q that the viewer may read in
 *   full (a private message only with `conversation.private.view`: a redacted message never
 *   matches), sorted by that message's time;
 * - or, when the customer's display name contains q, the conversation itself (message null),
 *   sorted by its last activity. A conversation matched by name is listed by name only.
 */

/** Trigrams need three characters: shorter queries never touch the trigram indexes. */
export const MIN_TRIGRAM_QUERY = 3;

/** `%q%` for ILIKE, with the pattern characters escaped. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * `col` contains q, case-insensitively. Long queries: a plain ILIKE the trigram index serves
 * (or, for a frequent term, the planner reads newest first and filters). Short ones: the same
 * test on an expression no trigram index matches, so it is evaluated only on rows reached
 * through the readable conversations in time order — never a full trigram index scan.
 */
function contains(col: string, long: boolean): string {
  return long ? `${col} ILIKE $6` : `(${col} || '') ILIKE $6`;
}

/** The customer's display name contains q: trigrams when long, the short-grams index when not. */
function nameContains(col: string, long: boolean): string {
  return long ? `${col} ILIKE $6` : `search_short_grams(${col}) @> ARRAY[$9::text] AND ${col} ILIKE $6`;
}

export interface SearchSqlOptions {
  folders: readonly Folder[];
  long: boolean;
  keyset: boolean;
}

export function searchSql(o: SearchSqlOptions): string {
  const readable = readableSql(o.folders);
  const visible = (alias: string) => `(NOT ${alias}.private OR $7::boolean)`;
  const msgAfter = o.keyset ? `AND (m.created_at, m.conversation_id) < ($10::timestamptz, $11::uuid)` : '';
  const nameAfter = o.keyset ? `AND (c.last_activity_at, c.id) < ($10::timestamptz, $11::uuid)` : '';
  const messages = `
    SELECT m.id AS message_id, m.conversation_id, m.created_at AS at
      FROM messages m
      JOIN conversations c ON c.id = m.conversation_id
      JOIN customers cu ON cu.id = c.customer_id
     WHERE m.org_id = $1 AND c.org_id = $1
       AND ${contains('m.text', o.long)} AND ${visible('m')} ${msgAfter}
       AND ${readable}
       AND NOT (${nameContains('cu.display_name', o.long)})
       AND NOT EXISTS (
             SELECT 1 FROM messages n
              WHERE n.conversation_id = m.conversation_id AND (n.created_at, n.id) > (m.created_at, m.id)
                AND ${contains('n.text', o.long)} AND ${visible('n')})
     ORDER BY m.created_at DESC, m.conversation_id DESC
     LIMIT $8`;
  const names = `
    SELECT NULL::uuid AS message_id, c.id AS conversation_id, c.last_activity_at AS at
      FROM customers cu
      JOIN conversations c ON c.customer_id = cu.id
     WHERE cu.org_id = $1 AND c.org_id = $1
       AND ${nameContains('cu.display_name', o.long)} ${nameAfter}
       AND ${readable}
     ORDER BY c.last_activity_at DESC, c.id DESC
     LIMIT $8`;
  return `SELECT x.message_id, x.conversation_id, x.at::text AS sort_key
            FROM ((${messages}) UNION ALL (${names})) x
           WHERE $9::text IS NOT NULL
           ORDER BY x.at DESC, x.conversation_id DESC
           LIMIT $8`;
}
