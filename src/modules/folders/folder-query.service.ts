import { Injectable, NotFoundException } from '@nestjs/common';
import { decodeTimeIdCursor, encodeCursor, Page, PageQueryDto } from '../../infra/http/pagination';
import { AccessPolicy } from '../access/access.policy';
import { Folder, FOLDERS } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { ConversationSummary } from '../conversations/conversation.presenter';
import { ConversationSummariesService } from '../conversations/conversation-summaries.service';
import { FolderQuery, SummaryRow } from './folder.query';
import { COUNT_CAP } from './folder.sql';

export interface FolderCount {
  folder: Folder;
  count: number;
  /** True when the folder holds more than `count` (counts are bounded, see docs/folders.md). */
  capped: boolean;
}

const toSource = (r: SummaryRow) => ({
  id: r.id,
  status: r.status,
  channelAccountId: r.channel_account_id,
  customerId: r.customer_id,
  customerDisplayName: r.customer_display_name,
  assigneeId: r.assignee_id,
  assigneeUnitId: r.assignee_unit_id,
  assignedAt: r.assigned_at,
  boundUnitId: r.bound_unit_id,
  lastCustomerMessageAt: r.last_customer_message_at,
  lastAgentReplyAt: r.last_agent_reply_at,
  lastActivityAt: r.last_activity_at,
  lastMessageId: r.last_message_id,
});

@Injectable()
export class FolderQueryService {
  constructor(
    private readonly query: FolderQuery,
    private readonly summaries: ConversationSummariesService,
    private readonly policy: AccessPolicy,
  ) {}

  async counts(viewer: Viewer): Promise<{ items: FolderCount[] }> {
    const folders = this.policy.folders(viewer);
    const counts = await this.query.counts(viewer, folders);
    return {
      items: folders.map((folder) => {
        const n = counts.get(folder) ?? 0;
        return { folder, count: Math.min(n, COUNT_CAP), capped: n > COUNT_CAP };
      }),
    };
  }

  /** One keyset page of a folder, newest first in the folder's own order (SPEC §3). */
  async list(viewer: Viewer, folder: string, page: PageQueryDto): Promise<Page<ConversationSummary>> {
    if (!(FOLDERS as readonly string[]).includes(folder) || !this.policy.folders(viewer).includes(folder as Folder)) {
      throw new NotFoundException(`No folder '${folder}' for you`);
    }
    const limit = page.limit ?? 50;
    const key = decodeTimeIdCursor(page.cursor);
    const rows = await this.query.page(viewer, folder as Folder, limit, key ? { sortKey: key.at, id: key.id } : null);
    const more = rows.length > limit;
    const pageRows = more ? rows.slice(0, limit) : rows;
    const items = await this.summaries.present(viewer, pageRows.map(toSource));
    const last = pageRows[pageRows.length - 1];
    return { items, nextCursor: more ? encodeCursor([last.sort_key, last.id]) : null };
  }
}
