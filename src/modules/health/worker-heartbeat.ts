import { WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { DiscoveryService } from '@nestjs/core';
import Redis from 'ioredis';
import { appConfig } from '../../infra/config/app.config';
import { PROBE_TIMEOUT_MS, within } from '../../infra/queue/unavailable';
import { REDIS } from '../../infra/redis/redis.module';
import { Heartbeat, HEARTBEAT_EVERY_MS, HEARTBEAT_TTL_MS, heartbeatKey } from './heartbeat-key';

/**
 * The worker process has no HTTP server, so its health is a heartbeat: while RUN_WORKERS is
 * true, every HEARTBEAT_EVERY_MS this writes `heartbeatKey` (expiring after HEARTBEAT_TTL_MS)
 * — but only when every BullMQ worker of the process is running. `npm run health:worker`
 * (src/worker-health.ts) reads it and exits 0 or 1. Deleted on shutdown.
 */
@Injectable()
export class WorkerHeartbeat implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WorkerHeartbeat');
  private timer?: NodeJS.Timeout;
  private readonly key: string;

  constructor(
    @Inject(appConfig.KEY) private readonly cfg: ConfigType<typeof appConfig>,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly discovery: DiscoveryService,
  ) {
    this.key = heartbeatKey(cfg.redisPrefix);
  }

  onApplicationBootstrap(): void {
    if (!this.cfg.runWorkers) return;
    const beat = () => void this.beat().catch((e: Error) => this.logger.warn(`heartbeat not written: ${e.message}`));
    beat();
    this.timer = setInterval(beat, HEARTBEAT_EVERY_MS);
    this.timer.unref();
  }

  // Before the shared Redis connection closes (RedisModule closes it on application shutdown).
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    await within(this.redis.del(this.key), PROBE_TIMEOUT_MS, 'redis', 'heartbeat DEL').catch(() => undefined);
  }

  /** Writes the heartbeat when every worker runs; false (nothing written) when one does not. */
  async beat(): Promise<boolean> {
    const workers = this.discovery
      .getProviders()
      .map((w) => w.instance as unknown)
      .filter((i): i is WorkerHost => i instanceof WorkerHost)
      .map((i) => i.worker);
    if (workers.some((w) => !w.isRunning())) return false;
    const value: Heartbeat = { pid: process.pid, at: new Date().toISOString(), workers: workers.map((w) => w.name) };
    await within(this.redis.set(this.key, JSON.stringify(value), 'PX', HEARTBEAT_TTL_MS), PROBE_TIMEOUT_MS, 'redis', 'heartbeat SET');
    return true;
  }
}
