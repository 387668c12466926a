import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { DiscoveryModule } from '@nestjs/core';
import { appConfig } from '../config/app.config';
import { redisOptionsFromUrl } from '../redis/redis-options';
import { QueueName } from './queues';
import { WorkerRunner } from './worker-runner';

@Global()
@Module({
  imports: [
    DiscoveryModule,
    BullModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (cfg: ConfigType<typeof appConfig>) => ({
        connection: { ...redisOptionsFromUrl(cfg.redisUrl), maxRetriesPerRequest: null },
        prefix: `${cfg.redisPrefix}:bull`,
      }),
    }),
    BullModule.registerQueue(...Object.values(QueueName).map((name) => ({ name }))),
  ],
  providers: [WorkerRunner],
  exports: [BullModule],
})
export class QueueModule {}
