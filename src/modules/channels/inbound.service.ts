import { Injectable, Logger } from '@nestjs/common';
import { InboundBindingService } from '../binding/inbound-binding.service';
import { ConversationRepository } from '../conversations/conversation.repository';
import { MessageRepository } from '../conversations/message.repository';
import { PrivateSessionsService } from '../conversations/private-sessions.service';
import { CustomerRepository } from '../customers/customer.repository';
import { UnitOfWork } from '../events/unit-of-work';
import { MediaInboundService } from '../media/media-inbound.service';
import { RoutingService } from '../routing/routing.service';
import { InboundEventRepository } from './inbound-event.repository';
import { CustomerRef, InboundEvent, RejectedInboundEvent } from './providers/inbound-event';
import { excerpt, reasonText } from './providers/normalise';
import { RejectedInboundEventRepository } from './rejected-inbound-event.repository';

export interface InboundAccount {
  id: string;
  orgId: string;
}

export interface IngestResult {
  applied: number;
  skipped: number;
  /** Events of this delivery that can never be stored (recorded in `rejected_inbound_events`). */
  rejected: number;
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
 *
 * One bad event never blocks the others: the parser's rejections are recorded in the same
 * unit of work, and an event that PostgreSQL still refuses (a data or integrity error) is
 * rolled back alone — under its own savepoint — and recorded as rejected too. A connection
 * or timeout error fails the whole webhook, so the provider delivers it again.
 */
@Injectable()
export class InboundService {
  private readonly logger = new Logger('Inbound');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly events: InboundEventRepository,
    private readonly rejections: RejectedInboundEventRepository,
    private readonly customers: CustomerRepository,
    private readonly conversations: ConversationRepository,
    private readonly messages: MessageRepository,
    private readonly privateSessions: PrivateSessionsService,
    private readonly inboundBinding: InboundBindingService,
    private readonly routing: RoutingService,
    private readonly media: MediaInboundService,
  ) {}

  async ingest(account: InboundAccount, events: readonly InboundEvent[], rejected: readonly RejectedInboundEvent[] = []): Promise<IngestResult> {
    if (this.uow.active) return this.applyAll(account, events, rejected, true);
    try {
      // No savepoints on the way every valid webhook takes: two more statements per event for nothing.
      return await this.uow.run(() => this.applyAll(account, events, rejected, false));
    } catch (e) {
      if (!isDataError(e)) throw e;
      // One event's data aborted the transaction (and it rolled back whole): apply them all
      // again, each under a savepoint, so that only the refused one is left out.
      this.logger.warn({ accountId: account.id, code: errorCode(e) }, 'an inbound event was refused by the database: retrying the webhook event by event');
      return this.uow.run(() => this.applyAll(account, events, rejected, true));
    }
  }

  private async applyAll(account: InboundAccount, events: readonly InboundEvent[], parserRejected: readonly RejectedInboundEvent[], isolate: boolean): Promise<IngestResult> {
    const rejected = [...parserRejected];
    const result: IngestResult = { applied: 0, skipped: 0, rejected: 0 };
    for (const event of events) {
      let applied: boolean;
      if (!isolate) {
        applied = await this.claimAndApply(account, event);
      } else {
        try {
          applied = await this.uow.savepoint(() => this.claimAndApply(account, event));
        } catch (e) {
          if (!isDataError(e)) throw e;
          // ROLLBACK TO SAVEPOINT undid its rows (and its claim: a redelivery tries it again,
          // and is recorded once); what it recorded for after commit went with them.
          rejected.push({ eventKey: event.eventKey, reason: reasonText(`database refused the event: ${errorCode(e)} ${(e as Error).message}`), excerpt: excerpt(event) });
          continue;
        }
      }
      if (applied) result.applied++;
      else result.skipped++;
    }
    await this.rejections.record(account, rejected);
    result.rejected = rejected.length;
    return result;
  }

  /** False when the event key was already applied (a redelivery). */
  private async claimAndApply(account: InboundAccount, event: InboundEvent): Promise<boolean> {
    if (!(await this.events.claim(account.id, event.eventKey))) return false;
    await this.apply(account, event);
    return true;
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
    // The usual case, a known customer writing again, costs one statement for both rows.
    const known = await this.conversations.lockByCustomerRef(account.orgId, account.id, who.userId);
    const reuse = known && (who.displayName === undefined || who.displayName === known.customerDisplayName);
    const customer = reuse ? { id: known.conversation.customerId, created: false } : await this.customers.upsertFromProvider(account.orgId, account.id, who.userId, who.displayName);
    const conversation = reuse
      ? Object.assign(known.conversation, { created: false })
      : await this.conversations.ensureForCustomerLocked(account.orgId, customer.id, account.id, who.timestamp);
    // A customer message in a private session is private too (SPEC §4); a reopening message is not.
    const session = conversation.status === 'open' ? await this.privateSessions.decide(conversation, null) : { private: false, unitIds: [] };
    // Reopening or a private session's unit changes who can read it: the fan-out compares with the state before.
    if (!conversation.created && (conversation.status !== 'open' || session.unitIds.length > 0)) await this.conversations.keepStateBefore(conversation);
    // Media: the message points at its attachments' rows, written right after it (docs/media.md).
    const media = this.media.prepare(content.attachments);
    const message = await this.messages.insertInbound(account.orgId, {
      conversationId: conversation.id,
      channelAccountId: account.id,
      ...content,
      attachments: content.attachments.length ? media.views : content.attachments,
      private: session.private,
      createdAt: who.timestamp,
    });
    if (!message) return; // same provider message id under a new event key: still one message
    await this.media.record(message, media);
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
    // Created or reopened by this message: routed in this same unit of work (docs/routing.md).
    if (conversation.created || conversation.status !== 'open') await this.routing.route(account.orgId, conversation.id);
  }
}

/** Unique keys an inbound event may collide on only through a concurrent delivery: the whole webhook fails and its retry finds the key taken. */
const DEDUP_CONSTRAINTS = new Set([
  'inbound_events_pkey',
  'messages_provider_id_uq',
  'customers_channel_account_id_external_id_key',
  'conversations_customer_id_key',
  'rejected_inbound_events_key_uq',
]);

function errorCode(e: unknown): string | undefined {
  const err = e as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = err?.code ?? err?.driverError?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * PostgreSQL refused the data itself — class 22 (data exception: bad encoding, value out of
 * range, invalid JSON…) or 23 (integrity constraint) — other than a dedup conflict: applying
 * the same event again can never succeed. Connection errors, timeouts (57014, 55P03),
 * serialization failures and bugs are not: they fail the webhook.
 */
export function isDataError(e: unknown): boolean {
  const code = errorCode(e);
  if (!code || !/^2[23][0-9A-Z]{3}$/.test(code)) return false;
  const err = e as { constraint?: unknown; driverError?: { constraint?: unknown } };
  const constraint = err.constraint ?? err.driverError?.constraint;
  return !(code === '23505' && typeof constraint === 'string' && DEDUP_CONSTRAINTS.has(constraint));
}

