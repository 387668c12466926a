import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { Queue } from 'bullmq';
import { appConfig } from '../../../infra/config/app.config';
import { QueueName } from '../../../infra/queue/queues';
import { queueCall } from '../../../infra/queue/unavailable';
import { DeliverOutboundMessageJob } from './deliver-outbound-message.job';

@Injectable()
export class OutboundQueue {
  constructor(
    @Inject(appConfig.KEY) private readonly cfg: ConfigType<typeof appConfig>,
    @InjectQueue(QueueName.Outbound) private readonly queue: Queue,
  ) {}

  /**
   * Adds the delivery job (job id = message id: adding it again is a no-op). Bounded: with
   * Redis away BullMQ would wait for it forever, so this rejects with a
   * `DependencyUnavailableError` after QUEUE_CALL_TIMEOUT_MS and the caller's event is retried.
   */
  async enqueue(job: DeliverOutboundMessageJob): Promise<void> {
    await queueCall(this.queue, `enqueue ${DeliverOutboundMessageJob.jobName} ${job.data.messageId}`, () =>
      this.queue.add(DeliverOutboundMessageJob.jobName, job.data, {
        jobId: job.data.messageId,
        attempts: this.cfg.outbound.attempts,
        backoff: { type: 'exponential', delay: this.cfg.outbound.backoffMs },
        removeOnComplete: 1000,
        removeOnFail: 5000,
      }),
    );
  }
}
