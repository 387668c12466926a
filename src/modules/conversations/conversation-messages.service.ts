import { Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { AccessPolicy } from '../access/access.policy';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { ViewerRepository } from '../access/viewer.repository';
import { ChannelAccountRepository } from '../channels/channel-account.repository';
import { exceedsTextLimit, TEXT_LIMITS } from '../channels/outbound/provider-client';
import { UnitOfWork } from '../events/unit-of-work';
import { SendWindowService } from '../governance/send-window.service';
import { AttachmentView } from '../media/attachment.view';
import { MediaOutboundService } from '../media/media-outbound.service';
import { assertWhatsAppWindow } from '../media/whatsapp-window';
import { ConversationEntity } from './conversation.entity';
import { ConversationRepository } from './conversation.repository';
import { MessageEntity } from './message.entity';
import { MessageView, presentMessage } from './message.presenter';
import { MessageRepository } from './message.repository';
import { PrivateSessionsService } from './private-sessions.service';

/**
 * Replies to the customer and internal notes. A reply is stored `queued`; its
 * `message.created` event is what hands it to the outbound worker after commit, and a
 * note's event is what notifies the members it mentions.
 */
@Injectable()
export class ConversationMessagesService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly conversations: ConversationRepository,
    private readonly messages: MessageRepository,
    private readonly accounts: ChannelAccountRepository,
    private readonly policy: AccessPolicy,
    private readonly viewers: ViewerRepository,
    private readonly privateSessions: PrivateSessionsService,
    private readonly media: MediaOutboundService,
    private readonly sendWindows: SendWindowService,
  ) {}

  async reply(
    viewer: Viewer,
    conversationId: string,
    text: string,
    attachmentIds: readonly string[] = [],
    template?: { name: string; language: string; components?: unknown[] },
  ): Promise<MessageView> {
    const message = await this.uow.run(async () => {
      const conv = await this.lock(viewer, conversationId);
      await this.policy.requireAction(viewer, conversationId, Permission.ConversationReply);
      await this.sendWindows.assertOpen(viewer);
      const account = await this.accounts.findById(viewer.orgId, conv.channelAccountId);
      if (!account) throw new NotFoundException('Conversation not found');
      if (exceedsTextLimit(account.type, text)) {
        const l = TEXT_LIMITS[account.type];
        throw new UnprocessableEntityException(`${account.type} accepts at most ${l.max} ${l.unit} per message`);
      }
      assertWhatsAppWindow(account.type, conv.lastCustomerMessageAt, !!template);
      // Media (docs/media.md): the viewer's own uploads, not sent yet, become part of this reply.
      const attachments = attachmentIds.length ? await this.media.claim(viewer.orgId, viewer.memberId, attachmentIds) : [];
      const saved = await this.write(viewer, conv, { kind: 'text', text: text || (template ? `[template] ${template.name}` : ''), status: 'queued', mentionIds: [], attachments, template });
      if (attachments.length) await this.media.link(viewer.orgId, attachmentIds, saved.id, conv.channelAccountId);
      await this.conversations.applyOwnMessage(viewer.orgId, conversationId, saved.createdAt, saved.id, true);
      return saved;
    });
    return presentMessage(message, this.policy.seesPrivateContent(viewer));
  }

  /** An internal note: never sent to the customer; @mentions must name members who can read the conversation. */
  async note(viewer: Viewer, conversationId: string, text: string, mentionIds: readonly string[] = []): Promise<MessageView> {
    const message = await this.uow.run(async () => {
      const conv = await this.lock(viewer, conversationId);
      const grant = await this.policy.requireAction(viewer, conversationId, Permission.ConversationNote);
      const unique = [...new Set(mentionIds)];
      if (unique.length) {
        const mentioned = await this.viewers.findManyActive(viewer.orgId, unique);
        const readers = new Set(this.policy.readers(mentioned, grant.facts).map((v) => v.memberId));
        const refused = unique.filter((id) => !readers.has(id));
        if (refused.length) {
          throw new UnprocessableEntityException(`These members cannot read this conversation and cannot be mentioned: ${refused.join(', ')}`);
        }
      }
      return this.write(viewer, conv, { kind: 'note', text, status: null, mentionIds: unique });
    });
    return presentMessage(message, this.policy.seesPrivateContent(viewer));
  }

  private async lock(viewer: Viewer, id: string): Promise<ConversationEntity> {
    const conv = await this.conversations.lockForChange(viewer.orgId, id);
    if (!conv) throw new NotFoundException('Conversation not found');
    return conv;
  }

  private async write(
    viewer: Viewer,
    conv: ConversationEntity,
    m: { kind: 'text' | 'note'; text: string; status: 'queued' | null; mentionIds: string[]; attachments?: AttachmentView[]; template?: { name: string; language: string; components?: unknown[] } },
  ): Promise<MessageEntity> {
    const decision = await this.privateSessions.decide(conv, viewer);
    const saved = await this.messages.insertOutgoing(viewer.orgId, {
      conversationId: conv.id,
      channelAccountId: conv.channelAccountId,
      kind: m.kind,
      text: m.text,
      senderMemberId: viewer.memberId,
      private: decision.private,
      status: m.status,
      mentionIds: m.mentionIds,
      ...(m.template ? { template: m.template, contentType: 'template' } : {}),
      ...(m.attachments?.length
        ? { attachments: m.attachments as unknown as Record<string, unknown>[], contentType: m.text ? 'text' : m.attachments[0].type }
        : {}),
    });
    await this.privateSessions.recordUnits(viewer.orgId, conv.id, decision.unitIds);
    return saved;
  }
}
