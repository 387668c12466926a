import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';
import { updateReturning } from '../../infra/database/returning';
import { escapeLike } from '../units/unit.repository';

export interface AccessRequestRow {
  id: string;
  org_id: string;
  member_id: string;
  permissions: string[];
  duration_minutes: number;
  reason: string;
  conversation_id: string | null;
  status: 'pending' | 'approved' | 'denied';
  decided_by_id: string | null;
  decided_at: Date | null;
  grant_id: string | null;
  created_at: Date;
  created_key: string;
}

const COLUMNS = `r.id, r.org_id, r.member_id, r.permissions, r.duration_minutes, r.reason, r.conversation_id, r.status,
                 r.decided_by_id, r.decided_at, r.grant_id, r.created_at, r.created_at::text AS created_key`;

export interface AccessRequestFilter {
  ownMemberId: string;
  /** Requests of members under this unit path are visible too (the viewer decides them), or null. */
  subtreePath: string | null;
  status?: string;
  after: { at: string; id: string } | null;
  limit: number;
}

/** Owner of `access_requests`. Every statement is scoped by org. */
@Injectable()
export class AccessRequestRepository {
  constructor(private readonly db: Db) {}

  async insert(
    orgId: string,
    r: { memberId: string; permissions: string[]; durationMinutes: number; reason: string; conversationId: string | null },
  ): Promise<AccessRequestRow> {
    const [row] = await this.db.txManager.query(
      `INSERT INTO access_requests AS r (org_id, member_id, permissions, duration_minutes, reason, conversation_id)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [orgId, r.memberId, r.permissions, r.durationMinutes, r.reason, r.conversationId],
    );
    return row;
  }

  /** One request with its requester's unit path, row-locked for the rest of the unit of work. */
  async lock(orgId: string, id: string): Promise<(AccessRequestRow & { member_unit_path: string }) | null> {
    const [row] = await this.db.txManager.query(
      `SELECT ${COLUMNS}, u.path AS member_unit_path
         FROM access_requests r
         JOIN members m ON m.org_id = r.org_id AND m.id = r.member_id
         JOIN units u ON u.org_id = m.org_id AND u.id = m.unit_id
        WHERE r.org_id = $1 AND r.id = $2::uuid
        FOR UPDATE OF r`,
      [orgId, id],
    );
    return row ?? null;
  }

  async decide(orgId: string, id: string, d: { status: 'approved' | 'denied'; decidedById: string; grantId: string | null }): Promise<AccessRequestRow> {
    const [row] = await updateReturning<AccessRequestRow>(
      this.db.txManager,
      `UPDATE access_requests r SET status = $3, decided_by_id = $4, decided_at = now(), grant_id = $5
        WHERE r.org_id = $1 AND r.id = $2 RETURNING ${COLUMNS}`,
      [orgId, id, d.status, d.decidedById, d.grantId],
    );
    return row;
  }

  /** Newest first, keyset on (created_at, id). */
  list(orgId: string, f: AccessRequestFilter): Promise<AccessRequestRow[]> {
    const params: unknown[] = [orgId, f.ownMemberId];
    const add = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = ['r.org_id = $1'];
    where.push(f.subtreePath ? `(r.member_id = $2 OR u.path LIKE ${add(`${escapeLike(f.subtreePath)}%`)})` : 'r.member_id = $2');
    if (f.status) where.push(`r.status = ${add(f.status)}`);
    if (f.after) where.push(`(r.created_at, r.id) < (${add(f.after.at)}::timestamptz, ${add(f.after.id)}::uuid)`);
    return this.db.manager.query(
      `SELECT ${COLUMNS}
         FROM access_requests r
         JOIN members m ON m.org_id = r.org_id AND m.id = r.member_id
         JOIN units u ON u.org_id = m.org_id AND u.id = m.unit_id
        WHERE ${where.join(' AND ')}
        ORDER BY r.created_at DESC, r.id DESC
        LIMIT ${add(f.limit + 1)}`,
      params,
    );
  }

  async conversationExists(orgId: string, conversationId: string): Promise<boolean> {
    const [row] = await this.db.manager.query(`SELECT 1 FROM conversations WHERE org_id = $1 AND id = $2::uuid`, [orgId, conversationId]);
    return !!row;
  }
}
