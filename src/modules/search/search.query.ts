import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Folder } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { folderSqlParams } from '../folders/folder.query';
import { ReadableScope } from './readable-scope.query';
import { privateLast } from './readable-scope.sql';
import { likePattern, MIN_TRIGRAM_QUERY, searchSql } from './search.sql';

export interface SearchRow {
  message_id: string | null;
  conversation_id: string;
  sort_key: string;
}

/** Runs the search SQL: one statement per page (plus, once a minute per viewer, the plan choice). */
@Injectable()
export class SearchQuery {
  constructor(
    private readonly ds: DataSource,
    private readonly scope: ReadableScope,
  ) {}

  async page(
    viewer: Viewer,
    o: { q: string; folders: readonly Folder[]; seesPrivate: boolean; limit: number; after: { at: string; id: string } | null },
  ): Promise<SearchRow[]> {
    const long = [...o.q].length >= MIN_TRIGRAM_QUERY;
    const candidates = await this.scope.candidates(viewer, o.folders);
    const params = folderSqlParams(viewer, [likePattern(o.q), o.seesPrivate, o.limit + 1, o.q.toLowerCase()], o.after && [o.after.at, o.after.id]);
    const sql = searchSql({ folders: privateLast(o.folders), long, keyset: o.after !== null, candidates });
    // A page wants the first few hundred rows in time order. A parallel plan has each worker scan
    // its own share ahead of the merge (20–40× the rows on the seed:large data, see docs/search.md),
    // so this one statement runs without parallel workers.
    return this.ds.transaction('READ COMMITTED', async (em) => {
      await em.query(`SET LOCAL max_parallel_workers_per_gather = 0`);
      return em.query(sql, params);
    });
  }
}

export interface SearchConversationRow {
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
  last_message_id: string | null;
}

/** The conversations of one result page (already known readable), with their customers' names. */
@Injectable()
export class SearchConversationsQuery {
  constructor(private readonly ds: DataSource) {}

  byIds(orgId: string, ids: readonly string[]): Promise<SearchConversationRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.ds.query(
      `SELECT c.id, c.status, c.channel_account_id, c.customer_id, cu.display_name AS customer_display_name, c.assignee_id,
              c.assignee_unit_id, c.assigned_at, c.bound_unit_id, c.last_customer_message_at, c.last_agent_reply_at,
              c.last_activity_at, c.last_message_id
         FROM conversations c JOIN customers cu ON cu.org_id = c.org_id AND cu.id = c.customer_id
        WHERE c.org_id = $1 AND c.id = ANY($2::uuid[])`,
      [orgId, ids],
    );
  }
}
