import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { entityColumns, hydrateEntity } from '../../infra/database/prepared';
import type { Folder } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { folderSqlParams } from '../folders/folder.query';
import { readableSql } from '../folders/folder.sql';
import { ReadableScope } from '../search/readable-scope.query';
import { privateLast } from '../search/readable-scope.sql';
import { likePattern } from '../search/search.sql';
import { CustomerEntity } from './customer.entity';

export interface DirectoryFilter {
  /** Substring of the display name, and (`profileFields`) of profile name, phone and email. */
  q?: string;
  profileFields: boolean;
  tag?: string;
  boundUnitId?: string;
  channelAccountId?: string;
}

/**
 * The customer directory (SPEC §15): customers whose conversation the viewer can read, newest
 * conversation activity first. Visibility is `readableSql` (the folder SQL), nothing else.
 * `candidates` (readable-scope.sql.ts): the narrow plan, starting from the viewer's candidate
 * conversations rather than the org's in time order (a store's deep pages stay cheap).
 * Parameters (folderSqlParams): $1–$5 folder parameters · $6 tag · $7 bound unit · $8 channel
 * account · $9 `%q%` · $10 lower(q) · $11 limit + 1 · keyset $12/$13.
 */
export function directorySql(
  folders: readonly Folder[],
  o: { q: boolean; short: boolean; profileFields: boolean; keyset: boolean; filtered: boolean; candidates?: string | null },
  cols: string,
): string {
  const after = o.keyset ? 'AND (c.last_activity_at, c.id) < ($12::timestamptz, $13::uuid)' : '';
  const order = 'ORDER BY c.last_activity_at DESC, c.id DESC';
  if (o.candidates && !o.filtered) {
    // Narrow and no customer filter: sort the readable candidates and cut the page before
    // fetching customers, 51 customer rows instead of one per candidate. $6–$10 are all NULL
    // here; the check keeps them typed (and would return nothing rather than ignore a filter).
    return `SELECT ${cols}, c.id AS conversation_id, c.last_activity_at::text AS sort_key
         FROM (SELECT c.id, c.org_id, c.customer_id, c.last_activity_at
                 FROM (${o.candidates}) k JOIN conversations c ON c.id = k.id
                WHERE c.org_id = $1 AND ${readableSql(folders)} ${after}
                ${order}
                LIMIT $11) c
         JOIN customers cu ON cu.org_id = c.org_id AND cu.id = c.customer_id
        WHERE ($6::text, $7::uuid, $8::uuid, $9::text, $10::text) IS NULL
        ${order}`;
  }
  // ILIKE first: inside the OR the terms run in the order written, and the grams cost far more.
  const name = o.short ? `(cu.display_name ILIKE $9 AND search_short_grams(cu.display_name) @> ARRAY[$10::text])` : `cu.display_name ILIKE $9`;
  const profile = o.profileFields ? ` OR cu.profile->>'name' ILIKE $9 OR cu.profile->>'phone' ILIKE $9 OR cu.profile->>'email' ILIKE $9` : '';
  const from = o.candidates ? `(${o.candidates}) k JOIN conversations c ON c.id = k.id` : 'conversations c';
  return `SELECT ${cols}, c.id AS conversation_id, c.last_activity_at::text AS sort_key
       FROM ${from}
       JOIN customers cu ON cu.org_id = c.org_id AND cu.id = c.customer_id
      WHERE c.org_id = $1 AND ${readableSql(folders)}
        AND ($6::text IS NULL OR $6::text = ANY (cu.tags))
        AND ($7::uuid IS NULL OR cu.bound_unit_id = $7::uuid)
        AND ($8::uuid IS NULL OR cu.channel_account_id = $8::uuid)
        AND ${o.q ? `$10::text IS NOT NULL AND (${name}${profile})` : `($9::text, $10::text) IS NULL`}
        ${after}
      ${order}
      LIMIT $11`;
}

export interface DirectoryRow {
  customer: CustomerEntity;
  conversationId: string;
  sortKey: string;
}

@Injectable()
export class CustomerDirectoryQuery {
  constructor(
    private readonly ds: DataSource,
    private readonly scope: ReadableScope,
  ) {}

  async page(viewer: Viewer, folders: readonly Folder[], f: DirectoryFilter, limit: number, after: { at: string; id: string } | null): Promise<DirectoryRow[]> {
    const q = f.q ?? null;
    const short = q !== null && [...q].length < 3;
    const own = [f.tag ?? null, f.boundUnitId ?? null, f.channelAccountId ?? null, q === null ? null : likePattern(q), q === null ? null : q.toLowerCase(), limit + 1];
    const filtered = own.slice(0, 5).some((v) => v !== null);
    const params = folderSqlParams(viewer, own, after && [after.at, after.id]);
    const candidates = await this.scope.candidates(viewer, folders);
    const cols = entityColumns(this.ds, CustomerEntity, { alias: 'cu' });
    const sql = directorySql(privateLast(folders), { q: q !== null, short, profileFields: f.profileFields, keyset: after !== null, filtered, candidates }, cols);
    const rows: Record<string, unknown>[] = await this.ds.query(sql, params);
    return rows.map((r) => ({ customer: hydrateEntity(this.ds, CustomerEntity, r), conversationId: r.conversation_id as string, sortKey: r.sort_key as string }));
  }
}
