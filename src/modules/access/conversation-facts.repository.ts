import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';
import { preparedQuery } from '../../infra/database/prepared';
import type { ConversationFacts } from './folder-rules';

export interface FactsRow {
  id: string;
  status: ConversationFacts['status'];
  channel_account_id: string;
  assignee_id: string | null;
  assignee_unit_path: string | null;
  last_assignee_id: string | null;
  last_assignee_unit_path: string | null;
  bound_unit_path: string | null;
  home_unit_path: string | null;
  ended_assignee_ids: string[];
  private_unit_paths: string[];
  directory_version: number;
}

/** The facts' columns over `conversations c` (with FACTS_JOINS), for queries that need the facts and more. */
export const FACTS_COLUMNS = `c.id, c.status, c.channel_account_id, c.assignee_id, c.last_assignee_id,
              au.path AS assignee_unit_path, lu.path AS last_assignee_unit_path, bu.path AS bound_unit_path,
              (SELECT hu.path FROM units hu WHERE hu.id = c.home_unit_id) AS home_unit_path,
              coalesce((SELECT array_agg(DISTINCT a.member_id) FROM assignments a
                         WHERE a.conversation_id = c.id AND a.ended_at IS NOT NULL), '{}') AS ended_assignee_ids,
              coalesce((SELECT array_agg(u.path) FROM conversation_private_units p JOIN units u ON u.id = p.unit_id
                         WHERE p.conversation_id = c.id), '{}') AS private_unit_paths,
              (SELECT o.directory_version::int FROM orgs o WHERE o.id = c.org_id) AS directory_version`;
export const FACTS_JOINS = `LEFT JOIN units au ON au.id = c.assignee_unit_id
         LEFT JOIN units lu ON lu.id = c.last_assignee_unit_id
         LEFT JOIN units bu ON bu.id = c.bound_unit_id`;
const FACTS_SELECT = `SELECT ${FACTS_COLUMNS} FROM conversations c ${FACTS_JOINS} WHERE c.org_id = $1`;
const FACTS_ONE = `${FACTS_SELECT} AND c.id = $2::uuid`;
const FACTS_MANY = `${FACTS_SELECT} AND c.id = ANY($2::uuid[])`;

/**
 * Everything the folder rules need about conversations, for any number of ids in ONE query:
 * single reads, bulk checks and socket fan-out all use it.
 */
@Injectable()
export class ConversationFactsRepository {
  constructor(private readonly db: Db) {}

  async load(orgId: string, ids: readonly string[]): Promise<Map<string, ConversationFacts>> {
    if (ids.length === 0) return new Map();
    // One id (every write and fan-out) compares by equality so PostgreSQL settles on a generic plan.
    const rows =
      ids.length === 1
        ? await preparedQuery<FactsRow>(this.db.manager, FACTS_ONE, [orgId, ids[0]])
        : await preparedQuery<FactsRow>(this.db.manager, FACTS_MANY, [orgId, ids]);
    return new Map(rows.map((r) => [r.id, toFacts(r)]));
  }
}

export function toFacts(r: FactsRow): ConversationFacts {
  return {
    status: r.status,
    channelAccountId: r.channel_account_id,
    assigneeId: r.assignee_id,
    assigneeUnitPath: r.assignee_unit_path,
    lastAssigneeId: r.last_assignee_id,
    lastAssigneeUnitPath: r.last_assignee_unit_path,
    boundUnitPath: r.bound_unit_path,
    homeUnitPath: r.home_unit_path,
    endedAssigneeIds: r.ended_assignee_ids,
    privateUnitPaths: r.private_unit_paths,
    directoryVersion: r.directory_version,
  };
}
