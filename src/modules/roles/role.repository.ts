import { Db } from '../../infra/database/db';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
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

  findBuiltin(orgId: string, builtin: 'administrator' | 'supervisor' | 'agent', em?: EntityManager): Promise<RoleEntity | null> {
    return this.repo(em).findOneBy({ orgId, builtin });
  }

  async memberCount(orgId: string, roleId: string, em?: EntityManager): Promise<number> {
    const [row] = await (em ?? this.em).query(`SELECT count(*)::int AS n FROM members WHERE org_id = $1 AND role_id = $2`, [orgId, roleId]);
    return row.n;
  }
}
