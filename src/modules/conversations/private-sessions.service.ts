import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Permission } from '../access/permissions';
import { ViewerRepository } from '../access/viewer.repository';
import type { Viewer } from '../access/viewer';
import { ConversationEntity } from './conversation.entity';
import { MessageEntity } from './message.entity';
import { MessageRepository } from './message.repository';

/**
 * SPEC §4. While the current assignee holds `conversation.private`, every message of the
 * assignment (customer's and agents') is private; unassigned, a member holding it sends
 * private messages. Units of those members feed the `private` folder.
 */
@Injectable()
export class PrivateSessionsService {
  constructor(
    private readonly viewers: ViewerRepository,
    private readonly messages: MessageRepository,
  ) {}

  /** Whether the conversation is in a private session now (the assignee's current role decides). */
  async sessionIsPrivate(conversation: Pick<ConversationEntity, 'orgId' | 'assigneeId'>, em?: EntityManager): Promise<boolean> {
    if (!conversation.assigneeId) return false;
    const assignee = await this.viewers.findActive(conversation.orgId, conversation.assigneeId, em);
    return !!assignee?.permissions.has(Permission.ConversationPrivate);
  }

  /** Private flag and the units to record for a message about to be written. */
  async decide(
    conversation: Pick<ConversationEntity, 'orgId' | 'assigneeId' | 'assigneeUnitId'>,
    sender: Viewer | null,
    em: EntityManager,
  ): Promise<{ private: boolean; unitIds: string[] }> {
    if (conversation.assigneeId) {
      if (!(await this.sessionIsPrivate(conversation, em))) return { private: false, unitIds: [] };
      const unitIds = new Set<string>([conversation.assigneeUnitId!]);
      if (sender) unitIds.add(sender.unitId);
      return { private: true, unitIds: [...unitIds] };
    }
    if (sender?.permissions.has(Permission.ConversationPrivate)) return { private: true, unitIds: [sender.unitId] };
    return { private: false, unitIds: [] };
  }

  async recordUnits(orgId: string, conversationId: string, unitIds: readonly string[], em: EntityManager): Promise<void> {
    if (unitIds.length === 0) return;
    await em.query(
      `INSERT INTO conversation_private_units (org_id, conversation_id, unit_id) SELECT $1, $2, unnest($3::uuid[]) ON CONFLICT DO NOTHING`,
      [orgId, conversationId, unitIds],
    );
  }

  /** When an assignment that held private messages ends, the conversation says so. */
  async closeSession(orgId: string, conversationId: string, startedAt: Date, em: EntityManager): Promise<MessageEntity | null> {
    const [row] = await em.query(
      `SELECT EXISTS (SELECT 1 FROM messages WHERE org_id = $1 AND conversation_id = $2 AND private AND created_at >= $3) AS had`,
      [orgId, conversationId, startedAt],
    );
    if (!row.had) return null;
    const [conv] = await em.query(`SELECT channel_account_id FROM conversations WHERE id = $1`, [conversationId]);
    return this.messages.insertOutgoing(
      orgId,
      { conversationId, channelAccountId: conv.channel_account_id, kind: 'system', text: 'private_session_ended', senderMemberId: null, private: false, status: null },
      em,
    );
  }
}
