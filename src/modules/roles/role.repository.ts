import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';
import { OrgScopedRepository } from '../../infra/database/org-scoped.repository';
import { RoleEntity } from './role.entity';

@Injectable()
export class RoleRepository extends OrgScopedRepository<RoleEntity> {
  constructor(db: Db) {
    super(db, RoleEntity);
  }

  listAll(orgId: string): Promise<RoleEntity[]> {
    return this.repo().find({ where: { orgId }, order: { createdAt: 'ASC', name: 'ASC' } });
  }

  findBuiltin(orgId: string, builtin: 'administrator' | 'supervisor' | 'agent'): Promise<RoleEntity | null> {
    return this.repo().findOneBy({ orgId, builtin });
  }

  async memberCount(orgId: string, roleId: string): Promise<number> {
    const [row] = await this.em.query(`SELECT count(*)::int AS n FROM members WHERE org_id = $1 AND role_id = $2`, [orgId, roleId]);
    return row.n;
  }

  /** Active members holding the role: their effective permissions follow it. */
  async activeMemberIds(orgId: string, roleId: string): Promise<string[]> {
    const rows: { id: string }[] = await this.em.query(
      `SELECT id FROM members WHERE org_id = $1 AND role_id = $2 AND status = 'active' ORDER BY id`,
      [orgId, roleId],
    );
    return rows.map((r) => r.id);
  }
}
