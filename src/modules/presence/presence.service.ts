import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { randomUUID } from 'crypto';
import { appConfig } from '../../infra/config/app.config';
import { OrgDirectory } from '../access/org-directory';
import { UnitOfWork } from '../events/unit-of-work';
import { PresenceRepository, PresenceSettings } from './presence.repository';
import { Presence, PresenceStore } from './presence.store';

/** Org settings are read at most this often per org and process. */
const SETTINGS_TTL_MS = 2000;

/**
 * Presence (docs/routing.md): `available` with at least one `/inbox` socket on any process
 * (unless the member chose `away`), `offline` after `presenceGraceSeconds` without one. Kept in
 * Redis so that every process decides the same; each change is recorded as the domain event
 * `member.presence_changed` (→ `presence.changed` on sockets, → routing when available).
 */
@Injectable()
export class PresenceService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Presence');
  readonly processId = randomUUID();
  /** member → { org, sockets on this process } */
  private readonly local = new Map<string, { orgId: string; sockets: number }>();
  private readonly settingsCache = new Map<string, { at: number; value: PresenceSettings }>();
  private heartbeat?: NodeJS.Timeout;
  private sweeper?: NodeJS.Timeout;

  constructor(
    @Inject(appConfig.KEY) private readonly cfg: ConfigType<typeof appConfig>,
    private readonly store: PresenceStore,
    private readonly repo: PresenceRepository,
    private readonly uow: UnitOfWork,
    private readonly directory: OrgDirectory,
  ) {}

  onModuleInit(): void {
    this.heartbeat = setInterval(() => void this.beat().catch((e: Error) => this.logger.warn(`presence heartbeat failed: ${e.message}`)), this.cfg.presence.heartbeatMs);
    this.heartbeat.unref();
    this.sweeper = setInterval(() => void this.sweep().catch((e: Error) => this.logger.warn(`presence sweep failed: ${e.message}`)), this.cfg.presence.sweepMs);
    this.sweeper.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.heartbeat);
    clearInterval(this.sweeper);
    // Sockets closing with the process: their members' grace periods start now.
    const now = Date.now();
    await Promise.all([...this.local.keys()].map((m) => this.store.release(this.processId, m, now).catch(() => undefined)));
    this.local.clear();
  }

  async settings(orgId: string): Promise<PresenceSettings> {
    const hit = this.settingsCache.get(orgId);
    if (hit && Date.now() - hit.at < SETTINGS_TTL_MS) return hit.value;
    const value = await this.repo.settings(orgId);
    if (this.settingsCache.size > 10_000) this.settingsCache.clear();
    this.settingsCache.set(orgId, { at: Date.now(), value });
    return value;
  }

  /** An `/inbox` socket of the member connected to this process. */
  async socketConnected(orgId: string, memberId: string): Promise<void> {
    const entry = this.local.get(memberId) ?? { orgId, sockets: 0 };
    entry.sockets++;
    this.local.set(memberId, entry);
    const now = Date.now();
    await this.store.claim(this.processId, [memberId], now, now + this.claimMs());
    await this.reconcile(orgId, memberId);
  }

  /** One of the member's sockets on this process went away. */
  async socketDisconnected(orgId: string, memberId: string): Promise<void> {
    const entry = this.local.get(memberId);
    if (!entry) return;
    if (--entry.sockets > 0) return;
    this.local.delete(memberId);
    await this.store.release(this.processId, memberId, Date.now());
    // Still available during the grace period: the sweep notices when it runs out.
    await this.reconcile(orgId, memberId);
  }

  /** PUT /me/status. */
  async setStatus(orgId: string, memberId: string, status: 'available' | 'away'): Promise<Presence> {
    await this.store.setAway(memberId, status === 'away');
    return this.reconcile(orgId, memberId);
  }

  /** Presence of members of one org, as of now. */
  async presenceOf(orgId: string, memberIds: readonly string[]): Promise<Map<string, Presence>> {
    const read = await this.read(orgId, memberIds);
    return new Map([...read].map(([m, r]) => [m, r.presence]));
  }

  /** Presence and when each was last known connected (ms; `now` while connected, 0 = never). */
  async read(orgId: string, memberIds: readonly string[]): Promise<Map<string, { presence: Presence; lastSeen: number }>> {
    const s = await this.settings(orgId);
    return this.store.read(memberIds, Date.now(), s.graceSeconds * 1000);
  }

  /**
   * Decides the member's presence; when it changed, records `member.presence_changed` in its own
   * unit of work (so it is relayed like any other change, to sockets and to routing).
   */
  async reconcile(orgId: string, memberId: string): Promise<Presence> {
    const s = await this.settings(orgId);
    const { presence, changed } = await this.store.reconcile(orgId, memberId, Date.now(), s.graceSeconds * 1000);
    if (changed) {
      const member = await this.directory.viewer(orgId, memberId);
      if (member) {
        await this.uow.run(async () =>
          this.uow.record({ type: 'member.presence_changed', orgId, actorId: null, conversationId: null, customerId: null, data: { memberId, unitId: member.unitId, presence } }),
        );
      }
    }
    return presence;
  }

  /** Renews this process's claims on its members' presence. */
  private async beat(): Promise<void> {
    const now = Date.now();
    await this.store.claim(this.processId, [...this.local.keys()], now, now + this.claimMs());
  }

  /** Members not offline whose grace period ran out (or whose process died) become offline. */
  async sweep(): Promise<void> {
    if (!(await this.store.takeSweep('presence', Math.max(50, this.cfg.presence.sweepMs - 20)))) return;
    for (const { memberId, orgId } of await this.store.published()) {
      if (this.local.has(memberId)) continue;
      await this.reconcile(orgId, memberId);
    }
  }

  private claimMs(): number {
    return this.cfg.presence.heartbeatMs * 3;
  }
}
