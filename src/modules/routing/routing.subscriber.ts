import { Injectable, OnModuleInit } from '@nestjs/common';
import { DomainEventSubscriber, isEvent, StoredEvent } from '../events/domain-events';
import { EventRelay } from '../events/event-relay';
import { RoutingService } from './routing.service';

/**
 * Committed events → routing: a member who became available, or whose assignment ended (so
 * they may be below capacity), takes the oldest waiting conversations they could be routed.
 * Idempotent: routing only ever assigns what is still waiting, under its row lock.
 */
@Injectable()
export class RoutingSubscriber implements DomainEventSubscriber, OnModuleInit {
  readonly name = 'routing';

  constructor(
    private readonly relay: EventRelay,
    private readonly routing: RoutingService,
  ) {}

  onModuleInit(): void {
    this.relay.register(this);
  }

  async handle(events: readonly StoredEvent[]): Promise<void> {
    const members = new Map<string, string>();
    for (const e of events) {
      if (isEvent(e, 'member.presence_changed') && e.data.presence === 'available') members.set(e.data.memberId, e.orgId);
      else if (isEvent(e, 'conversation.assignment_ended')) members.set(e.data.memberId, e.orgId);
    }
    for (const [memberId, orgId] of members) await this.routing.fillMember(orgId, memberId);
  }
}
