import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';
import { OrgDirectory } from '../access/org-directory';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { ConversationEntity } from './conversation.entity';
import { recordPrivateUnits } from './private-units.query';

/**
 * SPEC §4. While the current assignee holds `conversation.private`, every message of the
 * assignment (customer's and agents') is private; unassigned, a member holding it sends
 * private messages. Units of those members feed the `private` folder
 * (`conversation_private_units`, owned here).
 */
@Injectable()
export class PrivateSessionsService {
  constructor(
    private readonly db: Db,
    private readonly directory: OrgDirectory,
  ) {}

  /** Whether the conversation is in a private session now (the assignee's current role decides; read from the in-process directory, no query). */
  async sessionIsPrivate(conversation: Pick<ConversationEntity, 'orgId' | 'assigneeId'>): Promise<boolean> {
    if (!conversation.assigneeId) return false;
    const assignee = await this.directory.viewer(conversation.orgId, conversation.assigneeId);
    return !!assignee?.permissions.has(Permission.ConversationPrivate);
  }

  /** Private flag and the units to record for a message about to be written. */
  async decide(conversation: Pick<ConversationEntity, 'orgId' | 'assigneeId' | 'assigneeUnitId'>, sender: Viewer | null): Promise<{ private: boolean; unitIds: string[] }> {
    if (conversation.assigneeId) {
      if (!(await this.sessionIsPrivate(conversation))) return { private: false, unitIds: [] };
      const unitIds = new Set<string>([conversation.assigneeUnitId!]);
      if (sender) unitIds.add(sender.unitId);
      return { private: true, unitIds: [...unitIds] };
    }
    if (sender?.permissions.has(Permission.ConversationPrivate)) return { private: true, unitIds: [sender.unitId] };
    return { private: false, unitIds: [] };
  }

  async recordUnits(orgId: string, conversationId: string, unitIds: readonly string[]): Promise<void> {
    await recordPrivateUnits(this.db.txManager, orgId, conversationId, unitIds);
  }
}
