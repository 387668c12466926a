import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { QueueName } from '../../../infra/queue/queues';
import { DeleteOrphanFilesJob, OrphanFilesSweepJob } from '../governance.jobs';
import { OrphanFilesService } from './orphan-files.service';

/** One org at a time: the sweep is housekeeping and must not compete with the inbox for storage I/O. */
@Processor(QueueName.OrphanFiles, { autorun: false, concurrency: 1 })
export class OrphanFilesProcessor extends WorkerHost {
  private readonly logger = new Logger('OrphanFilesProcessor');

  constructor(private readonly orphans: OrphanFilesService) {
    super();
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    this.logger.warn(`${job?.name} ${job?.id} attempt ${job?.attemptsMade} failed: ${error.message}`);
  }

  async process(job: Job): Promise<void> {
    switch (job.name) {
      case OrphanFilesSweepJob.jobName:
        await this.orphans.sweep();
        return;
      case DeleteOrphanFilesJob.jobName:
        await this.orphans.deleteOrphans((job.data as DeleteOrphanFilesJob['data']).orgId);
        return;
      default:
        throw new UnrecoverableError(`unknown job ${job.name}`);
    }
  }
}
