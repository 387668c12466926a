import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { Queue } from 'bullmq';
import { appConfig } from '../../infra/config/app.config';
import { QueueName } from '../../infra/queue/queues';
import { queueCall } from '../../infra/queue/unavailable';
import { FetchAttachmentJob } from './fetch-attachment.job';

@Injectable()
export class MediaQueue {
  constructor(
    @Inject(appConfig.KEY) private readonly cfg: ConfigType<typeof appConfig>,
    @InjectQueue(QueueName.Media) private readonly queue: Queue,
  ) {}

  /** Bounded like every queue call on the relay's path: with Redis away the event is retried later. */
  async enqueue(job: FetchAttachmentJob): Promise<void> {
    await queueCall(this.queue, `enqueue ${FetchAttachmentJob.jobName} ${job.data.attachmentId}`, () =>
      this.queue.add(FetchAttachmentJob.jobName, job.data, {
        jobId: `fetch-${job.data.attachmentId}`,
        attempts: this.cfg.media.fetchAttempts,
        backoff: { type: 'exponential', delay: this.cfg.media.fetchBackoffMs },
        removeOnComplete: 1000,
        removeOnFail: 5000,
      }),
    );
  }
}
