import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';
import { OrgScopedRepository } from '../../infra/database/org-scoped.repository';
import { UnitEntity } from './unit.entity';

@Injectable()
export class UnitRepository extends OrgScopedRepository<UnitEntity> {
  constructor(db: Db) {
    super(db, UnitEntity);
  }

  listAll(orgId: string): Promise<UnitEntity[]> {
    return this.repo().find({ where: { orgId }, order: { depth: 'ASC', name: 'ASC' } });
  }

  findRoot(orgId: string): Promise<UnitEntity | null> {
    return this.repo().createQueryBuilder('u').where('u.org_id = :orgId AND u.parent_id IS NULL', { orgId }).getOne();
  }

  /** Deepest depth within the subtree rooted at `path` (the unit itself included). */
  async maxDepthUnder(orgId: string, path: string): Promise<number> {
    const [row] = await this.em.query(
      `SELECT max(depth)::int AS d FROM units WHERE org_id = $1 AND path LIKE $2`,
      [orgId, `${escapeLike(path)}%`],
    );
    return row?.d ?? 0;
  }

  async maxDepth(orgId: string): Promise<number> {
    const [row] = await this.em.query(`SELECT max(depth)::int AS d FROM units WHERE org_id = $1`, [orgId]);
    return row?.d ?? 0;
  }

  /**
   * Re-roots a subtree: every path under `oldPath` now starts with `newPath`, depths shift alike.
   * Half of a move (the parent's update is the other): only inside a unit of work.
   */
  async moveSubtree(orgId: string, oldPath: string, newPath: string, depthDelta: number): Promise<void> {
    await this.db.txManager.query(
      `UPDATE units SET path = $3 || substr(path, length($2) + 1), depth = depth + $4, updated_at = now()
        WHERE org_id = $1 AND path LIKE $5`,
      [orgId, oldPath, newPath, depthDelta, `${escapeLike(oldPath)}%`],
    );
  }

  /** Active members of the unit at `path` and of every unit below it. */
  async activeMemberIdsUnder(orgId: string, path: string): Promise<string[]> {
    const rows: { id: string }[] = await this.em.query(
      `SELECT m.id FROM members m JOIN units u ON u.org_id = m.org_id AND u.id = m.unit_id
        WHERE m.org_id = $1 AND m.status = 'active' AND u.path LIKE $2 ORDER BY m.id`,
      [orgId, `${escapeLike(path)}%`],
    );
    return rows.map((r) => r.id);
  }

  /** What still hangs on a unit (children, members incl. deactivated, bound customers), for the 409 on delete. */
  async usage(orgId: string, unitId: string): Promise<{ children: number; members: number; boundCustomers: number }> {
    const [row] = await this.em.query(
      `SELECT (SELECT count(*)::int FROM units WHERE org_id = $1 AND parent_id = $2) AS children,
              (SELECT count(*)::int FROM members WHERE org_id = $1 AND unit_id = $2) AS members,
              (SELECT count(*)::int FROM customers WHERE org_id = $1 AND bound_unit_id = $2) AS "boundCustomers"`,
      [orgId, unitId],
    );
    return row;
  }
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
