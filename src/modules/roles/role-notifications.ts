import { BadRequestException, UnprocessableEntityException } from '@nestjs/common';
import {
  NOTIFICATION_CHANNELS,
  NOTIFICATION_EVENT_TYPES,
  NotificationChannel,
  NotificationEventType,
  Permission,
} from '../access/permissions';

/** Which notification events a role can receive at all, given its permissions. */
export function receivableEvents(permissions: ReadonlySet<string>): NotificationEventType[] {
  return NOTIFICATION_EVENT_TYPES.filter((type) => {
    switch (type) {
      case 'customer.bound':
        return permissions.has(Permission.FolderBound) || permissions.has(Permission.FolderSubordinateBound);
      case 'conversation.transfer_timeout':
        return permissions.has(Permission.InboxAccess) && (permissions.has(Permission.ConversationAssign) || permissions.has(Permission.FolderDepartment));
      case 'mention':
        return permissions.has(Permission.InboxAccess);
      case 'access_request':
        return permissions.has(Permission.GrantIssue);
    }
  });
}

/** The role's channels per event: its stored choice, else ['web'], for each event it can receive. */
export function effectiveNotifications(
  permissions: ReadonlySet<string>,
  stored: Record<string, NotificationChannel[]>,
): Record<string, NotificationChannel[]> {
  return Object.fromEntries(receivableEvents(permissions).map((t) => [t, stored[t] ?? ['web']]));
}

/** Validates a notifications patch (400 for unknown names) and refuses settings the role cannot receive (422, seed 003 §6). */
export function validateNotifications(
  patch: Record<string, unknown>,
  permissions: ReadonlySet<string>,
): Record<string, NotificationChannel[]> {
  const out: Record<string, NotificationChannel[]> = {};
  for (const [type, channels] of Object.entries(patch)) {
    if (!(NOTIFICATION_EVENT_TYPES as readonly string[]).includes(type)) {
      throw new BadRequestException(`notifications: unknown event type '${type}' (one of ${NOTIFICATION_EVENT_TYPES.join(', ')})`);
    }
    if (!Array.isArray(channels) || !channels.every((c) => (NOTIFICATION_CHANNELS as readonly unknown[]).includes(c))) {
      throw new BadRequestException(`notifications.${type} must be a list of ${NOTIFICATION_CHANNELS.join(', ')}`);
    }
    const unique = [...new Set(channels as NotificationChannel[])];
    if (unique.length > 0 && !receivableEvents(permissions).includes(type as NotificationEventType)) {
      throw new UnprocessableEntityException(
        type === 'customer.bound'
          ? 'Binding notifications need the role to hold folder.bound or folder.subordinate_bound (綁定客戶 / 下屬綁定客戶)'
          : `This role cannot receive ${type} notifications with its current permissions`,
      );
    }
    out[type] = unique;
  }
  return out;
}
