import { Injectable, OnModuleInit } from '@nestjs/common';
import { DomainEventSubscriber, isEvent, StoredEvent } from '../../events/domain-events';
import { EventRelay } from '../../events/event-relay';
import { DeliverOutboundMessageJob } from './deliver-outbound-message.job';
import { OutboundQueue } from './outbound.queue';

/**
 * A message stored `queued` (a reply, a binding confirmation) goes to the outbound worker once
 * committed. The job id is the message id, so relaying the event twice enqueues it once; if
 * Redis is unreachable the event stays in the outbox and is relayed again.
 */
@Injectable()
export class OutboundSubscriber implements DomainEventSubscriber, OnModuleInit {
  readonly name = 'outbound';

  constructor(
    private readonly relay: EventRelay,
    private readonly outbound: OutboundQueue,
  ) {}

  onModuleInit(): void {
    this.relay.register(this);
  }

  async handle(events: readonly StoredEvent[]): Promise<void> {
    for (const e of events) {
      if (isEvent(e, 'message.created') && e.data.queued) {
        await this.outbound.enqueue(new DeliverOutboundMessageJob({ orgId: e.orgId, messageId: e.data.messageId }));
      }
    }
  }
}
