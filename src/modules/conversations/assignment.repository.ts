import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { Db } from '../../infra/database/db';
import { OrgScopedRepository } from '../../infra/database/org-scoped.repository';
import { preparedQuery } from '../../infra/database/prepared';
import { updateReturning } from '../../infra/database/returning';
import type { AssignmentVia } from '../events/domain-events';
import { AssignmentEndReason, AssignmentEntity } from './assignment.entity';

export interface NewAssignment {
  conversationId: string;
  memberId: string;
  unitId: string;
  assignedById: string | null;
  note: string | null;
  via: AssignmentVia;
}

export interface EndedAssignment {
  id: string;
  conversationId: string;
  memberId: string;
  startedAt: Date;
}

/** Owner of `assignments` (the conversation's own columns are the ConversationRepository's). */
@Injectable()
export class AssignmentRepository extends OrgScopedRepository<AssignmentEntity> {
  constructor(db: Db) {
    super(db, AssignmentEntity);
  }

  history(orgId: string, conversationId: string): Promise<AssignmentEntity[]> {
    return this.repo().find({ where: { orgId, conversationId }, order: { startedAt: 'ASC', id: 'ASC' } });
  }

  current(orgId: string, conversationId: string): Promise<AssignmentEntity | null> {
    return this.repo().findOneBy({ orgId, conversationId, endedAt: IsNull() });
  }

  /** Inserts holdings (one or thousands) in one statement. */
  async insertMany(orgId: string, rows: readonly NewAssignment[]): Promise<{ id: string; conversationId: string; startedAt: Date }[]> {
    if (rows.length === 0) return [];
    const out = await preparedQuery<{ id: string; conversation_id: string; started_at: Date }>(
      this.db.txManager,
      `INSERT INTO assignments (org_id, conversation_id, member_id, unit_id, assigned_by_id, note, via)
       SELECT $1, * FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::text[], $7::text[])
       RETURNING id, conversation_id, started_at`,
      [
        orgId,
        rows.map((r) => r.conversationId),
        rows.map((r) => r.memberId),
        rows.map((r) => r.unitId),
        rows.map((r) => r.assignedById),
        rows.map((r) => r.note),
        rows.map((r) => r.via),
      ],
    );
    return out.map((r) => ({ id: r.id, conversationId: r.conversation_id, startedAt: r.started_at }));
  }

  /** Ends the current holding of each given conversation (those that have one). */
  async endCurrent(orgId: string, conversationIds: readonly string[], reason: AssignmentEndReason, endedById: string | null): Promise<EndedAssignment[]> {
    if (conversationIds.length === 0) return [];
    const rows = await updateReturning<{ id: string; conversation_id: string; member_id: string; started_at: Date }>(
      this.db.txManager,
      `UPDATE assignments SET ended_at = clock_timestamp(), end_reason = $3, ended_by_id = $4
        WHERE org_id = $1 AND conversation_id = ANY($2::uuid[]) AND ended_at IS NULL
        RETURNING id, conversation_id, member_id, started_at`,
      [orgId, conversationIds, reason, endedById],
    );
    return rows.map((r) => ({ id: r.id, conversationId: r.conversation_id, memberId: r.member_id, startedAt: r.started_at }));
  }
}
