import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { QueueName } from '../../infra/queue/queues';
import { queueCall } from '../../infra/queue/unavailable';
import { DeliverOutboundMessageJob } from '../channels/outbound/deliver-outbound-message.job';
import { OutboundQueue } from '../channels/outbound/outbound.queue';
import { DomainEventSubscriber, isEvent, StoredEvent } from '../events/domain-events';
import { EventRelay } from '../events/event-relay';

/**
 * `message.delivery_retried` → the delivery job again, through the usual outbound path. The
 * job id is the message id, and the failed job is kept by the queue (`removeOnFail`), so it is
 * removed first: otherwise adding the job again would be a no-op. A job still waiting, delayed
 * or active is left alone (the message is `queued`: it will be sent). Relaying the event twice
 * adds one job. Bounded Redis calls: an outage throws `DependencyUnavailableError`, and the
 * relay keeps the event until Redis answers.
 */
@Injectable()
export class DeliveryRetrySubscriber implements DomainEventSubscriber, OnModuleInit {
  readonly name = 'delivery-retry';

  constructor(
    private readonly relay: EventRelay,
    private readonly outbound: OutboundQueue,
    @InjectQueue(QueueName.Outbound) private readonly queue: Queue,
  ) {}

  onModuleInit(): void {
    this.relay.register(this);
  }

  async handle(events: readonly StoredEvent[]): Promise<void> {
    for (const e of events) {
      if (!isEvent(e, 'message.delivery_retried')) continue;
      const { messageId } = e.data;
      await queueCall(this.queue, `remove finished job ${messageId}`, async () => {
        const job = await this.queue.getJob(messageId);
        if (!job) return;
        const state = await job.getState();
        if (state === 'failed' || state === 'completed') await job.remove();
      });
      await this.outbound.enqueue(new DeliverOutboundMessageJob({ orgId: e.orgId, messageId }));
    }
  }
}
