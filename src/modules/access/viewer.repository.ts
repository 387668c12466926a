import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';
import { preparedQuery } from '../../infra/database/prepared';
import { ALL_PERMISSIONS, isPermission, Permission } from './permissions';
import type { Viewer } from './viewer';

interface ViewerRow {
  id: string;
  org_id: string;
  email: string;
  display_name: string;
  status: string;
  unit_id: string;
  unit_path: string;
  unit_depth: number;
  role_id: string;
  role_name: string;
  builtin: Viewer['builtinRole'];
  permissions: string[];
  channel_account_ids: string[];
  token_version: number;
  token_keep_jti: string | null;
  granted: string[] | null;
  grants_expire_at: Date | null;
}

const VIEWER_SELECT = `
  SELECT m.id, m.org_id, m.email, m.display_name, m.status, m.unit_id, u.path AS unit_path, u.depth AS unit_depth,
         m.role_id, r.name AS role_name, r.builtin, r.permissions, m.channel_account_ids, m.token_version, m.token_keep_jti,
         g.granted, g.grants_expire_at
    FROM members m
    JOIN units u ON u.org_id = m.org_id AND u.id = m.unit_id
    JOIN roles r ON r.org_id = m.org_id AND r.id = m.role_id
    -- Live temporary grants (grants_live_idx): effective permissions are the role's plus these.
    LEFT JOIN LATERAL (
      SELECT array_agg(DISTINCT p) AS granted, min(gr.expires_at) AS grants_expire_at
        FROM grants gr CROSS JOIN unnest(gr.permissions) p
       WHERE gr.org_id = m.org_id AND gr.member_id = m.id AND gr.revoked_at IS NULL AND gr.expires_at > now()
    ) g ON true
   WHERE m.org_id = $1 AND m.status = 'active'`;
// One id (every request's token, every write) by equality, so PostgreSQL settles on a generic plan.
const VIEWER_BY_ID = `${VIEWER_SELECT} AND m.id = $2::uuid`;
const VIEWER_BY_IDS = `${VIEWER_SELECT} AND m.id = ANY($2::uuid[])`;
const ALL_ACTIVE = `${VIEWER_SELECT} ORDER BY m.id`;
const DIRECTORY_VERSION = `SELECT directory_version::int AS v FROM orgs WHERE id = $1`;

export function toViewer(row: ViewerRow): Viewer {
  // Administrator always holds the whole catalog, including permissions added after it was stored.
  const permissions = new Set<Permission>(
    row.builtin === 'administrator' ? ALL_PERMISSIONS : [...row.permissions, ...(row.granted ?? [])].filter(isPermission),
  );
  return {
    memberId: row.id,
    orgId: row.org_id,
    email: row.email,
    displayName: row.display_name,
    unitId: row.unit_id,
    unitPath: row.unit_path,
    unitDepth: row.unit_depth,
    roleId: row.role_id,
    roleName: row.role_name,
    builtinRole: row.builtin,
    permissions,
    channelAccountIds: row.channel_account_ids,
    tokenVersion: row.token_version,
    tokenKeepJti: row.token_keep_jti,
    grantsExpireAt: row.grants_expire_at ? new Date(row.grants_expire_at).getTime() : null,
  };
}

/** Loads active members as Viewers in one query, for requests and for socket fan-out alike. */
@Injectable()
export class ViewerRepository {
  constructor(private readonly db: Db) {}

  async findActive(orgId: string, memberId: string): Promise<Viewer | null> {
    const [viewer] = await this.findManyActive(orgId, [memberId]);
    return viewer ?? null;
  }

  async findManyActive(orgId: string, memberIds: readonly string[]): Promise<Viewer[]> {
    if (memberIds.length === 0) return [];
    const rows =
      memberIds.length === 1
        ? await preparedQuery<ViewerRow>(this.db.manager, VIEWER_BY_ID, [orgId, memberIds[0]])
        : await preparedQuery<ViewerRow>(this.db.manager, VIEWER_BY_IDS, [orgId, memberIds]);
    return rows.map(toViewer);
  }

  /** Every active member of the org and the directory version, read first: a change committed in between makes the copy look older than it is, never newer. */
  async loadDirectory(orgId: string): Promise<{ version: number; viewers: Viewer[] }> {
    const [version] = await preparedQuery<{ v: number }>(this.db.manager, DIRECTORY_VERSION, [orgId]);
    const rows = await preparedQuery<ViewerRow>(this.db.manager, ALL_ACTIVE, [orgId]);
    return { version: version?.v ?? 0, viewers: rows.map(toViewer) };
  }
}
