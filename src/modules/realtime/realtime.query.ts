import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { preparedEntity } from '../../infra/database/prepared';
import { unitAncestorIds } from '../units/unit.entity';
import type { ConversationFacts } from '../access/folder-rules';
import type { Viewer } from '../access/viewer';
import { ViewerRepository } from '../access/viewer.repository';
import { ConversationEntity } from '../conversations/conversation.entity';
import { MessageEntity } from '../conversations/message.entity';
import { CustomerEntity } from '../customers/customer.entity';

/** SQL for real-time fan-out: a constant number of queries per event, whatever the org size. */
@Injectable()
export class RealtimeQuery {
  constructor(
    private readonly ds: DataSource,
    private readonly viewers: ViewerRepository,
  ) {}

  /** The reader candidates of a conversation over several of its states (before and after a change). */
  candidates(orgId: string, states: readonly ConversationFacts[]): Promise<Viewer[]> {
    const unitIds = new Set<string>();
    const memberIds = new Set<string>();
    let openUnbound = false;
    for (const f of states) {
      for (const p of [f.assigneeUnitPath, f.lastAssigneeUnitPath, f.boundUnitPath, ...f.privateUnitPaths]) {
        if (p) unitAncestorIds(p).forEach((id) => unitIds.add(id));
      }
      for (const m of [f.assigneeId, f.lastAssigneeId, ...f.endedAssigneeIds]) if (m) memberIds.add(m);
      if (f.status === 'open' && f.assigneeId === null && f.boundUnitPath === null) openUnbound = true;
    }
    return this.viewers.findReaderCandidates(orgId, [...unitIds], [...memberIds], openUnbound);
  }

  /** `known`: messages the caller already holds (the change's own), so the preview is not read again. */
  async conversation(orgId: string, id: string, known: readonly MessageEntity[] = []): Promise<{ conversation: ConversationEntity; customer: CustomerEntity; lastMessage: MessageEntity | null } | null> {
    const byId = 'org_id = $1 AND id = $2::uuid';
    const conversation = await preparedEntity(this.ds, ConversationEntity, byId, [orgId, id]);
    if (!conversation) return null;
    const [customer, lastMessage] = await Promise.all([
      preparedEntity(this.ds, CustomerEntity, byId, [orgId, conversation.customerId]),
      conversation.lastMessageId
        ? (known.find((m) => m.id === conversation.lastMessageId) ?? preparedEntity(this.ds, MessageEntity, byId, [orgId, conversation.lastMessageId]))
        : null,
    ]);
    return customer ? { conversation, customer, lastMessage } : null;
  }

  async membersWithRole(orgId: string, roleId: string): Promise<string[]> {
    const rows: { id: string }[] = await this.ds.query(`SELECT id FROM members WHERE org_id = $1 AND role_id = $2 AND status = 'active'`, [orgId, roleId]);
    return rows.map((r) => r.id);
  }

  async membersUnder(orgId: string, unitPath: string): Promise<string[]> {
    const rows: { id: string }[] = await this.ds.query(
      `SELECT m.id FROM members m JOIN units u ON u.id = m.unit_id WHERE m.org_id = $1 AND m.status = 'active' AND u.path LIKE $2 || '%'`,
      [orgId, unitPath],
    );
    return rows.map((r) => r.id);
  }
}
