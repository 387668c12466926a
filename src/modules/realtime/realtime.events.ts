/** Server → client events on the `/inbox` namespace (SPEC §8). */
export const RealtimeEvent = {
  ConversationUpserted: 'conversation.upserted',
  ConversationRemoved: 'conversation.removed',
  MessageCreated: 'message.created',
  MessageUpdated: 'message.updated',
  CustomerUpdated: 'customer.updated',
  NotificationCreated: 'notification.created',
  PermissionsChanged: 'permissions.changed',
} as const;

export const INBOX_NAMESPACE = '/inbox';
export const memberRoom = (memberId: string) => `member:${memberId}`;
