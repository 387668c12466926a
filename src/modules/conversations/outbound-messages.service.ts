import { Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccessPolicy } from '../access/access.policy';
import type { Viewer } from '../access/viewer';
import { ChannelAccountRepository } from '../channels/channel-account.repository';
import { DeliverOutboundMessageJob } from '../channels/outbound/deliver-outbound-message.job';
import { OutboundQueue } from '../channels/outbound/outbound.queue';
import { exceedsTextLimit, TEXT_LIMITS } from '../channels/outbound/provider-client';
import { ConversationRepository } from './conversation.repository';
import { MessageEntity } from './message.entity';
import { MessageView, presentMessage } from './message.presenter';

/** Replies to the customer: stored `queued` in the conversation, then delivered by the outbound worker. */
@Injectable()
export class OutboundMessagesService {
  constructor(
    private readonly ds: DataSource,
    private readonly conversations: ConversationRepository,
    private readonly accounts: ChannelAccountRepository,
    private readonly outbound: OutboundQueue,
    private readonly policy: AccessPolicy,
  ) {}

  async send(viewer: Viewer, conversationId: string, text: string): Promise<MessageView> {
    const message = await this.ds.transaction(async (em) => {
      const conversation = await this.conversations.lockById(viewer.orgId, conversationId, em);
      if (!conversation) throw new NotFoundException('Conversation not found');
      const account = await this.accounts.findById(viewer.orgId, conversation.channelAccountId, em);
      if (!account) throw new NotFoundException('Conversation not found');
      if (exceedsTextLimit(account.type, text)) {
        const l = TEXT_LIMITS[account.type];
        throw new UnprocessableEntityException(`${account.type} accepts at most ${l.max} ${l.unit} per message`);
      }
      const repo = em.getRepository(MessageEntity);
      const saved = await repo.save(
        repo.create({
          orgId: viewer.orgId,
          conversationId,
          channelAccountId: conversation.channelAccountId,
          direction: 'out',
          kind: 'text',
          contentType: 'text',
          text,
          attachments: [],
          senderType: 'member',
          senderMemberId: viewer.memberId,
          private: false,
          status: 'queued',
          attempts: 0,
          createdAt: new Date(),
        }),
      );
      await this.conversations.applyAgentMessage(viewer.orgId, conversationId, saved.createdAt, saved.id, em);
      return saved;
    });
    // Enqueued after commit, so the worker always finds the row it is told about.
    await this.outbound.enqueue(new DeliverOutboundMessageJob({ orgId: viewer.orgId, messageId: message.id }));
    return presentMessage(message, this.policy.seesPrivateContent(viewer));
  }
}
