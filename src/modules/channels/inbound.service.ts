import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { withTransactionRetry } from '../../infra/database/transaction-retry';
import { ConversationFactsRepository } from '../access/conversation-facts.repository';
import type { ConversationFacts } from '../access/folder-rules';
import { ConversationRepository } from '../conversations/conversation.repository';
import { MessageEntity } from '../conversations/message.entity';
import { MessageRepository } from '../conversations/message.repository';
import { PrivateSessionsService } from '../conversations/private-sessions.service';
import { InboundBinding, InboundBindingService } from '../binding/inbound-binding.service';
import { CustomerRepository } from '../customers/customer.repository';
import { InboundEventRepository } from './inbound-event.repository';
import { CustomerRef, InboundEvent } from './providers/inbound-event';

export interface InboundAccount {
  id: string;
  orgId: string;
}

/** What one webhook changed, for the real-time fan-out after commit. */
export interface IngestResult {
  applied: number;
  skipped: number;
  createdMessages: MessageEntity[];
  updatedMessages: MessageEntity[];
  conversationIds: Set<string>;
  customerIds: Set<string>;
  /** Bindings made by tokens in this webhook (their confirmations are in `outbound`). */
  bindings: InboundBinding[];
  /** Messages stored `queued` that must be enqueued for delivery once committed. */
  outbound: MessageEntity[];
  /** Each touched conversation's state before this webhook (for `conversation.removed`). */
  before: Map<string, ConversationFacts | null>;
}

/**
 * Applies a webhook's normalized events in ONE transaction: the provider gets its 200 only
 * after everything is committed, and a redelivered or concurrently duplicated event is a no-op.
 */
@Injectable()
export class InboundService {
  constructor(
    private readonly ds: DataSource,
    private readonly events: InboundEventRepository,
    private readonly customers: CustomerRepository,
    private readonly conversations: ConversationRepository,
    private readonly messages: MessageRepository,
    private readonly privateSessions: PrivateSessionsService,
    private readonly inboundBinding: InboundBindingService,
    private readonly facts: ConversationFactsRepository,
  ) {}

  ingest(account: InboundAccount, events: readonly InboundEvent[]): Promise<IngestResult> {
    return withTransactionRetry(this.ds, async (em) => {
      const result: IngestResult = {
        applied: 0,
        skipped: 0,
        createdMessages: [],
        updatedMessages: [],
        conversationIds: new Set(),
        customerIds: new Set(),
        bindings: [],
        outbound: [],
        before: new Map(),
      };
      for (const event of events) {
        if (!(await this.events.claim(account.id, event.eventKey, em))) {
          result.skipped++;
          continue;
        }
        result.applied++;
        await this.apply(account, event, em, result);
      }
      return result;
    });
  }

  private async apply(account: InboundAccount, e: InboundEvent, em: EntityManager, out: IngestResult): Promise<void> {
    switch (e.kind) {
      case 'message':
        return this.customerMessage(account, e, { providerMessageId: e.providerMessageId, contentType: e.contentType, text: e.text, attachments: e.attachments }, em, out);
      case 'postback':
        // A postback is a customer action in the conversation (binding tokens arrive this way too).
        return this.customerMessage(account, e, { providerMessageId: `postback:${e.eventKey}`, contentType: 'postback', text: e.data, attachments: [] }, em, out);
      case 'follow':
      case 'unfollow': {
        const customer = await this.customers.upsertFromProvider(account.orgId, account.id, e.userId, e.displayName, em);
        await this.customers.setFollowed(account.orgId, customer.id, e.kind === 'follow', em);
        out.customerIds.add(customer.id);
        return;
      }
      case 'status': {
        const message = await this.messages.applyDeliveryStatus(account.id, e.providerMessageId, e.status, e.error, em);
        if (message) {
          out.updatedMessages.push(message);
          out.conversationIds.add(message.conversationId);
        }
        return;
      }
    }
  }

  private async customerMessage(
    account: InboundAccount,
    who: CustomerRef & { timestamp: Date },
    content: { providerMessageId: string; contentType: string; text: string | null; attachments: Record<string, unknown>[] },
    em: EntityManager,
    out: IngestResult,
  ): Promise<void> {
    const customer = await this.customers.upsertFromProvider(account.orgId, account.id, who.userId, who.displayName, em);
    const conversation = await this.conversations.ensureForCustomerLocked(account.orgId, customer.id, account.id, who.timestamp, em);
    if (!out.before.has(conversation.id)) {
      out.before.set(conversation.id, (await this.facts.load(account.orgId, [conversation.id], em)).get(conversation.id) ?? null);
    }
    // A customer message in a private session is private too (SPEC §4); a reopening message is not.
    const session =
      conversation.status === 'open' ? await this.privateSessions.decide(conversation, null, em) : { private: false, unitIds: [] };
    const message = await this.messages.insertInbound(
      account.orgId,
      { conversationId: conversation.id, channelAccountId: account.id, ...content, private: session.private, createdAt: who.timestamp },
      em,
    );
    if (!message) return; // same provider message id under a new event key: still one message
    await this.privateSessions.recordUnits(account.orgId, conversation.id, session.unitIds, em);
    await this.conversations.applyCustomerMessage(account.orgId, conversation.id, who.timestamp, message.id, em);
    out.createdMessages.push(message);
    out.conversationIds.add(conversation.id);
    out.customerIds.add(customer.id);

    const bound = await this.inboundBinding.tryBind(account, { customerId: customer.id, conversationId: conversation.id }, content.text, em);
    if (bound) {
      out.bindings.push(bound);
      out.outbound.push(bound.confirmation);
      out.createdMessages.push(bound.confirmation);
    }
  }
}
