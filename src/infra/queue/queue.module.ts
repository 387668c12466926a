import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { Global, Injectable, Logger, Module, OnModuleInit } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { DiscoveryModule, ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { appConfig } from '../config/app.config';
import { redisFailureLogger } from '../redis/socket-recovery';
import { QueueName } from './queues';
import { WorkerRunner } from './worker-runner';

/**
 * Reconnection delay of BullMQ's connections: 0.25 s more per failed attempt, at most 2 s
 * (BullMQ's own default grows to 20 s, which would keep queues away up to 20 s after Redis is back).
 */
export const queueRetryStrategy = (times: number) => Math.min(250 * times, 2000);

/**
 * Every queue's connection errors go to the log (throttled), never to an `error` event nobody
 * listens to. (Workers: WorkerRunner.)
 */
@Injectable()
class QueueErrorListeners implements OnModuleInit {
  private readonly logger = new Logger('Queues');

  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    for (const name of Object.values(QueueName)) {
      const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      queue.on('error', redisFailureLogger(this.logger, `queue ${name} Redis connection`));
    }
  }
}

@Global()
@Module({
  imports: [
    DiscoveryModule,
    BullModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (cfg: ConfigType<typeof appConfig>) => ({
        // maxRetriesPerRequest: null (workers block on Redis): every call made on the relay's path is bounded instead (unavailable.ts).
        connection: { url: cfg.redisUrl, maxRetriesPerRequest: null, retryStrategy: queueRetryStrategy },
        prefix: `${cfg.redisPrefix}:bull`,
      }),
    }),
    BullModule.registerQueue(...Object.values(QueueName).map((name) => ({ name }))),
  ],
  providers: [WorkerRunner, QueueErrorListeners],
  exports: [BullModule],
})
export class QueueModule {}

