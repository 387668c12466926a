import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import Redis from 'ioredis';
import { appConfig } from '../../infra/config/app.config';
import { REDIS } from '../../infra/redis/redis.module';
import { closeRedis } from '../../infra/redis/socket-recovery';

/** The longest a credential request waits for the throttle counters before it is let through. */
export const THROTTLE_REDIS_TIMEOUT_MS = 500;

/**
 * Never lets a throttle-storage failure decide a login: a storage that fails or does not answer
 * within `timeoutMs` counts the request as allowed (fail open) and logs a warning, at most once
 * per `warnEveryMs` (with the number of requests let through meanwhile). Failing closed would
 * lock every member out for as long as Redis is down; failing open only suspends brute-force
 * protection for that time, and the request still needs the right password.
 */
export class FailOpenThrottlerStorage implements ThrottlerStorage {
  private lastWarn = 0;
  private suppressed = 0;

  constructor(
    private readonly inner: ThrottlerStorage,
    private readonly logger: Pick<Logger, 'warn'>,
    private readonly timeoutMs = THROTTLE_REDIS_TIMEOUT_MS,
    private readonly warnEveryMs = 10_000,
  ) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      return await Promise.race([this.inner.increment(key, ttl, limit, blockDuration, throttlerName), timeout]);
    } catch (e) {
      this.warn(throttlerName, e);
      return { totalHits: 0, timeToExpire: Math.ceil(ttl / 1000), isBlocked: false, timeToBlockExpire: 0 };
    } finally {
      clearTimeout(timer);
    }
  }

  private warn(throttlerName: string, e: unknown): void {
    const now = Date.now();
    if (now - this.lastWarn < this.warnEveryMs) {
      this.suppressed++;
      return;
    }
    const more = this.suppressed > 0 ? ` (+${this.suppressed} more since the last warning)` : '';
    this.lastWarn = now;
    this.suppressed = 0;
    const why = e instanceof Error ? e.message : String(e);
    this.logger.warn(`Login throttle storage unavailable (${why}): "${throttlerName}" request let through unthrottled${more}`);
  }
}

/**
 * Login-throttle counters in Redis, shared by every API process (`@nest-lab/throttler-storage-redis`:
 * one atomic Lua script per hit), under `<REDIS_PREFIX>:throttle:`. Its own connection carries
 * that key prefix and a command timeout; failures fail open (FailOpenThrottlerStorage).
 */
@Injectable()
export class RedisThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger('LoginThrottle');
  private readonly redis: Redis;
  private readonly storage: ThrottlerStorage;

  constructor(@Inject(REDIS) shared: Redis, @Inject(appConfig.KEY) cfg: ConfigType<typeof appConfig>) {
    this.redis = shared.duplicate({
      keyPrefix: `${cfg.redisPrefix}:throttle:`,
      commandTimeout: THROTTLE_REDIS_TIMEOUT_MS,
      maxRetriesPerRequest: 1,
      lazyConnect: true, // opened by the first credential request (worker-only processes never do)
    });
    this.redis.on('error', () => undefined); // reported (throttled) by FailOpenThrottlerStorage when a request is affected
    this.storage = new FailOpenThrottlerStorage(new ThrottlerStorageRedisService(this.redis), this.logger);
  }

  increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    return this.storage.increment(key, ttl, limit, blockDuration, throttlerName);
  }

  async onApplicationShutdown(): Promise<void> {
    await closeRedis(this.redis);
  }
}
