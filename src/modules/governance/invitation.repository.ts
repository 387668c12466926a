import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';
import { updateReturning } from '../../infra/database/returning';

export interface InvitationRow {
  id: string;
  org_id: string;
  email: string;
  unit_id: string;
  role_id: string;
  invited_by_id: string | null;
  expires_at: Date;
  accepted_at: Date | null;
  member_id: string | null;
  created_at: Date;
}

/** Owner of `invitations`. */
@Injectable()
export class InvitationRepository {
  constructor(private readonly db: Db) {}

  async insert(orgId: string, i: { email: string; unitId: string; roleId: string; invitedById: string; validDays: number }): Promise<InvitationRow> {
    const [row] = await this.db.txManager.query(
      `INSERT INTO invitations (org_id, email, unit_id, role_id, invited_by_id, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(days => $6::int)) RETURNING *`,
      [orgId, i.email, i.unitId, i.roleId, i.invitedById, i.validDays],
    );
    return row;
  }

  async find(orgId: string, id: string): Promise<InvitationRow | null> {
    const [row] = await this.db.manager.query(`SELECT * FROM invitations WHERE org_id = $1 AND id = $2::uuid`, [orgId, id]);
    return row ?? null;
  }

  /** Row-locks one invitation of the org (a resend and an acceptance do not cross). */
  async lock(orgId: string, id: string): Promise<InvitationRow | null> {
    const [row] = await this.db.txManager.query(`SELECT * FROM invitations WHERE org_id = $1 AND id = $2::uuid FOR UPDATE`, [orgId, id]);
    return row ?? null;
  }

  /** A pending invitation valid `validDays` from now again (the link stays the same). */
  async renew(orgId: string, id: string, validDays: number): Promise<InvitationRow> {
    const [row] = await updateReturning<InvitationRow>(this.db.txManager, `UPDATE invitations SET expires_at = now() + make_interval(days => $3::int) WHERE org_id = $1 AND id = $2 RETURNING *`, [orgId, id, validDays]);
    return row;
  }

  /**
   * Acceptance knows only the token (which names the invitation, not the org): the one lookup
   * by id alone, row-locked; everything after it is scoped by the org it returns.
   */
  async lockForAcceptance(id: string): Promise<(InvitationRow & { expired: boolean }) | null> {
    const [row] = await this.db.txManager.query(`SELECT *, expires_at <= now() AS expired FROM invitations WHERE id = $1::uuid FOR UPDATE`, [id]);
    return row ?? null;
  }

  async markAccepted(orgId: string, id: string, memberId: string): Promise<void> {
    await this.db.txManager.query(`UPDATE invitations SET accepted_at = now(), member_id = $3 WHERE org_id = $1 AND id = $2`, [orgId, id, memberId]);
  }

  async emailInUse(email: string): Promise<boolean> {
    const [row] = await this.db.manager.query(`SELECT 1 FROM members WHERE lower(email) = lower($1)`, [email]);
    return !!row;
  }
}
