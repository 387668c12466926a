import { Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccessPolicy } from '../access/access.policy';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { ViewerRepository } from '../access/viewer.repository';
import { ChannelAccountRepository } from '../channels/channel-account.repository';
import { DeliverOutboundMessageJob } from '../channels/outbound/deliver-outbound-message.job';
import { OutboundQueue } from '../channels/outbound/outbound.queue';
import { exceedsTextLimit, TEXT_LIMITS } from '../channels/outbound/provider-client';
import { ConversationEntity } from './conversation.entity';
import { ConversationRepository } from './conversation.repository';
import { MessageEntity } from './message.entity';
import { MessageRepository } from './message.repository';
import { MessageView, presentMessage } from './message.presenter';
import { PrivateSessionsService } from './private-sessions.service';
import { RealtimeService } from '../realtime/realtime.service';
import { NotificationsService } from '../notifications/notifications.service';
import type { ConversationFacts } from '../access/folder-rules';

/** Replies to the customer (queued, then delivered by the outbound worker) and internal notes. */
@Injectable()
export class ConversationMessagesService {
  constructor(
    private readonly ds: DataSource,
    private readonly conversations: ConversationRepository,
    private readonly messages: MessageRepository,
    private readonly accounts: ChannelAccountRepository,
    private readonly outbound: OutboundQueue,
    private readonly policy: AccessPolicy,
    private readonly viewers: ViewerRepository,
    private readonly privateSessions: PrivateSessionsService,
    private readonly realtime: RealtimeService,
    private readonly notifications: NotificationsService,
  ) {}

  async reply(viewer: Viewer, conversationId: string, text: string): Promise<MessageView> {
    let before: ConversationFacts | null = null;
    const message = await this.ds.transaction(async (em) => {
      const conv = await this.lock(viewer, conversationId, em);
      before = (await this.realtime.snapshot(viewer.orgId, [conversationId], em)).get(conversationId) ?? null;
      await this.policy.requireAction(viewer, conversationId, Permission.ConversationReply, em);
      const account = await this.accounts.findById(viewer.orgId, conv.channelAccountId, em);
      if (!account) throw new NotFoundException('Conversation not found');
      if (exceedsTextLimit(account.type, text)) {
        const l = TEXT_LIMITS[account.type];
        throw new UnprocessableEntityException(`${account.type} accepts at most ${l.max} ${l.unit} per message`);
      }
      const saved = await this.write(viewer, conv, { kind: 'text', text, status: 'queued', mentionIds: [] }, em);
      await this.conversations.applyAgentMessage(viewer.orgId, conversationId, saved.createdAt, saved.id, em);
      return saved;
    });
    // Enqueued after commit, so the worker always finds the row it is told about.
    await this.outbound.enqueue(new DeliverOutboundMessageJob({ orgId: viewer.orgId, messageId: message.id }));
    await this.realtime.conversationChanged({ orgId: viewer.orgId, conversationId, before, createdMessages: [message] });
    return presentMessage(message, this.policy.seesPrivateContent(viewer));
  }

  /** An internal note: never sent to the customer; @mentions must name members who can read the conversation. */
  async note(viewer: Viewer, conversationId: string, text: string, mentionIds: readonly string[] = []): Promise<MessageView> {
    let before: ConversationFacts | null = null;
    const message = await this.ds.transaction(async (em) => {
      const conv = await this.lock(viewer, conversationId, em);
      before = (await this.realtime.snapshot(viewer.orgId, [conversationId], em)).get(conversationId) ?? null;
      const grant = await this.policy.requireAction(viewer, conversationId, Permission.ConversationNote, em);
      const unique = [...new Set(mentionIds)];
      if (unique.length) {
        const mentioned = await this.viewers.findManyActive(viewer.orgId, unique);
        const readers = new Set(this.policy.readers(mentioned, grant.facts).map((v) => v.memberId));
        const refused = unique.filter((id) => !readers.has(id));
        if (refused.length) {
          throw new UnprocessableEntityException(`These members cannot read this conversation and cannot be mentioned: ${refused.join(', ')}`);
        }
      }
      return this.write(viewer, conv, { kind: 'note', text, status: null, mentionIds: unique }, em);
    });
    await this.realtime.conversationChanged({ orgId: viewer.orgId, conversationId, before, createdMessages: [message] });
    if (message.mentionIds.length) await this.notifications.mentioned(viewer.orgId, message);
    return presentMessage(message, this.policy.seesPrivateContent(viewer));
  }

  private async lock(viewer: Viewer, id: string, em: EntityManager): Promise<ConversationEntity> {
    const conv = await this.conversations.lockById(viewer.orgId, id, em);
    if (!conv) throw new NotFoundException('Conversation not found');
    return conv;
  }

  private async write(
    viewer: Viewer,
    conv: ConversationEntity,
    m: { kind: 'text' | 'note'; text: string; status: 'queued' | null; mentionIds: string[] },
    em: EntityManager,
  ): Promise<MessageEntity> {
    const decision = await this.privateSessions.decide(conv, viewer, em);
    const saved = await this.messages.insertOutgoing(
      viewer.orgId,
      {
        conversationId: conv.id,
        channelAccountId: conv.channelAccountId,
        kind: m.kind,
        text: m.text,
        senderMemberId: viewer.memberId,
        private: decision.private,
        status: m.status,
        mentionIds: m.mentionIds,
      },
      em,
    );
    await this.privateSessions.recordUnits(viewer.orgId, conv.id, decision.unitIds, em);
    return saved;
  }
}
