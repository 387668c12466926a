import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { entityColumns, hydrateEntity } from '../../infra/database/prepared';
import type { Folder } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { viewerParams } from '../folders/folder.query';
import { readableSql } from '../folders/folder.sql';
import { CustomerEntity } from './customer.entity';

export interface DirectoryFilter {
  /** Substring of the display name, and (`profileFields`) of profile name, phone and email. */
  q?: string;
  profileFields: boolean;
  tag?: string;
  boundUnitId?: string;
  channelAccountId?: string;
}

const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The customer directory (SPEC §15): customers whose conversation the viewer can read, newest
 * conversation activity first. Visibility is `readableSql` (the folder SQL), nothing else.
 * Parameters: $1–$5 folder parameters · $6 tag · $7 bound unit · $8 channel account ·
 * $9 `%q%` · $10 lower(q) · $11 limit + 1 · keyset $12/$13.
 */
export function directorySql(folders: readonly Folder[], o: { q: boolean; short: boolean; profileFields: boolean; keyset: boolean }, cols: string): string {
  const name = o.short ? `(search_short_grams(cu.display_name) @> ARRAY[$10::text] AND cu.display_name ILIKE $9)` : `cu.display_name ILIKE $9`;
  const profile = o.profileFields ? ` OR cu.profile->>'name' ILIKE $9 OR cu.profile->>'phone' ILIKE $9 OR cu.profile->>'email' ILIKE $9` : '';
  return `SELECT ${cols}, c.id AS conversation_id, c.last_activity_at::text AS sort_key
       FROM conversations c
       JOIN customers cu ON cu.org_id = c.org_id AND cu.id = c.customer_id
      WHERE c.org_id = $1 AND ${readableSql(folders)}
        AND ($6::text IS NULL OR $6::text = ANY (cu.tags))
        AND ($7::uuid IS NULL OR cu.bound_unit_id = $7::uuid)
        AND ($8::uuid IS NULL OR cu.channel_account_id = $8::uuid)
        AND ${o.q ? `$10::text IS NOT NULL AND (${name}${profile})` : `($9::text, $10::text) IS NULL`}
        ${o.keyset ? 'AND (c.last_activity_at, c.id) < ($12::timestamptz, $13::uuid)' : ''}
      ORDER BY c.last_activity_at DESC, c.id DESC
      LIMIT $11`;
}

export interface DirectoryRow {
  customer: CustomerEntity;
  conversationId: string;
  sortKey: string;
}

@Injectable()
export class CustomerDirectoryQuery {
  constructor(private readonly ds: DataSource) {}

  async page(viewer: Viewer, folders: readonly Folder[], f: DirectoryFilter, limit: number, after: { at: string; id: string } | null): Promise<DirectoryRow[]> {
    const q = f.q ?? null;
    const short = q !== null && [...q].length < 3;
    const params: unknown[] = [
      ...viewerParams(viewer),
      f.tag ?? null,
      f.boundUnitId ?? null,
      f.channelAccountId ?? null,
      q === null ? null : likePattern(q),
      q === null ? null : q.toLowerCase(),
      limit + 1,
    ];
    if (after) params.push(after.at, after.id);
    const sql = directorySql(folders, { q: q !== null, short, profileFields: f.profileFields, keyset: after !== null }, entityColumns(this.ds, CustomerEntity, { alias: 'cu' }));
    const rows: Record<string, unknown>[] = await this.ds.query(sql, params);
    return rows.map((r) => ({ customer: hydrateEntity(this.ds, CustomerEntity, r), conversationId: r.conversation_id as string, sortKey: r.sort_key as string }));
  }
}
