import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { Emitter } from '@socket.io/redis-emitter';
import Redis from 'ioredis';
import { appConfig } from '../../infra/config/app.config';
import { socketKey } from '../../infra/redis/redis-io.adapter';
import { INBOX_NAMESPACE, memberRoom } from './realtime.events';

/**
 * Emits through Redis (`@socket.io/redis-emitter`), so API processes and worker-only
 * processes (which have no socket server) reach every socket the same way.
 */
@Injectable()
export class RealtimeEmitter implements OnApplicationShutdown {
  private readonly redis: Redis;
  private readonly ns: ReturnType<Emitter['of']>;
  private closed = false;

  constructor(@Inject(appConfig.KEY) cfg: ConfigType<typeof appConfig>) {
    this.redis = new Redis(cfg.redisUrl, { maxRetriesPerRequest: 2 });
    this.ns = new Emitter(this.redis, { key: socketKey(cfg.redisPrefix) }).of(INBOX_NAMESPACE);
  }

  /** One serialization and one publish for a whole audience group. */
  toMembers(memberIds: readonly string[], event: string, payload: unknown): void {
    if (memberIds.length === 0 || this.closed) return;
    this.ns.to(memberIds.map(memberRoom)).emit(event, payload);
  }

  disconnectMember(memberId: string): void {
    if (this.closed) return;
    this.ns.in(memberRoom(memberId)).disconnectSockets(true);
  }

  onApplicationShutdown(): void {
    this.closed = true;
    this.redis.disconnect();
  }
}
