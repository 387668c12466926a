import { Injectable } from '@nestjs/common';
import { InboundBindingService } from '../binding/inbound-binding.service';
import { ConversationRepository } from '../conversations/conversation.repository';
import { MessageRepository } from '../conversations/message.repository';
import { PrivateSessionsService } from '../conversations/private-sessions.service';
import { CustomerRepository } from '../customers/customer.repository';
import { UnitOfWork } from '../events/unit-of-work';
import { InboundEventRepository } from './inbound-event.repository';
import { CustomerRef, InboundEvent } from './providers/inbound-event';

export interface InboundAccount {
  id: string;
  orgId: string;
}

export interface IngestResult {
  applied: number;
  skipped: number;
}

interface CustomerContent {
  providerMessageId: string;
  contentType: string;
  text: string | null;
  attachments: Record<string, unknown>[];
}

/**
 * Applies a webhook's normalized events in ONE unit of work: the provider gets its 200 only
 * after everything is committed, and a redelivered or concurrently duplicated event is a
 * no-op. What follows (sockets, notifications, the binding confirmation's delivery) is
 * relayed from the events recorded here, off the webhook's answer path.
 */
@Injectable()
export class InboundService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly events: InboundEventRepository,
    private readonly customers: CustomerRepository,
    private readonly conversations: ConversationRepository,
    private readonly messages: MessageRepository,
    private readonly privateSessions: PrivateSessionsService,
    private readonly inboundBinding: InboundBindingService,
  ) {}

  ingest(account: InboundAccount, events: readonly InboundEvent[]): Promise<IngestResult> {
    return this.uow.run(async () => {
      const result: IngestResult = { applied: 0, skipped: 0 };
      for (const event of events) {
        if (!(await this.events.claim(account.id, event.eventKey))) {
          result.skipped++;
          continue;
        }
        result.applied++;
        await this.apply(account, event);
      }
      return result;
    });
  }

  private async apply(account: InboundAccount, e: InboundEvent): Promise<void> {
    switch (e.kind) {
      case 'message':
        return this.customerMessage(account, e, { providerMessageId: e.providerMessageId, contentType: e.contentType, text: e.text, attachments: e.attachments });
      case 'postback':
        // A postback is a customer action in the conversation (binding tokens arrive this way too).
        return this.customerMessage(account, e, { providerMessageId: `postback:${e.eventKey}`, contentType: 'postback', text: e.data, attachments: [] });
      case 'follow':
      case 'unfollow': {
        const customer = await this.customers.upsertFromProvider(account.orgId, account.id, e.userId, e.displayName);
        const changed = await this.customers.setFollowed(account.orgId, customer.id, e.kind === 'follow');
        if (changed || customer.created) {
          const conversationId = await this.conversations.idOfCustomer(account.orgId, customer.id);
          this.uow.customerChanged(account.orgId, customer.id, conversationId, ['followed'], null);
        }
        return;
      }
      case 'status':
        await this.messages.applyDeliveryStatus(account.id, e.providerMessageId, e.status, e.error);
        return;
    }
  }

  private async customerMessage(account: InboundAccount, who: CustomerRef & { timestamp: Date }, content: CustomerContent): Promise<void> {
    const customer = await this.customers.upsertFromProvider(account.orgId, account.id, who.userId, who.displayName);
    const conversation = await this.conversations.ensureForCustomerLocked(account.orgId, customer.id, account.id, who.timestamp);
    // A customer message in a private session is private too (SPEC §4); a reopening message is not.
    const session = conversation.status === 'open' ? await this.privateSessions.decide(conversation, null) : { private: false, unitIds: [] };
    // Reopening or a private session's unit changes who can read it: the fan-out compares with the state before.
    if (!conversation.created && (conversation.status !== 'open' || session.unitIds.length > 0)) await this.conversations.keepStateBefore(conversation);
    const message = await this.messages.insertInbound(account.orgId, {
      conversationId: conversation.id,
      channelAccountId: account.id,
      ...content,
      private: session.private,
      createdAt: who.timestamp,
    });
    if (!message) return; // same provider message id under a new event key: still one message
    await this.privateSessions.recordUnits(account.orgId, conversation.id, session.unitIds);
    await this.conversations.applyCustomerMessage(account.orgId, conversation.id, who.timestamp, message.id);
    if (conversation.created || conversation.status !== 'open') {
      this.uow.record({
        type: 'conversation.opened',
        orgId: account.orgId,
        actorId: null,
        conversationId: conversation.id,
        customerId: customer.id,
        data: { reopened: !conversation.created, at: who.timestamp.toISOString() },
      });
    }
    await this.inboundBinding.tryBind(account, { customerId: customer.id, conversationId: conversation.id }, content.text);
  }
}
