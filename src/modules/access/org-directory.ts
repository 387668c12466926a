import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import Redis from 'ioredis';
import { appConfig } from '../../infra/config/app.config';
import { Db } from '../../infra/database/db';
import { guardCommands, SUBSCRIBE_COMMANDS } from '../../infra/redis/guard-commands';
import { REDIS } from '../../infra/redis/redis.module';
import { unitAncestorIds } from '../units/unit.entity';
import type { ConversationFacts } from './folder-rules';
import { Permission } from './permissions';
import type { Viewer } from './viewer';
import { ViewerRepository } from './viewer.repository';

/** One org's active members as Viewers, indexed for the fan-out's reader candidates. */
export class DirectorySnapshot {
  readonly byId = new Map<string, Viewer>();
  private readonly byUnit = new Map<string, Viewer[]>();
  /** Unit id → the ids of its child units that have members (built once, for unit audiences). */
  private readonly childUnits = new Map<string, string[]>();
  /** Members who may read conversations outside their own units' reach: `folder.all`, `folder.unassigned`. */
  private readonly wide: Viewer[] = [];
  /** The earliest expiry of any live temporary grant in the copy: from then on it is stale. */
  readonly staleAt: number;

  constructor(
    readonly version: number,
    viewers: readonly Viewer[],
  ) {
    let staleAt = Infinity;
    for (const v of viewers) {
      if (v.grantsExpireAt !== null && v.grantsExpireAt < staleAt) staleAt = v.grantsExpireAt;
      this.byId.set(v.memberId, v);
      const list = this.byUnit.get(v.unitId);
      if (list) list.push(v);
      else this.byUnit.set(v.unitId, [v]);
      if (v.permissions.has(Permission.FolderAll) || v.permissions.has(Permission.FolderUnassigned)) this.wide.push(v);
    }
    this.staleAt = staleAt;
    for (const [unitId, members] of this.byUnit) {
      const path = unitAncestorIds(members[0].unitPath);
      const parent = path[path.length - 2];
      if (!parent) continue;
      const children = this.childUnits.get(parent);
      if (children) children.push(unitId);
      else this.childUnits.set(parent, [unitId]);
    }
  }

  /** The members of these units (the units of a path: `unitAncestorIds(path)`). */
  inUnits(unitIds: readonly string[]): Viewer[] {
    return unitIds.flatMap((u) => this.byUnit.get(u) ?? []);
  }

  /** The path of a unit with at least one member (null otherwise). */
  unitPathOf(unitId: string): string | null {
    return this.byUnit.get(unitId)?.[0].unitPath ?? null;
  }

  /** The members of the units directly below a unit. */
  inChildUnits(unitId: string): Viewer[] {
    return (this.childUnits.get(unitId) ?? []).flatMap((u) => this.byUnit.get(u) ?? []);
  }

  /** The active members whose own unit is `unitId` (not its subtree's). */
  inUnit(unitId: string): readonly Viewer[] {
    return this.byUnit.get(unitId) ?? [];
  }

  /** Fresh enough for `minVersion`, and no grant in it has expired since it was read. */
  satisfies(minVersion: number | undefined, now = Date.now()): boolean {
    return (minVersion === undefined || this.version >= minVersion) && now < this.staleAt;
  }

  /**
   * Everyone who could possibly read a conversation in any of these states (SPEC §8, §3 read
   * backwards): members of the ancestors-or-self of its assignee, last assignee, binding and
   * private-session units, the members who held it, and the wide readers. The AccessPolicy
   * then keeps the actual readers.
   */
  candidates(states: readonly ConversationFacts[]): Viewer[] {
    const out = new Set<Viewer>(this.wide);
    const units = new Set<string>();
    for (const f of states) {
      for (const p of [f.assigneeUnitPath, f.lastAssigneeUnitPath, f.boundUnitPath, ...f.privateUnitPaths]) if (p) unitAncestorIds(p).forEach((id) => units.add(id));
      for (const m of [f.assigneeId, f.lastAssigneeId, ...f.endedAssigneeIds]) {
        const v = m ? this.byId.get(m) : undefined;
        if (v) out.add(v);
      }
    }
    for (const u of units) for (const v of this.byUnit.get(u) ?? []) out.add(v);
    return [...out];
  }
}

/**
 * Members, roles and units per org, in memory: the fan-out's reader candidates and the
 * inbound path's role lookups cost no query. Every change to them bumps the org's
 * `directory_version` in the same transaction; a reader that knows the version it needs
 * (the fan-out reads it with the conversation's facts) reloads when its copy is older, so
 * correctness never depends on timing. Other processes drop their copy when told through
 * Redis, so they reload before they would have to.
 */
