import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QueueName } from '../../infra/queue/queues';
import { queueCall } from '../../infra/queue/unavailable';
import { DomainEventSubscriber, isEvent, StoredEvent } from '../events/domain-events';
import { EventRelay } from '../events/event-relay';
import { RefreshCustomerProfileJob } from './refresh-customer-profile.job';

const DAY_MS = 86_400_000;

/**
 * A customer message asks for the customer's profile refresh: one job per conversation per
 * day (the job id carries the day, and completed jobs are kept a day so a second add is a
 * no-op); the job itself skips a profile fetched less than 24 h ago.
 */
@Injectable()
export class ProfilesSubscriber implements DomainEventSubscriber, OnModuleInit {
  readonly name = 'profiles';

  constructor(
    private readonly relay: EventRelay,
    @InjectQueue(QueueName.Profiles) private readonly queue: Queue,
  ) {}

  onModuleInit(): void {
    this.relay.register(this);
  }

  async handle(events: readonly StoredEvent[]): Promise<void> {
    const seen = new Set<string>();
    const adds: Promise<unknown>[] = [];
    for (const e of events) {
      if (!isEvent(e, 'message.created') || e.data.direction !== 'in' || !e.conversationId) continue;
      const day = Math.floor(e.occurredAt.getTime() / DAY_MS);
      const jobId = `profile-${e.conversationId}-${day}`;
      if (seen.has(jobId)) continue;
      seen.add(jobId);
      const data: RefreshCustomerProfileJob['data'] = { orgId: e.orgId, conversationId: e.conversationId };
      adds.push(
        queueCall(this.queue, `enqueue ${RefreshCustomerProfileJob.jobName} ${jobId}`, () =>
          this.queue.add(RefreshCustomerProfileJob.jobName, data, {
            jobId,
            // One attempt: a provider that cannot be reached today is asked again with tomorrow's first message.
            attempts: 1,
            removeOnComplete: { age: DAY_MS / 1000 },
            removeOnFail: { age: DAY_MS / 1000 },
          }),
        ),
      );
    }
    const failed = (await Promise.allSettled(adds)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
