import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import Redis from 'ioredis';
import { appConfig } from '../config/app.config';
import { closeRedis, redisFailureLogger } from './socket-recovery';

export const REDIS = Symbol('REDIS');

@Injectable()
class RedisShutdown implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    // bounded: a Redis that is down at shutdown must not hold the process
    await closeRedis(this.redis);
  }
}

/**
 * One shared ioredis connection for commands (health, caches, probes); queues and the socket
 * adapter open their own. Like every connection of the server it has an `error` listener: a
 * Redis outage is logged (throttled) and ioredis reconnects by itself, never an unhandled
 * `error` event (docs/operations-faults.md).
 */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [appConfig.KEY],
      useFactory: (cfg: ConfigType<typeof appConfig>) => {
        const redis = new Redis(cfg.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false });
        const logger = new Logger('Redis');
        redis.on('error', redisFailureLogger(logger, 'Redis connection'));
        let lost = 0;
        redis.on('close', () => (lost ||= Date.now()));
        redis.on('ready', () => {
          if (lost) logger.log(`Redis connection back after ${Math.round((Date.now() - lost) / 1000)} s`);
          lost = 0;
        });
        return redis;
      },
    },
    RedisShutdown,
  ],
  exports: [REDIS],
})
export class RedisModule {}
