import { MessageView } from './message.presenter';

export interface ConversationSummary {
  id: string;
  status: 'open' | 'done' | 'trashed';
  channelAccountId: string;
  customer: { id: string; displayName: string };
  assigneeId: string | null;
  assigneeUnitId: string | null;
  assignedAt: string | null;
  boundUnitId: string | null;
  lastCustomerMessageAt: string;
  lastAgentReplyAt: string | null;
  lastActivityAt: string;
  lastMessage: MessageView | null;
}

export interface SummarySource {
  id: string;
  status: 'open' | 'done' | 'trashed';
  channelAccountId: string;
  customerId: string;
  customerDisplayName: string;
  assigneeId: string | null;
  assigneeUnitId: string | null;
  assignedAt: Date | null;
  boundUnitId: string | null;
  lastCustomerMessageAt: Date;
  lastAgentReplyAt: Date | null;
  lastActivityAt: Date;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** `lastMessage` must already be presented for this viewer (redacted when private). */
export function presentSummary(c: SummarySource, lastMessage: MessageView | null): ConversationSummary {
  return {
    id: c.id,
    status: c.status,
    channelAccountId: c.channelAccountId,
    customer: { id: c.customerId, displayName: c.customerDisplayName },
    assigneeId: c.assigneeId,
    assigneeUnitId: c.assigneeUnitId,
    assignedAt: iso(c.assignedAt),
    boundUnitId: c.boundUnitId,
    lastCustomerMessageAt: iso(c.lastCustomerMessageAt)!,
    lastAgentReplyAt: iso(c.lastAgentReplyAt),
    lastActivityAt: iso(c.lastActivityAt)!,
    lastMessage,
  };
}
