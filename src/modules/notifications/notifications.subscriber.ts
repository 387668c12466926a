import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConversationRepository } from '../conversations/conversation.repository';
import { MessageRepository } from '../conversations/message.repository';
import { DomainEventSubscriber, isEvent, StoredEvent } from '../events/domain-events';
import { EventRelay } from '../events/event-relay';
import { NotificationsService } from './notifications.service';

/**
 * Committed events → notifications: `customer.bound`, mentions in notes, and the
 * transfer-timeout clock of each manual transfer. Idempotent: notifications are deduplicated
 * by the event's id, jobs by their ids. Throws when Redis or PostgreSQL is unavailable (every
 * BullMQ call is bounded): the relay keeps the events in the outbox and relays them again once
 * it answers (docs/operations-faults.md).
 */
@Injectable()
export class NotificationsSubscriber implements DomainEventSubscriber, OnModuleInit {
  readonly name = 'notifications';

  constructor(
    private readonly relay: EventRelay,
    private readonly notifications: NotificationsService,
    private readonly messages: MessageRepository,
    private readonly conversations: ConversationRepository,
  ) {}

  onModuleInit(): void {
    this.relay.register(this);
  }

  async handle(events: readonly StoredEvent[]): Promise<void> {
    for (const e of events) {
      if (isEvent(e, 'customer.bound') && e.customerId) {
        await this.notifications.customerBound(
          e.orgId,
          {
            customerId: e.customerId,
            conversationId: e.conversationId,
            customerDisplayName: e.data.customerDisplayName,
            unitId: e.data.after.unitId,
            unitName: e.data.unitName,
            memberId: e.data.after.memberId,
            via: e.data.via,
            byMemberId: e.actorId,
          },
          `event-${e.id}`,
        );
      } else if (isEvent(e, 'message.created') && e.data.kind === 'note' && e.data.mentionIds.length > 0) {
        const note = await this.messages.findById(e.orgId, e.data.messageId);
        if (note) await this.notifications.mentioned(e.orgId, note);
      } else if (isEvent(e, 'access_request.created')) {
        await this.notifications.accessRequested(e.orgId, { ...e.data, conversationId: e.conversationId });
      } else if (isEvent(e, 'conversation.assigned') && (e.data.via === 'manual' || e.data.via === 'routing')) {
        // Every transfer starts the clock; the previous holding's check is moot now.
        if (e.data.previousAssignmentId) await this.notifications.cancelTransferTimeout(e.data.previousAssignmentId);
        await this.notifications.scheduleTransferTimeout(e.orgId, e.data.assignmentId, await this.conversations.transferTimeoutSeconds(e.orgId));
      }
    }
  }
}
