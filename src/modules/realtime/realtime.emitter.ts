import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { Emitter } from '@socket.io/redis-emitter';
import Redis from 'ioredis';
import { appConfig } from '../../infra/config/app.config';
import { closeRedis, encodeEntry, RECOVERY_MAX_EVENTS, recoveryStreamKey, redisFailureLogger, socketKey } from '../../infra/redis/socket-recovery';
import { INBOX_NAMESPACE, memberRoom } from './realtime.events';

/** Approximate MAXLEN trim once per this many appends (the time-based MINID trim is on every append). */
const CAP_EVERY = 1000;
/** How often the Redis clock is re-read (stream ids are Redis-clock milliseconds). */
const CLOCK_SYNC_MS = 5 * 60_000;

/**
 * Emits through Redis, so API processes and worker-only processes (which have no socket
 * server) reach every socket the same way. Each audience group costs one msgpack encoding
 * and one `XADD` to the namespace's event stream, trimmed to the recovery window; every
 * socket server reads that stream and delivers the entry to its sockets in those member
 * rooms, with the entry id as the socket.io offset (docs/realtime.md "Reconnecting").
 * `disconnectSockets` still goes through `@socket.io/redis-emitter` (pub/sub request).
 *
 * Never throws and never rejects: a Redis outage is logged (throttled) and the event is
 * lost; clients that cannot be replayed get `resync` when they reconnect.
 */
@Injectable()
export class RealtimeEmitter implements OnApplicationShutdown {
  private readonly logger = new Logger('RealtimeEmitter');
  private readonly redis: Redis;
  private readonly ns: ReturnType<Emitter['of']>;
  private readonly streamKey: string;
  private readonly windowMs: number;
  private readonly publishFailed = redisFailureLogger(this.logger, 'realtime publish failed');
  private readonly clockTimer: NodeJS.Timeout;
  /** Redis clock − local clock, so the time trim keeps exactly the window whatever the skew. */
  private skewMs = 0;
  private sinceCap = 0;
  private closed = false;

  constructor(@Inject(appConfig.KEY) cfg: ConfigType<typeof appConfig>) {
    const key = socketKey(cfg.redisPrefix);
    this.redis = new Redis(cfg.redisUrl, { maxRetriesPerRequest: 2 });
    this.redis.on('error', redisFailureLogger(this.logger, 'realtime Redis connection'));
    this.streamKey = recoveryStreamKey(key, INBOX_NAMESPACE);
    this.windowMs = cfg.realtimeRecoveryMs;
    // Requests (disconnectSockets) keep the library's wire format; the library does not handle
    // its publish's result, so it goes through a client that catches and logs failures.
    const publisher = {
      publish: (channel: string, message: string | Buffer) => this.redis.publish(channel, message).catch(this.publishFailed),
    };
    this.ns = new Emitter(publisher, { key }).of(INBOX_NAMESPACE);
    void this.syncClock();
    this.clockTimer = setInterval(() => void this.syncClock(), CLOCK_SYNC_MS);
    this.clockTimer.unref();
  }

  /**
   * One serialization and one append for a whole audience group. Resolves true once
   * recorded (then delivered by every socket server), false when it could not be; never
   * rejects, so callers may ignore the promise.
   */
  toMembers(memberIds: readonly string[], event: string, payload: unknown): Promise<boolean> {
    if (memberIds.length === 0 || this.closed) return Promise.resolve(false);
    let entry: ReturnType<typeof encodeEntry>;
    try {
      entry = encodeEntry(memberIds.map(memberRoom), event, payload);
    } catch (e) {
      this.logger.error(`cannot encode ${event}: ${(e as Error).message}`);
      return Promise.resolve(false);
    }
    const minId = Date.now() + this.skewMs - this.windowMs;
    const appended = this.redis.call('XADD', this.streamKey, 'MINID', '~', String(minId), '*', 'r', entry.rooms, 'd', entry.data).then(
      () => true,
      (e: unknown) => {
        this.publishFailed(e);
        return false;
      },
    );
    if (++this.sinceCap >= CAP_EVERY) {
      this.sinceCap = 0;
      this.redis.xtrim(this.streamKey, 'MAXLEN', '~', RECOVERY_MAX_EVENTS).catch(this.publishFailed);
    }
    return appended;
  }

  /** Closes the member's sockets on every process (not recoverable: their token must pass the handshake again). */
  disconnectMember(memberId: string): void {
    if (this.closed) return;
    this.ns.in(memberRoom(memberId)).disconnectSockets(true);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearInterval(this.clockTimer);
    // QUIT, not disconnect: events already handed to Redis are sent before the connection closes
    await closeRedis(this.redis);
  }

  private async syncClock(): Promise<void> {
    try {
      const before = Date.now();
      const [s, us] = await this.redis.time();
      const local = (before + Date.now()) / 2;
      this.skewMs = Math.round(Number(s) * 1000 + Number(us) / 1000 - local);
    } catch {
      // keep the previous estimate; a failing Redis is reported by the publishes
    }
  }
}
