import { Injectable } from '@nestjs/common';
import type { AssignmentVia } from '../events/domain-events';
import { UnitOfWork } from '../events/unit-of-work';
import { AssignmentEndReason } from './assignment.entity';
import { AssignmentRepository, EndedAssignment } from './assignment.repository';
import { ConversationRepository } from './conversation.repository';
import { MessageEntity } from './message.entity';
import { MessageRepository } from './message.repository';

/**
 * Starting and ending holdings: the one place where an assignment row, the conversation's
 * assignee columns, the private session's closing message and the events move together.
 * Callers hold the conversations' row locks (ConversationRepository.lockForChange).
 */
@Injectable()
export class ConversationAssignments {
  constructor(
    private readonly conversations: ConversationRepository,
    private readonly assignments: AssignmentRepository,
    private readonly messages: MessageRepository,
    private readonly uow: UnitOfWork,
  ) {}

  /** Starts a holding of each conversation by `to`; `previous` maps a conversation to the holding it replaces. */
  async start(
    orgId: string,
    conversationIds: readonly string[],
    to: { memberId: string; unitId: string },
    by: { actorId: string | null; via: AssignmentVia; note: string | null },
    previous: ReadonlyMap<string, string> = new Map(),
  ): Promise<{ id: string; conversationId: string; startedAt: Date }[]> {
    const started = await this.assignments.insertMany(
      orgId,
      conversationIds.map((conversationId) => ({ conversationId, memberId: to.memberId, unitId: to.unitId, assignedById: by.actorId, note: by.note, via: by.via })),
    );
    if (started.length === 0) return [];
    await this.conversations.setAssignee(orgId, conversationIds, { ...to, at: started[0].startedAt });
    for (const a of started) {
      this.uow.record({
        type: 'conversation.assigned',
        orgId,
        actorId: by.actorId,
        conversationId: a.conversationId,
        customerId: null,
        data: { assignmentId: a.id, memberId: to.memberId, unitId: to.unitId, via: by.via, previousAssignmentId: previous.get(a.conversationId) ?? null, note: by.note },
      });
    }
    return started;
  }

  /** Ends the current holding of each conversation; private sessions get their closing message. */
  async end(orgId: string, conversationIds: readonly string[], reason: AssignmentEndReason, actorId: string | null): Promise<{ ended: EndedAssignment[]; closing: MessageEntity[] }> {
    const ended = await this.assignments.endCurrent(orgId, conversationIds, reason, actorId);
    if (ended.length === 0) return { ended, closing: [] };
    await this.conversations.clearAssignee(orgId, ended.map((e) => e.conversationId));
    const closing = await this.messages.closePrivateSessions(orgId, ended);
    for (const e of ended) {
      this.uow.record({
        type: 'conversation.assignment_ended',
        orgId,
        actorId,
        conversationId: e.conversationId,
        customerId: null,
        data: { assignmentId: e.id, memberId: e.memberId, reason },
      });
    }
    return { ended, closing };
  }
}
