import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QueueName } from '../../infra/queue/queues';
import { queueCall } from '../../infra/queue/unavailable';
import { DomainEventSubscriber, isEvent, StoredEvent } from '../events/domain-events';
import { EventRelay } from '../events/event-relay';
import { GrantExpiryJob, SendInvitationEmailJob } from './governance.jobs';

/** A grant's expiry lands slightly after it, so the database agrees it has expired. */
const EXPIRY_SLACK_MS = 1000;

/**
 * Committed grants → their expiry jobs (revocations cancel them, best effort: a job left behind
 * finds the grant revoked and does nothing). Throws when Redis is unavailable, so the relay
 * keeps the event and schedules again later; the job id makes that idempotent.
 */
@Injectable()
export class GovernanceSubscriber implements DomainEventSubscriber, OnModuleInit {
  readonly name = 'governance';

  constructor(
    private readonly relay: EventRelay,
    @InjectQueue(QueueName.Governance) private readonly queue: Queue,
  ) {}

  onModuleInit(): void {
    this.relay.register(this);
  }

  async handle(events: readonly StoredEvent[]): Promise<void> {
    for (const e of events) {
      if (isEvent(e, 'grant.issued')) {
        const job = new GrantExpiryJob({ orgId: e.orgId, grantId: e.data.grantId });
        const delay = Math.max(0, new Date(e.data.expiresAt).getTime() - Date.now()) + EXPIRY_SLACK_MS;
        await queueCall(this.queue, `schedule ${GrantExpiryJob.jobName}`, () =>
          this.queue.add(GrantExpiryJob.jobName, job.data, {
            jobId: `grant-expiry-${e.data.grantId}`,
            delay,
            attempts: 10,
            backoff: { type: 'exponential', delay: 1000 },
            removeOnComplete: 1000,
            removeOnFail: 5000,
          }),
        );
      } else if (isEvent(e, 'invitation.created') || isEvent(e, 'invitation.resent')) {
        const job = new SendInvitationEmailJob({ orgId: e.orgId, invitationId: e.data.invitationId });
        // One email per event: a resend is a new job, a redelivered event is the same one.
        const jobId = e.type === 'invitation.created' ? `invitation-email-${e.data.invitationId}` : `invitation-email-${e.data.invitationId}-${e.id}`;
        await queueCall(this.queue, `enqueue ${SendInvitationEmailJob.jobName}`, () =>
          this.queue.add(SendInvitationEmailJob.jobName, job.data, {
            jobId,
            attempts: 8,
            backoff: { type: 'exponential', delay: 2000 },
            removeOnComplete: 1000,
            removeOnFail: 5000,
          }),
        );
      } else if (isEvent(e, 'grant.revoked')) {
        await queueCall(this.queue, 'cancel grant expiry', () => this.queue.remove(`grant-expiry-${e.data.grantId}`)).catch(() => undefined);
      }
    }
  }
}
