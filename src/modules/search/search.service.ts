import { Injectable, NotFoundException } from '@nestjs/common';
import { decodeTimeIdCursor, encodeCursor } from '../../infra/http/pagination';
import { AccessPolicy } from '../access/access.policy';
import type { Folder } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { ConversationSummary } from '../conversations/conversation.presenter';
import { ConversationSummariesService } from '../conversations/conversation-summaries.service';
import { MessageView, presentMessage } from '../conversations/message.presenter';
import { MessageRepository } from '../conversations/message.repository';
import { SearchQueryDto } from './search.dto';
import { SearchConversationsQuery, SearchQuery } from './search.query';
import { snippet } from './snippet';

export interface SearchHit {
  conversation: ConversationSummary;
  message: MessageView | null;
  snippet: string;
}

/**
 * SPEC §15 search: readable conversations (the viewer's folders, through the folder SQL)
 * whose messages, notes or customer name contain q, newest first, one item per conversation.
 */
@Injectable()
export class SearchService {
  constructor(
    private readonly search: SearchQuery,
    private readonly conversations: SearchConversationsQuery,
    private readonly messages: MessageRepository,
    private readonly summaries: ConversationSummariesService,
    private readonly policy: AccessPolicy,
  ) {}

  async find(viewer: Viewer, dto: SearchQueryDto): Promise<{ items: SearchHit[]; nextCursor: string | null }> {
    const available = this.policy.folders(viewer);
    let folders: Folder[] = available;
    if (dto.folder) {
      if (!available.includes(dto.folder)) throw new NotFoundException(`No folder '${dto.folder}' for you`);
      folders = [dto.folder];
    }
    // No folder, nothing readable (and no folder parameters for the query to type).
    if (folders.length === 0) return { items: [], nextCursor: null };
    const limit = dto.limit ?? 20;
    const after = decodeTimeIdCursor(dto.cursor);
    const seesPrivate = this.policy.seesPrivateContent(viewer);
    const rows = await this.search.page(viewer, { q: dto.q, folders, seesPrivate, limit, after });
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;

    const [convs, msgs] = await Promise.all([
      this.conversations.byIds(viewer.orgId, page.map((r) => r.conversation_id)),
      this.messages.findManyById(viewer.orgId, page.map((r) => r.message_id).filter((id): id is string => !!id)),
    ]);
    const convRows = new Map(convs.map((c) => [c.id, c]));
    const present = page.map((r) => convRows.get(r.conversation_id)).filter((c) => !!c);
    const summaries = new Map(
      (
        await this.summaries.present(
          viewer,
          present.map((c) => ({
            id: c.id,
            status: c.status,
            channelAccountId: c.channel_account_id,
            customerId: c.customer_id,
            customerDisplayName: c.customer_display_name,
            assigneeId: c.assignee_id,
            assigneeUnitId: c.assignee_unit_id,
            assignedAt: c.assigned_at,
            boundUnitId: c.bound_unit_id,
            lastCustomerMessageAt: c.last_customer_message_at,
            lastAgentReplyAt: c.last_agent_reply_at,
            lastActivityAt: c.last_activity_at,
            lastMessageId: c.last_message_id,
          })),
        )
      ).map((s) => [s.id, s]),
    );
    const byId = new Map(msgs.map((m) => [m.id, m]));
    const items: SearchHit[] = [];
    for (const r of page) {
      const conversation = summaries.get(r.conversation_id);
      if (!conversation) continue; // deleted between the two statements
      const m = r.message_id ? byId.get(r.message_id) : undefined;
      const message = m ? presentMessage(m, seesPrivate) : null;
      items.push({ conversation, message, snippet: snippet(message?.text ?? conversation.customer.displayName, dto.q) });
    }
    const last = page[page.length - 1];
    return { items, nextCursor: more ? encodeCursor([last.sort_key, last.conversation_id]) : null };
  }
}
