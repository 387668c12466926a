import { WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { DiscoveryService } from '@nestjs/core';
import { appConfig } from '../config/app.config';
import { redisFailureLogger } from '../redis/socket-recovery';

/**
 * Processors are declared with `autorun: false`; this starts them when RUN_WORKERS is true
 * (the API process by default, or `npm run start:worker` alone). Every worker gets an `error`
 * listener (logged, throttled): during a Redis outage BullMQ keeps reconnecting and the worker
 * resumes by itself once Redis answers.
 */
@Injectable()
export class WorkerRunner implements OnApplicationBootstrap {
  private readonly logger = new Logger('WorkerRunner');

  constructor(
    @Inject(appConfig.KEY) private readonly cfg: ConfigType<typeof appConfig>,
    private readonly discovery: DiscoveryService,
  ) {}

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!(instance instanceof WorkerHost)) continue;
      const worker = instance.worker;
      if (worker.listenerCount('error') === 0) worker.on('error', redisFailureLogger(this.logger, `worker ${worker.name}`));
      if (this.cfg.runWorkers && !worker.isRunning()) {
        const start = (): void => {
          worker.run().catch((e: Error) => {
            if (worker.closing) return;
            // BullMQ rides out connection errors itself; should its loop still end, it is started again.
            this.logger.error(`worker ${worker.name} stopped: ${e.message}; restarting in 2 s`);
            setTimeout(() => {
              if (!worker.closing && !worker.isRunning()) start();
            }, 2000).unref();
          });
        };
        start();
        this.logger.log(`worker ${worker.name} started`);
      }
    }
  }
}
