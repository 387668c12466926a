import { Injectable, Logger } from '@nestjs/common';
import { ConversationRepository } from '../conversations/conversation.repository';
import { MessageRepository } from '../conversations/message.repository';
import { BindingRepository } from './binding.repository';
import { BindingService } from './binding.service';
import { BindingLinkRepository } from './binding-link.repository';
import { bindingConfirmation, findBindingToken } from './binding-token';

/**
 * A customer message or postback carrying a binding token binds the customer (SPEC §5),
 * inside the webhook's unit of work. Unknown, revoked, foreign or mismatched tokens bind
 * nothing and never fail the webhook. The confirmation is stored `queued`; its event hands
 * it to the outbound worker after commit.
 */
@Injectable()
export class InboundBindingService {
  private readonly logger = new Logger('InboundBinding');

  constructor(
    private readonly links: BindingLinkRepository,
    private readonly bindings: BindingRepository,
    private readonly binding: BindingService,
    private readonly messages: MessageRepository,
    private readonly conversations: ConversationRepository,
  ) {}

  /** Whether the text carried a valid token that bound (or re-confirmed) the customer. */
  async tryBind(account: { id: string; orgId: string }, target: { customerId: string; conversationId: string }, text: string | null): Promise<boolean> {
    const token = findBindingToken(text);
    if (!token) return false;
    const link = await this.links.findLiveByToken(token);
    if (!link || link.org_id !== account.orgId || link.channel_account_id !== account.id) {
      this.logger.debug(`ignored binding token ${token} on account ${account.id}`);
      return false;
    }
    // A link made for a member who has left binds to the unit alone.
    const memberId = link.member_id && (await this.bindings.activeMemberUnit(account.orgId, link.member_id)) === link.unit_id ? link.member_id : null;
    const change = await this.binding.apply(account.orgId, target.customerId, link.unit_id, memberId, { via: 'link', actorId: null });
    // Binding again to the same unit and member changes nothing and confirms nothing twice.
    if (!change.changed) return true;
    const confirmation = await this.messages.insertOutgoing(account.orgId, {
      conversationId: target.conversationId,
      channelAccountId: account.id,
      kind: 'system',
      contentType: 'text',
      text: bindingConfirmation(link.unit_name),
      senderMemberId: null,
      private: false,
      status: 'queued',
    });
    await this.conversations.applyOwnMessage(account.orgId, target.conversationId, confirmation.createdAt, confirmation.id, false);
    return true;
  }
}
