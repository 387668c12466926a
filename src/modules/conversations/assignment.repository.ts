import { Db } from '../../infra/database/db';
import { Injectable } from '@nestjs/common';
import { EntityManager, IsNull } from 'typeorm';
import { OrgScopedRepository } from '../../infra/database/org-scoped.repository';
import { AssignmentEndReason, AssignmentEntity } from './assignment.entity';
import { updateReturning } from '../../infra/database/returning';

@Injectable()
export class AssignmentRepository extends OrgScopedRepository<AssignmentEntity> {
  constructor(db: Db) {
    super(db, AssignmentEntity);
  }

  history(orgId: string, conversationId: string): Promise<AssignmentEntity[]> {
    return this.repo().find({ where: { orgId, conversationId }, order: { startedAt: 'ASC', id: 'ASC' } });
  }

  current(orgId: string, conversationId: string, em?: EntityManager): Promise<AssignmentEntity | null> {
    return this.repo(em).findOneBy({ orgId, conversationId, endedAt: IsNull() });
  }

  /** Starts a holding and points the conversation at it (assignee, unit, times) in the same transaction. */
  async start(
    orgId: string,
    a: { conversationId: string; memberId: string; unitId: string; assignedById: string | null; note: string | null },
    em: EntityManager,
  ): Promise<AssignmentEntity> {
    const [row] = await em.query(
      `INSERT INTO assignments (org_id, conversation_id, member_id, unit_id, assigned_by_id, note)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, started_at`,
      [orgId, a.conversationId, a.memberId, a.unitId, a.assignedById, a.note],
    );
    await em.query(
      `UPDATE conversations SET assignee_id = $3, assignee_unit_id = $4, assigned_at = $5, last_assignee_id = $3,
              last_assignee_unit_id = $4, last_assigned_at = $5, updated_at = now()
        WHERE org_id = $1 AND id = $2`,
      [orgId, a.conversationId, a.memberId, a.unitId, row.started_at],
    );
    return (await this.findById(orgId, row.id, em))!;
  }

  /** Ends the current holding (if any) and clears the conversation's assignee. */
  async endCurrent(orgId: string, conversationId: string, reason: AssignmentEndReason, endedById: string | null, em: EntityManager): Promise<AssignmentEntity | null> {
    const rows = await updateReturning<{ id: string }>(
      em,
      `UPDATE assignments SET ended_at = clock_timestamp(), end_reason = $3, ended_by_id = $4
        WHERE org_id = $1 AND conversation_id = $2 AND ended_at IS NULL RETURNING id`,
      [orgId, conversationId, reason, endedById],
    );
    await em.query(
      `UPDATE conversations SET assignee_id = NULL, assignee_unit_id = NULL, assigned_at = NULL, updated_at = now()
        WHERE org_id = $1 AND id = $2`,
      [orgId, conversationId],
    );
    return rows[0] ? this.findById(orgId, rows[0].id, em) : null;
  }
}
