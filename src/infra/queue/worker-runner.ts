import { WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { DiscoveryService } from '@nestjs/core';
import { appConfig } from '../config/app.config';

/**
 * Processors are declared with `autorun: false`; this starts them when RUN_WORKERS is true
 * (the API process by default, or `npm run start:worker` alone).
 */
@Injectable()
export class WorkerRunner implements OnApplicationBootstrap {
  private readonly logger = new Logger('WorkerRunner');

  constructor(
    @Inject(appConfig.KEY) private readonly cfg: ConfigType<typeof appConfig>,
    private readonly discovery: DiscoveryService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.cfg.runWorkers) return;
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (instance instanceof WorkerHost && !instance.worker.isRunning()) {
        instance.worker.run().catch((e: Error) => this.logger.error(`worker ${instance.worker.name} stopped: ${e.message}`));
        this.logger.log(`worker ${instance.worker.name} started`);
      }
    }
  }
}
