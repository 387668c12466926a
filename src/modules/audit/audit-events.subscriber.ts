import { Injectable, OnModuleInit } from '@nestjs/common';
import { DomainEventSubscriber, isEvent, StoredEvent } from '../events/domain-events';
import { EventRelay } from '../events/event-relay';
import { AuditRepository, EventAuditEntry } from './audit.repository';

const VIA_ACTION = { manual: 'conversation.assigned', claim: 'conversation.claimed', routing: 'conversation.routed', handover: 'conversation.handed_over' } as const;

/**
 * The audit entries of inbox work, derived from the recorded events rather than written by
 * each writer: assignments and transfers (manual, claim, routing, handover), unassignments,
 * completions, reopenings, trashing, tag edits and customers binding themselves through a link.
 * Each entry carries its event's id, so an event relayed twice is audited once.
 */
@Injectable()
export class AuditEventsSubscriber implements DomainEventSubscriber, OnModuleInit {
  readonly name = 'audit';

  constructor(
    private readonly relay: EventRelay,
    private readonly audit: AuditRepository,
  ) {}

  onModuleInit(): void {
    this.relay.register(this);
  }

  async handle(events: readonly StoredEvent[]): Promise<void> {
    const byOrg = new Map<string, EventAuditEntry[]>();
    for (const e of events) {
      const entry = toAuditEntry(e);
      if (!entry) continue;
      const list = byOrg.get(e.orgId);
      if (list) list.push(entry);
      else byOrg.set(e.orgId, [entry]);
    }
    for (const [orgId, entries] of byOrg) await this.audit.insertFromEvents(orgId, entries);
  }
}

export function toAuditEntry(e: StoredEvent): EventAuditEntry | null {
  const base = { eventId: e.id, at: e.occurredAt, actorId: e.actorId };
  const conversation = { targetType: 'conversation', targetId: e.conversationId };
  if (isEvent(e, 'conversation.assigned')) {
    const action = e.data.via === 'manual' && e.data.previousAssignmentId ? 'conversation.transferred' : VIA_ACTION[e.data.via];
    return { ...base, ...conversation, action, after: { assigneeId: e.data.memberId, unitId: e.data.unitId, via: e.data.via, note: e.data.note, assignmentId: e.data.assignmentId } };
  }
  if (isEvent(e, 'conversation.assignment_ended') && e.data.reason === 'unassigned') {
    return { ...base, ...conversation, action: 'conversation.unassigned', before: { assigneeId: e.data.memberId, assignmentId: e.data.assignmentId } };
  }
  if (isEvent(e, 'conversation.completed')) return { ...base, ...conversation, action: 'conversation.completed' };
  if (isEvent(e, 'conversation.reopened')) return { ...base, ...conversation, action: 'conversation.reopened' };
  if (isEvent(e, 'conversation.trashed')) return { ...base, ...conversation, action: 'conversation.trashed' };
  // A binding moves its tag too; bindings have their own entries.
  if (isEvent(e, 'customer.updated') && e.actorId && e.data.fields.includes('tags') && !e.data.fields.includes('binding')) {
    return { ...base, targetType: 'customer', targetId: e.customerId, action: 'customer.tags_updated', after: { fields: e.data.fields } };
  }
  if (isEvent(e, 'customer.bound') && e.data.via === 'link') {
    return { ...base, targetType: 'customer', targetId: e.customerId, action: 'customer.self_bound', before: e.data.before, after: e.data.after };
  }
  return null;
}
