import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { MessageEntity } from '../conversations/message.entity';
import { MessageRepository } from '../conversations/message.repository';
import { BindingLinkRepository } from './binding-link.repository';
import { BindingRepository } from './binding.repository';
import { BindingChange, BindingService } from './binding.service';
import { bindingConfirmation, findBindingToken } from './binding-token';

export interface InboundBinding {
  change: BindingChange;
  unitName: string;
  customerDisplayName: string;
  /** The confirmation, stored `queued`: enqueue it for delivery after commit. */
  confirmation: MessageEntity;
}

/**
 * A customer message or postback carrying a binding token binds the customer (SPEC §5).
 * Unknown, revoked, foreign or mismatched tokens bind nothing and never fail the webhook.
 */
@Injectable()
export class InboundBindingService {
  private readonly logger = new Logger('InboundBinding');

  constructor(
    private readonly links: BindingLinkRepository,
    private readonly bindings: BindingRepository,
    private readonly binding: BindingService,
    private readonly messages: MessageRepository,
  ) {}

  async tryBind(
    account: { id: string; orgId: string },
    target: { customerId: string; conversationId: string },
    text: string | null,
    em: EntityManager,
  ): Promise<InboundBinding | null> {
    const token = findBindingToken(text);
    if (!token) return null;
    const link = await this.links.findLiveByToken(token, em);
    if (!link || link.org_id !== account.orgId || link.channel_account_id !== account.id) {
      this.logger.debug(`ignored binding token ${token} on account ${account.id}`);
      return null;
    }
    const state = await this.bindings.lockCustomer(account.orgId, target.customerId, em);
    if (!state) return null;
    // A link made for a member who has left binds to the unit alone.
    const memberId = link.member_id && (await this.bindings.activeMemberUnit(account.orgId, link.member_id, em)) === link.unit_id ? link.member_id : null;
    const change = await this.binding.applyInTx(account.orgId, state, link.unit_id, memberId, em);
    const confirmation = await this.messages.insertOutgoing(
      account.orgId,
      {
        conversationId: target.conversationId,
        channelAccountId: account.id,
        kind: 'system',
        contentType: 'text',
        text: bindingConfirmation(link.unit_name),
        senderMemberId: null,
        private: false,
        status: 'queued',
      },
      em,
    );
    await em.query(
      `UPDATE conversations SET last_message_id = $3, last_activity_at = greatest(last_activity_at, $4), updated_at = now() WHERE org_id = $1 AND id = $2`,
      [account.orgId, target.conversationId, confirmation.id, confirmation.createdAt],
    );
    return { change, unitName: link.unit_name, customerDisplayName: state.displayName, confirmation };
  }
}
