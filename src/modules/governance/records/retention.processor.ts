import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { QueueName } from '../../../infra/queue/queues';
import { ApplyRetentionJob, RetentionSweepJob } from '../governance.jobs';
import { RetentionService } from './retention.service';

@Processor(QueueName.Retention, { autorun: false, concurrency: 1 })
export class RetentionProcessor extends WorkerHost {
  private readonly logger = new Logger('RetentionProcessor');

  constructor(private readonly retention: RetentionService) {
    super();
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    this.logger.warn(`${job?.name} ${job?.id} attempt ${job?.attemptsMade} failed: ${error.message}`);
  }

  async process(job: Job): Promise<void> {
    switch (job.name) {
      case RetentionSweepJob.jobName:
        await this.retention.sweep();
        return;
      case ApplyRetentionJob.jobName: {
        const { orgId } = job.data as ApplyRetentionJob['data'];
        const done = await this.retention.apply(orgId);
        if (done.messages) this.logger.log(`retention: org ${orgId} lost ${done.messages} message(s), ${done.attachments} file(s)`);
        return;
      }
      default:
        throw new UnrecoverableError(`unknown job ${job.name}`);
    }
  }
}