@Injectable()
export class OrgDirectory implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('OrgDirectory');
  private readonly cache = new Map<string, Promise<DirectorySnapshot>>();
  /**
   * The copies whose load has finished. Code inside a transaction reads only these: awaiting a
   * load still in flight could wait for a pool connection that the waiting transactions
   * themselves hold (every connection busy in a transaction stuck behind the load: a deadlock
   * until the acquire timeout).
   */
  private readonly ready = new Map<string, DirectorySnapshot>();
  private sub?: Redis;
  private readonly channel: string;

  constructor(
    private readonly db: Db,
    private readonly viewers: ViewerRepository,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(appConfig.KEY) cfg: ConfigType<typeof appConfig>,
  ) {
    this.channel = `${cfg.redisPrefix}:directory`;
  }

  async onModuleInit(): Promise<void> {
    this.sub = this.redis.duplicate({ lazyConnect: true, maxRetriesPerRequest: null });
    let lastWarned = 0;
    const warn = (e: unknown) => {
      // ioredis retries every few hundred ms during an outage: one line per half minute is enough.
      if (Date.now() - lastWarned < 30_000) return;
      lastWarned = Date.now();
      this.logger.warn(`directory invalidation channel: ${(e as Error)?.message ?? String(e)} (retrying; copies are still checked by version)`);
    };
    this.sub.on('error', warn);
    // ioredis re-subscribes on reconnect without handling the promise (shutdown right after Redis is back).
    guardCommands(this.sub, SUBSCRIBE_COMMANDS, warn);
    this.sub.on('message', (_channel: string, orgId: string) => (this.cache.delete(orgId), this.ready.delete(orgId)));
    // Missed messages while reconnecting are harmless: versions catch what matters.
    this.sub.on('ready', () => (this.cache.clear(), this.ready.clear()));
    await this.sub.connect().catch((e: Error) => this.logger.warn(`directory invalidation channel: ${e.message}`));
    await this.sub.subscribe(this.channel).catch((e: Error) => this.logger.warn(`directory invalidation channel: ${e.message}`));
  }

  onApplicationShutdown(): void {
    this.sub?.disconnect();
  }

  /** The org's directory, at least as new as `minVersion` when given. */
  async get(orgId: string, minVersion?: number): Promise<DirectorySnapshot> {
    // Inside a transaction: a finished copy, else a load on the transaction's own connection,
    // never cached (it could see the transaction's own uncommitted changes).
    if (this.db.inTransaction) return this.readyCopy(orgId, minVersion) ?? this.load(orgId);
    let pending = this.cache.get(orgId);
    if (pending) {
      const snap = await pending.catch(() => null);
      if (snap?.satisfies(minVersion)) return snap;
      if (this.cache.get(orgId) === pending) this.cache.delete(orgId);
    }
    pending = this.cache.get(orgId) ?? this.load(orgId);
    if (!this.cache.has(orgId)) {
      const mine = pending;
      this.cache.set(orgId, mine);
      mine.then(
        (snap) => this.cache.get(orgId) === mine && this.ready.set(orgId, snap),
        () => this.cache.get(orgId) === mine && this.cache.delete(orgId),
      );
    }
    return pending;
  }

  /**
   * The finished copy if it is fresh enough for `minVersion`, else null, never loading nor
   * waiting: for callers inside a transaction that have a cheaper fallback than reading the
   * whole org there.
   */
  cached(orgId: string, minVersion: number): DirectorySnapshot | null {
    return this.readyCopy(orgId, minVersion);
  }

  /**
   * One member as a Viewer: from the finished copy when there is one; inside a transaction
   * without one, one row rather than the whole org on every call until the relay (outside any
   * transaction) has loaded a fresh copy.
   */
  async viewer(orgId: string, memberId: string): Promise<Viewer | null> {
    if (this.db.inTransaction) {
      const snap = this.readyCopy(orgId);
      return snap ? (snap.byId.get(memberId) ?? null) : this.viewers.findActive(orgId, memberId);
    }
    return (await this.get(orgId)).byId.get(memberId) ?? null;
  }

  private readyCopy(orgId: string, minVersion?: number): DirectorySnapshot | null {
    const snap = this.ready.get(orgId);
    return snap?.satisfies(minVersion) ? snap : null;
  }

  /** Drops this process's copy and tells the others to drop theirs. */
  invalidate(orgId: string): void {
    this.cache.delete(orgId);
    this.ready.delete(orgId);
    this.redis.publish(this.channel, orgId).catch((e: Error) => this.logger.warn(`could not publish directory invalidation: ${e.message}`));
  }

  private async load(orgId: string): Promise<DirectorySnapshot> {
    const { version, viewers } = await this.viewers.loadDirectory(orgId);
    return new DirectorySnapshot(version, viewers);
  }
}
