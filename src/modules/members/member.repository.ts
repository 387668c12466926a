import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';
import { OrgScopedRepository } from '../../infra/database/org-scoped.repository';
import { MemberEntity } from './member.entity';

export interface MemberListFilter {
  unitId?: string;
  roleId?: string;
  status?: string;
  after?: { createdAt: string; id: string };
  limit: number;
}

@Injectable()
export class MemberRepository extends OrgScopedRepository<MemberEntity> {
  constructor(db: Db) {
    super(db, MemberEntity);
  }

  /**
   * The one lookup not scoped by org: login knows only the email, which is unique across
   * orgs. It returns the org id, and everything after login is scoped by it.
   */
  findForLogin(email: string): Promise<(MemberEntity & { passwordHash: string }) | null> {
    return this.repo()
      .createQueryBuilder('m')
      .addSelect('m.passwordHash')
      .where('lower(m.email) = lower(:email)', { email })
      .getOne() as Promise<(MemberEntity & { passwordHash: string }) | null>;
  }

  async list(orgId: string, f: MemberListFilter): Promise<(MemberEntity & { createdKey: string })[]> {
    const qb = this.repo()
      .createQueryBuilder('m')
      .addSelect('m.created_at::text', 'created_key')
      .where('m.org_id = :orgId', { orgId })
      .orderBy('m.created_at', 'ASC')
      .addOrderBy('m.id', 'ASC')
      .limit(f.limit + 1);
    if (f.unitId) qb.andWhere('m.unit_id = :unitId', { unitId: f.unitId });
    if (f.roleId) qb.andWhere('m.role_id = :roleId', { roleId: f.roleId });
    if (f.status) qb.andWhere('m.status = :status', { status: f.status });
    if (f.after) qb.andWhere('(m.created_at, m.id) > (:at::timestamptz, :id::uuid)', { at: f.after.createdAt, id: f.after.id });
    const { entities, raw } = await qb.getRawAndEntities();
    return entities.map((e, i) => Object.assign(e, { createdKey: raw[i].created_key as string }));
  }

  async passwordHash(orgId: string, id: string): Promise<string | null> {
    const [row] = await this.em.query(`SELECT password_hash FROM members WHERE org_id = $1 AND id = $2::uuid AND status = 'active'`, [orgId, id]);
    return row?.password_hash ?? null;
  }

  /**
   * A member's own password change (inside a unit of work): every token issued before is revoked
   * by moving the version on, except the one (by jti) that made the change.
   */
  async changeOwnPassword(orgId: string, id: string, passwordHash: string, keepJti: string | null): Promise<void> {
    await this.db.txManager.query(
      `UPDATE members SET password_hash = $3, token_version = token_version + 1, token_keep_jti = $4, updated_at = now() WHERE org_id = $1 AND id = $2`,
      [orgId, id, passwordHash, keepJti],
    );
  }

  /** Active members holding the Administrator role, locked so two demotions cannot both pass (inside a unit of work). */
  async lockActiveAdministrators(orgId: string): Promise<string[]> {
    const rows: { id: string }[] = await this.db.txManager.query(
      `SELECT m.id FROM members m JOIN roles r ON r.org_id = m.org_id AND r.id = m.role_id
        WHERE m.org_id = $1 AND m.status = 'active' AND r.builtin = 'administrator'
        ORDER BY m.id FOR UPDATE OF m`,
      [orgId],
    );
    return rows.map((r) => r.id);
  }

  async existingChannelAccountIds(orgId: string, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows: { id: string }[] = await this.em.query(
      `SELECT id FROM channel_accounts WHERE org_id = $1 AND id = ANY($2::uuid[])`,
      [orgId, ids],
    );
    return new Set(rows.map((r) => r.id));
  }
}
