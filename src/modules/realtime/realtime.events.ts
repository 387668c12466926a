/** Server → client events on the `/inbox` namespace (SPEC §8). */
export const RealtimeEvent = {
  ConversationUpserted: 'conversation.upserted',
  ConversationRemoved: 'conversation.removed',
  MessageCreated: 'message.created',
  MessageUpdated: 'message.updated',
  CustomerUpdated: 'customer.updated',
  NotificationCreated: 'notification.created',
  PermissionsChanged: 'permissions.changed',
  /** `{ memberId, presence }`: to members of the member's unit, its ancestors and its children. */
  PresenceChanged: 'presence.changed',
  /** `{ reason }`: a reconnect whose missed events cannot be replayed (SPEC §20); the client refetches. */
  Resync: 'resync',
} as const;

export const INBOX_NAMESPACE = '/inbox';
export const memberRoom = (memberId: string) => `member:${memberId}`;
