import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import Redis from 'ioredis';
import { appConfig } from '../config/app.config';

export const REDIS = Symbol('REDIS');

@Injectable()
class RedisShutdown implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** One shared ioredis connection for commands (health, caches); queues and the socket adapter open their own. */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [appConfig.KEY],
      useFactory: (cfg: ConfigType<typeof appConfig>) => new Redis(cfg.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false }),
    },
    RedisShutdown,
  ],
  exports: [REDIS],
})
export class RedisModule {}
