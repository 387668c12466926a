import { Injectable, OnModuleInit } from '@nestjs/common';
import { DomainEventSubscriber, isEvent, StoredEvent } from '../../events/domain-events';
import { EventRelay } from '../../events/event-relay';
import { DeliverOutboundMessageJob } from './deliver-outbound-message.job';
import { OutboundQueue } from './outbound.queue';

/**
 * A message stored `queued` (a reply, a binding confirmation) goes to the outbound worker once
 * committed. The job id is the message id, so relaying the event twice enqueues it once. If
 * Redis is unreachable each add gives up after a few seconds (`OutboundQueue.enqueue`) and this
 * throws a `DependencyUnavailableError`: the event stays in the outbox and the relay sends it
 * again once Redis answers (docs/operations-faults.md).
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
    const adds: Promise<void>[] = [];
    for (const e of events) {
      if (isEvent(e, 'message.created') && e.data.queued) {
        adds.push(this.outbound.enqueue(new DeliverOutboundMessageJob({ orgId: e.orgId, messageId: e.data.messageId })));
      }
    }
    // All at once (each bounded): a failure is thrown only after every add has settled, never left unhandled.
    const failed = (await Promise.allSettled(adds)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
