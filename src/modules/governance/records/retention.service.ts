import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { Queue } from 'bullmq';
import { appConfig } from '../../../infra/config/app.config';
import { QueueName } from '../../../infra/queue/queues';
import { queueCall } from '../../../infra/queue/unavailable';
import { AuditService } from '../../audit/audit.service';
import { UnitOfWork } from '../../events/unit-of-work';
import { OrgRepository } from '../../orgs/org.repository';
import { ApplyRetentionJob, RetentionSweepJob } from '../governance.jobs';
import { CustomerErasureService } from './customer-erasure.service';
import { RecordsRepository } from './records.repository';

/** Messages per transaction: short enough that the inbox never waits on the sweep. */
export const RETENTION_BATCH = 500;

/**
 * Retention (seed 002): once a day, each org with `retentionDays` loses the messages (and their
 * files) older than that in done and trashed conversations. Idempotent — a second run finds
 * nothing left to delete — and audited with the counts of each run that deleted something.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Retention');

  constructor(
    private readonly records: RecordsRepository,
    private readonly orgs: OrgRepository,
    private readonly erasure: CustomerErasureService,
    private readonly audit: AuditService,
    private readonly uow: UnitOfWork,
    @InjectQueue(QueueName.Retention) private readonly queue: Queue,
    @Inject(appConfig.KEY) private readonly cfg: ConfigType<typeof appConfig>,
  ) {}

  /** The worker process keeps the daily schedule (an upsert: every worker may do it, one schedule results). */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.cfg.runWorkers) return;
    await queueCall(this.queue, 'schedule retention sweep', () =>
      this.queue.upsertJobScheduler('retention-sweep', { pattern: '17 3 * * *' }, { name: RetentionSweepJob.jobName, data: {}, opts: { removeOnComplete: 30, removeOnFail: 30 } }),
    ).catch((e: Error) => this.logger.warn(`retention sweep not scheduled (${e.message}); it will be on the next start`));
  }

  async sweep(): Promise<number> {
    const orgs = await this.records.orgsWithRetention();
    const day = new Date().toISOString().slice(0, 10);
    for (const o of orgs) {
      await queueCall(this.queue, `enqueue ${ApplyRetentionJob.jobName}`, () =>
        this.queue.add(ApplyRetentionJob.jobName, new ApplyRetentionJob({ orgId: o.id }).data, { jobId: `retention-${o.id}-${day}`, attempts: 5, backoff: { type: 'exponential', delay: 5000 }, removeOnComplete: 100, removeOnFail: 100 }),
      );
    }
    return orgs.length;
  }

  /** Applies one org's retention now; returns what it deleted. */
  async apply(orgId: string): Promise<{ messages: number; attachments: number }> {
    const days = (await this.orgs.find(orgId))?.retentionDays;
    if (!days) return { messages: 0, attachments: 0 };
    const total = { messages: 0, attachments: 0 };
    for (;;) {
      const batch = await this.uow.run(() => this.records.deleteExpiredBatch(orgId, days, RETENTION_BATCH));
      await this.erasure.deleteFiles(batch.storageKeys);
      total.messages += batch.messages;
      total.attachments += batch.attachments;
      if (batch.messages < RETENTION_BATCH) break;
    }
    if (total.messages > 0) {
      await this.uow.run(() => this.audit.record(orgId, { actorId: null, action: 'retention.applied', targetType: 'org', targetId: orgId, after: { retentionDays: days, ...total } }));
    }
    return total;
  }
}
