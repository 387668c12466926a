import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { DataSource } from 'typeorm';
import { appConfig } from '../../../infra/config/app.config';
import { DeliverOutboundMessageJob } from './deliver-outbound-message.job';
import { OutboundQueue } from './outbound.queue';
import { staleQueuedOutbound } from './outbound-recovery.query';

const SWEEP_EVERY_MS = 60_000;

/**
 * A message is committed before its job is enqueued; if Redis was unreachable in between,
 * the row stays `queued` with no job. Workers sweep for such rows and enqueue them again
 * (job id = message id, so a message that still has its job is not enqueued twice).
 */
@Injectable()
export class OutboundRecoveryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OutboundRecovery');
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(appConfig.KEY) private readonly cfg: ConfigType<typeof appConfig>,
    private readonly ds: DataSource,
    private readonly queue: OutboundQueue,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.cfg.runWorkers) return;
    this.timer = setInterval(() => void this.sweep().catch((e: Error) => this.logger.warn(`sweep failed: ${e.message}`)), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async sweep(olderThanMs = 2 * SWEEP_EVERY_MS): Promise<number> {
    const rows = await staleQueuedOutbound(this.ds, olderThanMs / 1000);
    for (const r of rows) await this.queue.enqueue(new DeliverOutboundMessageJob({ orgId: r.org_id, messageId: r.id }));
    if (rows.length) this.logger.log(`re-enqueued ${rows.length} queued outbound message(s)`);
    return rows.length;
  }
}
