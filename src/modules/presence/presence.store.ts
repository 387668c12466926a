import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import Redis from 'ioredis';
import { appConfig } from '../../infra/config/app.config';
import { REDIS } from '../../infra/redis/redis.module';

export type Presence = 'available' | 'away' | 'offline';
export const PRESENCES: readonly Presence[] = ['available', 'away', 'offline'];

/**
 * Decides a member's presence from what Redis holds and records it when it changed, atomically
 * (two processes deciding at once publish one change, never a stale one):
 * KEYS: conn zset (process → expiry ms), seen hash, away set, state hash, org hash.
 * ARGV: member id, now (ms), grace (ms), org id.
 * Returns { presence, changed (0|1) }.
 */
const RECONCILE = `
local now = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local live = redis.call('ZCARD', KEYS[1])
local away = redis.call('SISMEMBER', KEYS[3], ARGV[1]) == 1
local p
if live > 0 then
  if away then p = 'away' else p = 'available' end
else
  local seen = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
  if seen > 0 and now - seen < tonumber(ARGV[3]) then
    if away then p = 'away' else p = 'available' end
  else
    p = 'offline'
  end
end
local old = redis.call('HGET', KEYS[4], ARGV[1]) or 'offline'
if old == p then return {p, 0} end
if p == 'offline' then
  redis.call('HDEL', KEYS[4], ARGV[1])
  redis.call('HDEL', KEYS[5], ARGV[1])
else
  redis.call('HSET', KEYS[4], ARGV[1], p)
  redis.call('HSET', KEYS[5], ARGV[1], ARGV[4])
end
return {p, 1}`;

/**
 * Presence in Redis (docs/routing.md), shared by every process:
 * - `conn:<member>`: a sorted set of the processes holding a socket of the member, scored by
 *   when that claim expires (each process renews its claims every heartbeat; a process that
 *   dies stops renewing, and its claims lapse after three heartbeats);
 * - `seen`: member → the last time they were known connected (ms);
 * - `away`: members who chose `away`;
 * - `state` / `org`: the presence last published for members not offline, and their org (the sweep's list).
 */
@Injectable()
export class PresenceStore {
  private readonly prefix: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(appConfig.KEY) cfg: ConfigType<typeof appConfig>,
  ) {
    this.prefix = `${cfg.redisPrefix}:presence`;
  }

  private conn(memberId: string): string {
    return `${this.prefix}:conn:${memberId}`;
  }

  /** This process holds sockets of these members until `until` (ms). */
  async claim(processId: string, members: readonly string[], now: number, until: number): Promise<void> {
    if (members.length === 0) return;
    const p = this.redis.pipeline();
    for (const m of members) {
      p.zadd(this.conn(m), until, processId);
    }
    p.hset(`${this.prefix}:seen`, ...members.flatMap((m) => [m, String(now)]));
    await p.exec();
  }

  /** This process no longer holds a socket of the member. */
  async release(processId: string, memberId: string, now: number): Promise<void> {
    await this.redis.pipeline().zrem(this.conn(memberId), processId).hset(`${this.prefix}:seen`, memberId, String(now)).exec();
  }

  async setAway(memberId: string, away: boolean): Promise<void> {
    if (away) await this.redis.sadd(`${this.prefix}:away`, memberId);
    else await this.redis.srem(`${this.prefix}:away`, memberId);
  }

  /** Decides and records the member's presence; `changed` when it differs from the last one published. */
  async reconcile(orgId: string, memberId: string, now: number, graceMs: number): Promise<{ presence: Presence; changed: boolean }> {
    const keys = [this.conn(memberId), `${this.prefix}:seen`, `${this.prefix}:away`, `${this.prefix}:state`, `${this.prefix}:org`];
    const [presence, changed] = (await this.redis.eval(RECONCILE, keys.length, ...keys, memberId, String(now), String(graceMs), orgId)) as [Presence, number];
    return { presence, changed: changed === 1 };
  }

  /** Presence of many members (read only), and when each was last known connected (ms, 0 = never). */
  async read(memberIds: readonly string[], now: number, graceMs: number): Promise<Map<string, { presence: Presence; lastSeen: number }>> {
    const out = new Map<string, { presence: Presence; lastSeen: number }>();
    if (memberIds.length === 0) return out;
    const p = this.redis.pipeline();
    for (const m of memberIds) {
      p.zcount(this.conn(m), `(${now}`, '+inf');
      p.hget(`${this.prefix}:seen`, m);
      p.sismember(`${this.prefix}:away`, m);
    }
    const res = (await p.exec()) ?? [];
    memberIds.forEach((m, i) => {
      const [e1, live] = res[i * 3] ?? [];
      const [e2, seen] = res[i * 3 + 1] ?? [];
      const [e3, away] = res[i * 3 + 2] ?? [];
      if (e1 || e2 || e3) throw e1 ?? e2 ?? e3;
      const lastSeen = Number(seen ?? 0);
      const here = Number(live) > 0 || (lastSeen > 0 && now - lastSeen < graceMs);
      out.set(m, { presence: here ? (Number(away) === 1 ? 'away' : 'available') : 'offline', lastSeen: Number(live) > 0 ? now : lastSeen });
    });
    return out;
  }

  /** Members whose last published presence is not offline, with their org. */
  async published(): Promise<{ memberId: string; orgId: string }[]> {
    const orgs = await this.redis.hgetall(`${this.prefix}:org`);
    return Object.entries(orgs).map(([memberId, orgId]) => ({ memberId, orgId }));
  }

  /** One process per period does the sweep (a lock that simply lapses). */
  async takeSweep(name: string, ms: number): Promise<boolean> {
    return (await this.redis.set(`${this.prefix}:sweep:${name}`, '1', 'PX', ms, 'NX')) === 'OK';
  }
}
