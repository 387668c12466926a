import type { ConversationFacts } from '../access/folder-rules';
import type { MessageEntity } from '../conversations/message.entity';

/**
 * Every fact a change produces, recorded in the same transaction as the change
 * (`domain_events`), then relayed to subscribers after commit. Reports (SPEC §17) and the
 * audit trail (§18) read the same rows, so each event says who did it and when, and carries
 * ids rather than copies of rows.
 */
export interface DomainEventMap {
  /**
   * A conversation's access-relevant state may have changed (one per conversation per
   * unit of work): `before` is its state when the unit of work first touched it, for
   * `conversation.removed`; the state after is read by whoever relays it.
   */
  'conversation.changed': { before: ConversationFacts | null; createdMessageIds: string[]; updatedMessageIds: string[]; customerChanged: boolean };
  /** A customer message created the conversation or reopened a done/trashed one. */
  'conversation.opened': { reopened: boolean; at: string };
  'conversation.assigned': { assignmentId: string; memberId: string; unitId: string; via: AssignmentVia; previousAssignmentId: string | null; note: string | null };
  'conversation.assignment_ended': { assignmentId: string; memberId: string; reason: string };
  /** A manual transfer's assignee did not reply within `transferTimeoutSeconds` (the transfer-timeout job; reports). */
  'conversation.transfer_timed_out': { assignmentId: string; memberId: string; unitId: string; timeoutSeconds: number };
  'conversation.completed': Record<string, never>;
  'conversation.reopened': Record<string, never>;
  'conversation.trashed': Record<string, never>;
  'message.created': { messageId: string; direction: 'in' | 'out'; kind: 'text' | 'note' | 'system'; private: boolean; queued: boolean; mentionIds: string[] };
  'message.updated': { messageId: string; status: string | null };
  /** An admin asked for a failed delivery to be tried again (it is `queued` again): re-enqueued once committed (docs/operations.md). */
  'message.delivery_retried': { messageId: string };
  /** Attachments written `pending`: each gets its download job (docs/media.md). */
  'attachments.pending': { attachmentIds: string[] };
  /** Profile, tags, follow state or display name. */
  'customer.updated': { fields: string[] };
  'customer.bound': {
    before: { unitId: string | null; memberId: string | null };
    after: { unitId: string; memberId: string | null };
    via: 'link' | 'admin' | 'handover';
    unitName: string;
    customerDisplayName: string;
  };
  'customer.unbound': { before: { unitId: string | null; memberId: string | null } };
  /** Effective permissions changed for these members (role edit, unit move, member edit). */
  'members.permissions_changed': { memberIds: string[] };
  'member.deactivated': { memberId: string; handoverMemberId: string | null };
  /** A member's presence changed (sockets, PUT /me/status, the grace period running out): `presence.changed`, routing. */
  'member.presence_changed': { memberId: string; unitId: string; presence: 'available' | 'away' | 'offline' };
  /** A conversation was transferred to a unit (POST /assign {unitId}): its home unit, then routing. */
  'conversation.transferred_to_unit': { unitId: string; previousAssignmentId: string | null; note: string | null };
  /** A temporary grant was issued; its expiry is scheduled from this event. */
  'grant.issued': { grantId: string; memberId: string; permissions: string[]; expiresAt: string; accessRequestId: string | null };
  'grant.revoked': { grantId: string; memberId: string };
  'grant.expired': { grantId: string; memberId: string };
  /** A member asked for permissions: the approvers are notified. */
  'access_request.created': { requestId: string; memberId: string; permissions: string[]; durationMinutes: number; reason: string };
  /** An invitation was created: its email is sent from this event. */
  'invitation.created': { invitationId: string };
  /** An admin asked for an invitation's email again (its validity renewed): sent from this event. */
  'invitation.resent': { invitationId: string };
  'access_request.decided': { requestId: string; memberId: string; status: 'approved' | 'denied'; grantId: string | null };
  /** Members, roles, units or channel accounts changed: in-process directories reload. */
  'directory.changed': Record<string, never>;
}

/** Events after which in-process directories of members, roles and units must reload. */
export const DIRECTORY_EVENTS: readonly DomainEventType[] = ['directory.changed', 'members.permissions_changed', 'member.deactivated'];

export type AssignmentVia = 'manual' | 'claim' | 'routing' | 'handover';
export type DomainEventType = keyof DomainEventMap;

export interface DomainEventEnvelope<T extends DomainEventType = DomainEventType> {
  type: T;
  orgId: string;
  /** The member who caused it; null for customers, providers and the system. */
  actorId: string | null;
  conversationId: string | null;
  customerId: string | null;
  data: DomainEventMap[T];
}

/** Any event, narrowed by `type`. */
export type DomainEvent = { [T in DomainEventType]: DomainEventEnvelope<T> }[DomainEventType];

/** An event as committed: its id orders it; `local` rides along in memory only (never stored). */
export type StoredEvent = DomainEvent & {
  id: string;
  occurredAt: Date;
  local?: { messages?: readonly MessageEntity[] };
  /** Subscribers that already handled it in an earlier, partly failed relay: not run again. */
  relayedTo?: string[];
};

export function isEvent<T extends DomainEventType>(e: StoredEvent, type: T): e is StoredEvent & DomainEventEnvelope<T> {
  return e.type === type;
}

/** A subscriber receives committed events in commit order, in batches; it must be idempotent. */
export interface DomainEventSubscriber {
  readonly name: string;
  handle(events: readonly StoredEvent[]): Promise<void>;
}
