import { Injectable, NotFoundException } from '@nestjs/common';
import { decodeTimeIdCursor, encodeCursor, Page } from '../../infra/http/pagination';
import { AccessPolicy } from '../access/access.policy';
import { Folder } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { CustomerView, presentCustomer } from '../customers/customer.presenter';
import { CustomerRepository } from '../customers/customer.repository';
import { AssignmentRepository } from './assignment.repository';
import { ConversationSummary } from './conversation.presenter';
import { ConversationRepository } from './conversation.repository';
import { ConversationSummariesService } from './conversation-summaries.service';
import { MessageView, presentMessage } from './message.presenter';
import { MessageRepository } from './message.repository';

export interface ConversationDetail extends Omit<ConversationSummary, 'customer'> {
  customer: CustomerView;
  readOnly: boolean;
  folders: Folder[];
  lastAssigneeId: string | null;
}

@Injectable()
export class ConversationReadService {
  constructor(
    private readonly policy: AccessPolicy,
    private readonly conversations: ConversationRepository,
    private readonly customers: CustomerRepository,
    private readonly messages: MessageRepository,
    private readonly assignments: AssignmentRepository,
    private readonly summaries: ConversationSummariesService,
  ) {}

  /** Detail for one viewer: their folders, readOnly, the customer filtered by their field permissions. */
  async detail(viewer: Viewer, id: string): Promise<ConversationDetail> {
    const grant = await this.policy.requireReadable(viewer, id);
    const conv = await this.conversations.findById(viewer.orgId, id);
    const customer = conv && (await this.customers.findById(viewer.orgId, conv.customerId));
    if (!conv || !customer) throw new NotFoundException('Conversation not found');
    const [summary] = await this.summaries.present(viewer, [{ ...conv, customerDisplayName: customer.displayName }]);
    return {
      ...summary,
      customer: presentCustomer(customer, viewer),
      readOnly: grant.access === 'read',
      folders: grant.folders,
      lastAssigneeId: conv.lastAssigneeId,
    };
  }

  /** After an action the actor may have lost sight of the conversation (e.g. handed it away). */
  async detailAfterAction(viewer: Viewer, id: string): Promise<ConversationDetail | { id: string; readable: false; folders: Folder[]; readOnly: true }> {
    try {
      return await this.detail(viewer, id);
    } catch (e) {
      if (e instanceof NotFoundException) return { id, readable: false, folders: [], readOnly: true };
      throw e;
    }
  }

  /** Messages newest first, keyset on (createdAt, id); private ones redacted for this viewer. */
  async messagesOf(viewer: Viewer, id: string, limit = 50, before?: string): Promise<Page<MessageView>> {
    await this.policy.requireReadable(viewer, id);
    const key = decodeTimeIdCursor(before);
    const rows = await this.messages.pageOf(viewer.orgId, id, limit, key ? { createdAt: key.at, id: key.id } : null);
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const seesPrivate = this.policy.seesPrivateContent(viewer);
    const last = page[page.length - 1];
    return { items: page.map((m) => presentMessage(m, seesPrivate)), nextCursor: more ? encodeCursor([last.createdKey, last.id]) : null };
  }

  async history(viewer: Viewer, id: string) {
    await this.policy.requireReadable(viewer, id);
    const rows = await this.assignments.history(viewer.orgId, id);
    return {
      items: rows.map((a) => ({
        id: a.id,
        memberId: a.memberId,
        unitId: a.unitId,
        assignedById: a.assignedById,
        via: a.via,
        note: a.note,
        startedAt: a.startedAt.toISOString(),
        endedAt: a.endedAt?.toISOString() ?? null,
        endReason: a.endReason,
        endedById: a.endedById,
      })),
    };
  }
}
