import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
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
}

const VIEWER_SELECT = `
  SELECT m.id, m.org_id, m.email, m.display_name, m.status, m.unit_id, u.path AS unit_path, u.depth AS unit_depth,
         m.role_id, r.name AS role_name, r.builtin, r.permissions, m.channel_account_ids, m.token_version
    FROM members m
    JOIN units u ON u.org_id = m.org_id AND u.id = m.unit_id
    JOIN roles r ON r.org_id = m.org_id AND r.id = m.role_id
   WHERE m.org_id = $1 AND m.status = 'active'`;
// One id (every request's token, every write) by equality, so PostgreSQL settles on a generic plan.
const VIEWER_BY_ID = `${VIEWER_SELECT} AND m.id = $2::uuid`;
const VIEWER_BY_IDS = `${VIEWER_SELECT} AND m.id = ANY($2::uuid[])`;
const READER_CANDIDATES = `${VIEWER_SELECT}
     AND (m.unit_id = ANY($2::uuid[]) OR m.id = ANY($3::uuid[]) OR r.builtin = 'administrator'
          OR $4::text = ANY(r.permissions) OR ($5 AND $6::text = ANY(r.permissions)))`;

export function toViewer(row: ViewerRow): Viewer {
  // Administrator always holds the whole catalog, including permissions added after it was stored.
  const permissions = new Set<Permission>(
    row.builtin === 'administrator' ? ALL_PERMISSIONS : row.permissions.filter(isPermission),
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
  };
}

/** Loads active members as Viewers in one query, for requests and for socket fan-out alike. */
@Injectable()
export class ViewerRepository {
  constructor(private readonly ds: DataSource) {}

  /** Inside a transaction pass its manager: a second pool connection per transaction can exhaust the pool. */
  async findActive(orgId: string, memberId: string, em?: EntityManager): Promise<Viewer | null> {
    const [viewer] = await this.findManyActive(orgId, [memberId], em);
    return viewer ?? null;
  }

  async findManyActive(orgId: string, memberIds: readonly string[], em?: EntityManager): Promise<Viewer[]> {
    if (memberIds.length === 0) return [];
    const rows =
      memberIds.length === 1
        ? await preparedQuery<ViewerRow>(em ?? this.ds, VIEWER_BY_ID, [orgId, memberIds[0]])
        : await preparedQuery<ViewerRow>(em ?? this.ds, VIEWER_BY_IDS, [orgId, memberIds]);
    return rows.map(toViewer);
  }

  /**
   * Everyone who could possibly read a conversation (SPEC §8, §3 read backwards), in one
   * query: members of the given units (the ancestors-or-self of its assignee, last assignee,
   * binding and private-session units), the given members (assignment history),
   * `folder.all` holders and, for an open unassigned unbound conversation, `folder.unassigned`
   * holders. The AccessPolicy then keeps the actual readers.
   */
  async findReaderCandidates(orgId: string, unitIds: readonly string[], memberIds: readonly string[], openUnbound: boolean): Promise<Viewer[]> {
    const rows = await preparedQuery<ViewerRow>(this.ds, READER_CANDIDATES, [orgId, unitIds, memberIds, Permission.FolderAll, openUnbound, Permission.FolderUnassigned]);
    return rows.map(toViewer);
  }
}
