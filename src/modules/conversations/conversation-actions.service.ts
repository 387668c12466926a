import { ConflictException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { withTransactionRetry } from '../../infra/database/transaction-retry';
import { AccessPolicy } from '../access/access.policy';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { ViewerRepository } from '../access/viewer.repository';
import { AssignmentEndReason } from './assignment.entity';
import { AssignmentRepository } from './assignment.repository';
import { ConversationEntity } from './conversation.entity';
import { ConversationRepository } from './conversation.repository';
import { MessageEntity } from './message.entity';
import { MessageRepository } from './message.repository';
import { PrivateSessionsService } from './private-sessions.service';
import { RealtimeService } from '../realtime/realtime.service';
import { NotificationsService } from '../notifications/notifications.service';

export type ConversationAction = 'claim' | 'assign' | 'complete' | 'reopen' | 'trash' | 'unassign';

/** Changes to who holds a conversation and its status, each in one transaction on a locked row. */
@Injectable()
export class ConversationActionsService {
  constructor(
    private readonly ds: DataSource,
    private readonly conversations: ConversationRepository,
    private readonly messages: MessageRepository,
    private readonly assignments: AssignmentRepository,
    private readonly viewers: ViewerRepository,
    private readonly privateSessions: PrivateSessionsService,
    private readonly policy: AccessPolicy,
    private readonly realtime: RealtimeService,
    private readonly notifications: NotificationsService,
  ) {}

  /** Exactly one of two simultaneous claims wins; the other gets 409. */
  claim(viewer: Viewer, id: string): Promise<void> {
    return this.inTx(viewer, id, async (em, conv) => {
      if (conv.status !== 'open' || conv.assigneeId !== null) {
        const conflict = new ConflictException(conv.status === 'open' ? 'This conversation is already assigned' : `The conversation is ${conv.status}`);
        // Readable now: the usual 403s (read-only, no claim permission) come first, then 409.
        if (await this.policy.requireReadable(viewer, id, em).then(() => true, () => false)) {
          await this.policy.requireAction(viewer, id, Permission.ConversationClaim, em);
          throw conflict;
        }
        // No longer readable: the loser of a claim race still gets 409; a stranger gets 404.
        if (await this.policy.couldClaim(viewer, id, em)) throw conflict;
        throw new NotFoundException('Conversation not found');
      }
      await this.policy.requireAction(viewer, id, Permission.ConversationClaim, em);
      await this.assignments.start(viewer.orgId, { conversationId: id, memberId: viewer.memberId, unitId: viewer.unitId, assignedById: viewer.memberId, note: null }, em);
    });
  }

  async assign(viewer: Viewer, id: string, assigneeId: string, note: string | undefined): Promise<void> {
    let assignmentId: string | null = null;
    let previous: string | null = null;
    await this.inTx(viewer, id, async (em, conv, created) => {
      const grant = await this.policy.requireAction(viewer, id, Permission.ConversationAssign, em);
      if (conv.status !== 'open') throw new ConflictException(`The conversation is ${conv.status}; reopen it before assigning`);
      const assignee = await this.viewers.findActive(viewer.orgId, assigneeId);
      if (!this.policy.canBeAssigned(assignee, grant.facts)) {
        throw new UnprocessableEntityException('The assignee must be an active member of this organisation with inbox access whose channel scope covers this conversation');
      }
      if (conv.assigneeId === assigneeId) throw new ConflictException('The conversation is already assigned to this member');
      previous = (await this.assignments.current(viewer.orgId, id, em))?.id ?? null;
      if (conv.assigneeId) await this.end(viewer, conv, 'transferred', em, created);
      const a = await this.assignments.start(viewer.orgId, { conversationId: id, memberId: assignee!.memberId, unitId: assignee!.unitId, assignedById: viewer.memberId, note: note ?? null }, em);
      assignmentId = a.id;
      if (note) created.push(await this.writeNote(viewer, conv, note, a.startedAt, em));
    });
    // Every transfer starts the clock; the previous one's check is moot now.
    if (previous) await this.notifications.cancelTransferTimeout(previous);
    if (assignmentId) await this.notifications.scheduleTransferTimeout(viewer.orgId, assignmentId, await this.conversations.transferTimeoutSeconds(viewer.orgId));
  }

  complete(viewer: Viewer, id: string): Promise<void> {
    return this.inTx(viewer, id, async (em, conv, created) => {
      await this.policy.requireAction(viewer, id, Permission.ConversationComplete, em);
      if (conv.status !== 'open') throw new ConflictException(`The conversation is already ${conv.status}`);
      if (conv.assigneeId) await this.end(viewer, conv, 'completed', em, created);
      await this.conversations.update(viewer.orgId, id, { status: 'done' }, em);
    });
  }

  reopen(viewer: Viewer, id: string): Promise<void> {
    return this.inTx(viewer, id, async (em, conv) => {
      await this.policy.requireAction(viewer, id, Permission.ConversationComplete, em);
      if (conv.status === 'open') throw new ConflictException('The conversation is already open');
      await this.conversations.update(viewer.orgId, id, { status: 'open' }, em);
    });
  }

  trash(viewer: Viewer, id: string): Promise<void> {
    return this.inTx(viewer, id, async (em, conv, created) => {
      await this.policy.requireAction(viewer, id, Permission.ConversationTrash, em);
      if (conv.status === 'trashed') throw new ConflictException('The conversation is already in the trash');
      if (conv.assigneeId) await this.end(viewer, conv, 'unassigned', em, created);
      await this.conversations.update(viewer.orgId, id, { status: 'trashed' }, em);
    });
  }

  unassign(viewer: Viewer, id: string): Promise<void> {
    return this.inTx(viewer, id, async (em, conv, created) => {
      await this.policy.requireAction(viewer, id, Permission.ConversationAssign, em);
      if (!conv.assigneeId) throw new ConflictException('The conversation is not assigned');
      await this.end(viewer, conv, 'unassigned', em, created);
    });
  }

  /** Ends the current assignment; a private session that held private messages gets its closing system message. */
  private async end(viewer: Viewer | null, conv: ConversationEntity, reason: AssignmentEndReason, em: EntityManager, created: MessageEntity[]): Promise<void> {
    const ended = await this.assignments.endCurrent(conv.orgId, conv.id, reason, viewer?.memberId ?? null, em);
    const closing = ended && (await this.privateSessions.closeSession(conv.orgId, conv.id, ended.startedAt, em));
    if (closing) created.push(closing);
  }

  private async writeNote(viewer: Viewer, conv: ConversationEntity, text: string, at: Date, em: EntityManager): Promise<MessageEntity> {
    const fresh = (await this.conversations.findById(conv.orgId, conv.id, em))!;
    const decision = await this.privateSessions.decide(fresh, viewer, em);
    const note = await this.messages.insertOutgoing(
      conv.orgId,
      {
        conversationId: conv.id,
        channelAccountId: conv.channelAccountId,
        kind: 'note',
        text,
        senderMemberId: viewer.memberId,
        private: decision.private,
        status: null,
        createdAt: new Date(Math.max(Date.now(), at.getTime())),
      },
      em,
    );
    await this.privateSessions.recordUnits(conv.orgId, conv.id, decision.unitIds, em);
    return note;
  }

  /**
   * One transaction on the locked row; after commit, the change (state before, messages
   * written) goes to the real-time fan-out.
   */
  private async inTx(viewer: Viewer, id: string, work: (em: EntityManager, conv: ConversationEntity, created: MessageEntity[]) => Promise<void>): Promise<void> {
    const created: MessageEntity[] = [];
    const before = await withTransactionRetry(this.ds, async (em) => {
      created.length = 0;
      // The row lock serializes every change to one conversation (claims, transfers, completes).
      const conv = await this.conversations.lockById(viewer.orgId, id, em);
      if (!conv) throw new NotFoundException('Conversation not found');
      const snapshot = (await this.realtime.snapshot(viewer.orgId, [id], em)).get(id) ?? null;
      await work(em, conv, created);
      return snapshot;
    });
    await this.realtime.conversationChanged({ orgId: viewer.orgId, conversationId: id, before, createdMessages: created });
  }
}
