import type { Folder } from '../access/permissions';
import { readableSql } from '../folders/folder.sql';

/**
 * The search SQL (SPEC §15). Visibility is NOT written here: `readableSql` composes the folder
 * clauses of folder.sql.ts (the one statement of SPEC §3), and this file only adds the text
 * predicate, the private-content rule and the order.
 *
 * Parameters (folderSqlParams): $1–$5 the folder parameters · $6 the ILIKE pattern (`%q%`,
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
 * `col` contains q, case-insensitively. Long queries: a plain ILIKE the trigram index serves.
 * Short ones (which have no trigram): the 1–2-character-substring index, with the ILIKE as the
 * exact test. Either way PostgreSQL may instead read rows in time order and test them one by one
 * (a frequent term), whichever its statistics say is cheaper.
 */
function contains(col: string, long: boolean): string {
  // ILIKE first: under NOT (…) the terms run in the order written, and the grams cost far more.
  return long ? `${col} ILIKE $6` : `${col} ILIKE $6 AND search_short_grams(${col}) @> ARRAY[$9::text]`;
}

export interface SearchSqlOptions {
  folders: readonly Folder[];
  long: boolean;
  keyset: boolean;
  /**
   * The narrow plan (readable-scope.sql.ts): the viewer's candidate conversation ids, read first.
   * Absent: the wide plan, the org's messages newest first.
   */
  candidates?: string | null;
}

const visible = (alias: string) => `(NOT ${alias}.private OR $7::boolean)`;

export function searchSql(o: SearchSqlOptions): string {
  return o.candidates ? narrowSql(o, o.candidates) : wideSql(o);
}

/** The outer statement both plans share: merge the two branches, newest first, one page. */
const merged = (messages: string, names: string, where = '') => `SELECT x.message_id, x.conversation_id, x.at::text AS sort_key
            FROM ((${messages}) UNION ALL (${names})) x
           WHERE $9::text IS NOT NULL ${where}
           ORDER BY x.at DESC, x.conversation_id DESC
           LIMIT $8`;

function wideSql(o: SearchSqlOptions): string {
  const readable = readableSql(o.folders);
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
       AND NOT (${contains('cu.display_name', o.long)})
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
       AND ${contains('cu.display_name', o.long)} ${nameAfter}
       AND ${readable}
     ORDER BY c.last_activity_at DESC, c.id DESC
     LIMIT $8`;
  return merged(messages, names);
}

/**
 * The viewer's candidates, kept when `readableSql` says so (materialized: computed once, read
 * by both branches), then every message of theirs: the newest visible match per conversation.
 * Cost follows the viewer's conversation count, not the org's nor the term's frequency.
 */
function narrowSql(o: SearchSqlOptions, candidates: string): string {
  const readable = `
    SELECT c.id, c.customer_id, c.last_activity_at, cu.display_name
      FROM (${candidates}) k
      JOIN conversations c ON c.id = k.id
      JOIN customers cu ON cu.id = c.customer_id
     WHERE c.org_id = $1 AND cu.org_id = $1 AND ${readableSql(o.folders)}`;
  const messages = `
    SELECT DISTINCT ON (m.conversation_id) m.id AS message_id, m.conversation_id, m.created_at AS at
      FROM readable r
      JOIN messages m ON m.conversation_id = r.id
     WHERE m.org_id = $1 AND ${contains('m.text', o.long)} AND ${visible('m')}
       AND NOT (${contains('r.display_name', o.long)})
     ORDER BY m.conversation_id, m.created_at DESC, m.id DESC`;
  const names = `
    SELECT NULL::uuid AS message_id, r.id AS conversation_id, r.last_activity_at AS at
      FROM readable r
     WHERE ${contains('r.display_name', o.long)}`;
  const after = o.keyset ? `AND (x.at, x.conversation_id) < ($10::timestamptz, $11::uuid)` : '';
  return `WITH readable AS MATERIALIZED (${readable})
          ${merged(messages, names, after)}`;
}
