import { ConflictException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { AccessPolicy } from '../access/access.policy';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { ViewerRepository } from '../access/viewer.repository';
import { UnitOfWork } from '../events/unit-of-work';
import { RoutingService } from '../routing/routing.service';
import { UnitRepository } from '../units/unit.repository';
import { ConversationEntity } from './conversation.entity';
import { ConversationRepository } from './conversation.repository';
import { ConversationAssignments } from './conversation-assignments.service';
import { MessageRepository } from './message.repository';
import { PrivateSessionsService } from './private-sessions.service';

export type ConversationAction = 'claim' | 'assign' | 'complete' | 'reopen' | 'trash' | 'unassign';

/**
 * Changes to who holds a conversation and its status, each one unit of work on the locked
 * row. What happens after commit (sockets, transfer-timeout checks) follows from the events
 * recorded here and by the repositories.
 */
@Injectable()
export class ConversationActionsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly conversations: ConversationRepository,
    private readonly messages: MessageRepository,
    private readonly holdings: ConversationAssignments,
    private readonly viewers: ViewerRepository,
    private readonly privateSessions: PrivateSessionsService,
    private readonly policy: AccessPolicy,
    private readonly routing: RoutingService,
    private readonly units: UnitRepository,
  ) {}

  /** Exactly one of two simultaneous claims wins; the other gets 409. */
  claim(viewer: Viewer, id: string): Promise<void> {
    return this.onLocked(viewer, id, async (conv) => {
      if (conv.status !== 'open' || conv.assigneeId !== null) {
        const conflict = new ConflictException(conv.status === 'open' ? 'This conversation is already assigned' : `The conversation is ${conv.status}`);
        // Readable now: the usual 403s (read-only, no claim permission) come first, then 409.
        if (await this.policy.requireReadable(viewer, id).then(() => true, () => false)) {
          await this.policy.requireAction(viewer, id, Permission.ConversationClaim);
          throw conflict;
        }
        // No longer readable: the loser of a claim race still gets 409; a stranger gets 404.
        if (await this.policy.couldClaim(viewer, id)) throw conflict;
        throw new NotFoundException('Conversation not found');
      }
      await this.policy.requireAction(viewer, id, Permission.ConversationClaim);
      await this.holdings.start(viewer.orgId, [id], { memberId: viewer.memberId, unitId: viewer.unitId }, { actorId: viewer.memberId, via: 'claim', note: null });
    });
  }

  assign(viewer: Viewer, id: string, assigneeId: string, note: string | undefined): Promise<void> {
    return this.onLocked(viewer, id, async (conv) => {
      const grant = await this.policy.requireAction(viewer, id, Permission.ConversationAssign);
      if (conv.status !== 'open') throw new ConflictException(`The conversation is ${conv.status}; reopen it before assigning`);
      const assignee = await this.viewers.findActive(viewer.orgId, assigneeId);
      if (!assignee || !this.policy.canBeAssigned(assignee, grant.facts)) {
        throw new UnprocessableEntityException(
          'The assignee must be an active member of this organisation with inbox access and the Assigned folder (folder.assigned) whose channel scope covers this conversation',
        );
      }
      if (conv.assigneeId === assigneeId) throw new ConflictException('The conversation is already assigned to this member');
      // A transfer to a member ends any transfer to a unit: the home unit falls back to the binding / channel account.
      await this.conversations.setTransferUnit(viewer.orgId, id, null);
      const previous = conv.assigneeId ? (await this.holdings.end(viewer.orgId, [id], 'transferred', viewer.memberId)).ended[0] : undefined;
      const [started] = await this.holdings.start(
        viewer.orgId,
        [id],
        { memberId: assignee.memberId, unitId: assignee.unitId },
        { actorId: viewer.memberId, via: 'manual', note: note ?? null },
        new Map(previous ? [[id, previous.id]] : []),
      );
      if (note) await this.writeNote(viewer, id, note, started.startedAt);
    });
  }

  /**
   * Transfer to a unit (docs/routing.md): ends the current holding, makes the unit the
   * conversation's home unit and routes it there; with nobody to take it, it waits in the
   * unit's (and its ancestors') unassigned folder.
   */
  transferToUnit(viewer: Viewer, id: string, unitId: string, note: string | undefined): Promise<void> {
    return this.onLocked(viewer, id, async (conv) => {
      await this.policy.requireAction(viewer, id, Permission.ConversationAssign);
      if (conv.status !== 'open') throw new ConflictException(`The conversation is ${conv.status}; reopen it before transferring`);
      const unit = await this.units.findById(viewer.orgId, unitId);
      if (!unit) throw new UnprocessableEntityException('unitId does not name a unit of this organisation');
      const previous = conv.assigneeId ? (await this.holdings.end(viewer.orgId, [id], 'transferred', viewer.memberId)).ended[0] : undefined;
      await this.conversations.setTransferUnit(viewer.orgId, id, unitId);
      this.uow.record({
        type: 'conversation.transferred_to_unit',
        orgId: viewer.orgId,
        actorId: viewer.memberId,
        conversationId: id,
        customerId: null,
        data: { unitId, previousAssignmentId: previous?.id ?? null, note: note ?? null },
      });
      await this.routing.route(viewer.orgId, id, previous ? { assignmentId: previous.id } : null);
      if (note) await this.writeNote(viewer, id, note, new Date());
    });
  }

  complete(viewer: Viewer, id: string): Promise<void> {
    return this.onLocked(viewer, id, async (conv) => {
      await this.policy.requireAction(viewer, id, Permission.ConversationComplete);
      if (conv.status !== 'open') throw new ConflictException(`The conversation is already ${conv.status}`);
      if (conv.assigneeId) await this.holdings.end(viewer.orgId, [id], 'completed', viewer.memberId);
      await this.conversations.setStatus(viewer.orgId, id, 'done');
      this.statusEvent(viewer, id, 'conversation.completed');
    });
  }

  reopen(viewer: Viewer, id: string): Promise<void> {
    return this.onLocked(viewer, id, async (conv) => {
      await this.policy.requireAction(viewer, id, Permission.ConversationComplete);
      if (conv.status === 'open') throw new ConflictException('The conversation is already open');
      await this.conversations.setStatus(viewer.orgId, id, 'open');
      this.statusEvent(viewer, id, 'conversation.reopened');
    });
  }

  trash(viewer: Viewer, id: string): Promise<void> {
    return this.onLocked(viewer, id, async (conv) => {
      await this.policy.requireAction(viewer, id, Permission.ConversationTrash);
      if (conv.status === 'trashed') throw new ConflictException('The conversation is already in the trash');
      if (conv.assigneeId) await this.holdings.end(viewer.orgId, [id], 'unassigned', viewer.memberId);
      await this.conversations.setStatus(viewer.orgId, id, 'trashed');
      this.statusEvent(viewer, id, 'conversation.trashed');
    });
  }

  unassign(viewer: Viewer, id: string): Promise<void> {
    return this.onLocked(viewer, id, async (conv) => {
      await this.policy.requireAction(viewer, id, Permission.ConversationAssign);
      if (!conv.assigneeId) throw new ConflictException('The conversation is not assigned');
      await this.holdings.end(viewer.orgId, [id], 'unassigned', viewer.memberId);
    });
  }

  private statusEvent(viewer: Viewer, id: string, type: 'conversation.completed' | 'conversation.reopened' | 'conversation.trashed'): void {
    this.uow.record({ type, orgId: viewer.orgId, actorId: viewer.memberId, conversationId: id, customerId: null, data: {} });
  }

  /** The transfer note, written after the holding starts (the new holder's session decides whether it is private). */
  private async writeNote(viewer: Viewer, id: string, text: string, at: Date): Promise<void> {
    const fresh = (await this.conversations.findById(viewer.orgId, id))!;
    const decision = await this.privateSessions.decide(fresh, viewer);
    const note = await this.messages.insertOutgoing(viewer.orgId, {
      conversationId: id,
      channelAccountId: fresh.channelAccountId,
      kind: 'note',
      text,
      senderMemberId: viewer.memberId,
      private: decision.private,
      status: null,
      createdAt: new Date(Math.max(Date.now(), at.getTime())),
    });
    await this.privateSessions.recordUnits(viewer.orgId, id, decision.unitIds);
    return void note;
  }

  /** One unit of work on the locked row: the row lock serializes every change to one conversation. */
  private onLocked(viewer: Viewer, id: string, work: (conv: ConversationEntity) => Promise<void>): Promise<void> {
    return this.uow.run(async () => {
      const conv = await this.conversations.lockForChange(viewer.orgId, id);
      if (!conv) throw new NotFoundException('Conversation not found');
      await work(conv);
    });
  }
}
