import type { NotificationRow } from './notification.repository';

export interface NotificationView {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  readAt: string | null;
  createdAt: string;
}

export const presentNotification = (n: NotificationRow): NotificationView => ({
  id: n.id,
  type: n.type,
  payload: n.payload,
  readAt: n.read_at ? new Date(n.read_at).toISOString() : null,
  createdAt: new Date(n.created_at).toISOString(),
});

/** Human text for email and push, from the payload only (which is already filtered per recipient). */
export function describe(n: Pick<NotificationRow, 'type' | 'payload'>): { title: string; body: string } {
  const p = n.payload as Record<string, string | null | undefined>;
  switch (n.type) {
    case 'customer.bound':
      return { title: '客戶綁定成功 / Customer bound', body: `${p.customerDisplayName ?? 'A customer'} is now bound to 「${p.unitName ?? ''}」.` };
    case 'conversation.transfer_timeout':
      return { title: '轉指派逾時 / Transfer not answered', body: `A transferred conversation has had no reply from its new assignee for ${p.timeoutSeconds ?? '?'} seconds.` };
    case 'mention':
      return { title: '有人提及您 / You were mentioned', body: p.text ? `${p.text}` : 'You were mentioned in an internal note.' };
    default:
      return { title: 'OmniInbox', body: n.type };
  }
}
