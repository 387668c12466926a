import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';
import { updateReturning } from '../../infra/database/returning';
import { escapeLike } from '../units/unit.repository';

export interface GrantRow {
  id: string;
  org_id: string;
  member_id: string;
  permissions: string[];
  issued_by_id: string | null;
  access_request_id: string | null;
  reason: string;
  expires_at: Date;
  revoked_at: Date | null;
  revoked_by_id: string | null;
  expiry_recorded_at: Date | null;
  created_at: Date;
  created_key: string;
}

const COLUMNS = `id, org_id, member_id, permissions, issued_by_id, access_request_id, reason, expires_at, revoked_at,
                 revoked_by_id, expiry_recorded_at, created_at, created_at::text AS created_key`;

const PREFIXED = `g.id, g.org_id, g.member_id, g.permissions, g.issued_by_id, g.access_request_id, g.reason, g.expires_at, g.revoked_at,
                  g.revoked_by_id, g.expiry_recorded_at, g.created_at, g.created_at::text AS created_key`;

export interface GrantFilter {
  /** Units whose members' grants the viewer may see (path prefix), or null: only `ownMemberId`'s. */
  subtreePath: string | null;
  ownMemberId: string;
  memberId?: string;
  activeOnly: boolean;
  after: { at: string; id: string } | null;
  limit: number;
}

/** Owner of `grants`: temporary permissions. Every statement is scoped by org. */
@Injectable()
export class GrantRepository {
  constructor(private readonly db: Db) {}

  async insert(
    orgId: string,
    g: { memberId: string; permissions: string[]; issuedById: string; accessRequestId: string | null; reason: string; durationMinutes: number },
  ): Promise<GrantRow> {
    const [row] = await this.db.txManager.query(
      `INSERT INTO grants (org_id, member_id, permissions, issued_by_id, access_request_id, reason, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, now() + $7::float8 * interval '1 minute')
       RETURNING ${COLUMNS}`,
      [orgId, g.memberId, g.permissions, g.issuedById, g.accessRequestId, g.reason, g.durationMinutes],
    );
    return row;
  }

  /**
   * Grants `issuerId` issued since the start of today in the org's time zone, counted under a
   * per-issuer transaction lock so two concurrent issues cannot both slip under the quota.
   */
  async countIssuedTodayLocked(orgId: string, issuerId: string): Promise<number> {
    const tx = this.db.txManager;
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('grant-quota:' || $1::text, 0))`, [issuerId]);
    const [row] = await tx.query(
      `SELECT count(*)::int AS n FROM grants g
         JOIN orgs o ON o.id = g.org_id
        WHERE g.org_id = $1 AND g.issued_by_id = $2
          AND g.created_at >= (date_trunc('day', now() AT TIME ZONE o.timezone) AT TIME ZONE o.timezone)`,
      [orgId, issuerId],
    );
    return row.n;
  }

  async quotaPerDay(orgId: string): Promise<number> {
    const [row] = await this.db.manager.query(`SELECT grant_quota_per_day AS q FROM orgs WHERE id = $1`, [orgId]);
    return row?.q ?? 5;
  }

  async find(orgId: string, id: string): Promise<(GrantRow & { member_unit_path: string }) | null> {
    const [row] = await this.db.manager.query(
      `SELECT ${PREFIXED}, u.path AS member_unit_path
         FROM grants g JOIN members m ON m.org_id = g.org_id AND m.id = g.member_id JOIN units u ON u.org_id = m.org_id AND u.id = m.unit_id
        WHERE g.org_id = $1 AND g.id = $2::uuid`,
      [orgId, id],
    );
    return row ?? null;
  }

  /** Row-locks one grant for the rest of the unit of work. */
  async lock(orgId: string, id: string): Promise<GrantRow | null> {
    const [row] = await this.db.txManager.query(`SELECT ${COLUMNS} FROM grants WHERE org_id = $1 AND id = $2::uuid FOR UPDATE`, [orgId, id]);
    return row ?? null;
  }

  async revoke(orgId: string, id: string, byId: string): Promise<GrantRow> {
    const [row] = await updateReturning<GrantRow>(
      this.db.txManager,
      `UPDATE grants SET revoked_at = now(), revoked_by_id = $3 WHERE org_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [orgId, id, byId],
    );
    return row;
  }

  async markExpiryRecorded(orgId: string, id: string): Promise<void> {
    await this.db.txManager.query(`UPDATE grants SET expiry_recorded_at = now() WHERE org_id = $1 AND id = $2`, [orgId, id]);
  }

  /** Newest first, keyset on (created_at, id). */
  list(orgId: string, f: GrantFilter): Promise<GrantRow[]> {
    const params: unknown[] = [orgId, f.ownMemberId];
    const add = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = ['g.org_id = $1'];
    where.push(f.subtreePath ? `(g.member_id = $2 OR u.path LIKE ${add(`${escapeLike(f.subtreePath)}%`)})` : 'g.member_id = $2');
    if (f.memberId) where.push(`g.member_id = ${add(f.memberId)}::uuid`);
    if (f.activeOnly) where.push('g.revoked_at IS NULL AND g.expires_at > now()');
    if (f.after) where.push(`(g.created_at, g.id) < (${add(f.after.at)}::timestamptz, ${add(f.after.id)}::uuid)`);
    return this.db.manager.query(
      `SELECT ${PREFIXED}
         FROM grants g
         JOIN members m ON m.org_id = g.org_id AND m.id = g.member_id
         JOIN units u ON u.org_id = m.org_id AND u.id = m.unit_id
        WHERE ${where.join(' AND ')}
        ORDER BY g.created_at DESC, g.id DESC
        LIMIT ${add(f.limit + 1)}`,
      params,
    );
  }
}
