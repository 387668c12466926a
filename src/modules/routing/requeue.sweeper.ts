import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { appConfig } from '../../infra/config/app.config';
import { PresenceService } from '../presence/presence.service';
import { RoutingRepository } from './routing.repository';
import { RoutingService } from './routing.service';

/**
 * requeueOfflineAfterSeconds, periodically (PRESENCE_SWEEP_MS; one process per period): an
 * assignee offline that long loses the open conversations they have held at least that long,
 * which are routed again. Offline since = last seen + the grace period. Idempotent.
 */
@Injectable()
export class RequeueSweeper implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RequeueSweeper');
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    @Inject(appConfig.KEY) private readonly cfg: ConfigType<typeof appConfig>,
    private readonly repo: RoutingRepository,
    private readonly presence: PresenceService,
    private readonly routing: RoutingService,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.tick(), this.cfg.presence.sweepMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.sweep();
    } catch (e) {
      this.logger.warn(`requeue sweep failed: ${(e as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  async sweep(now = Date.now()): Promise<number> {
    let moved = 0;
    for (const { orgId, requeueSeconds } of await this.repo.requeueingOrgs()) {
      const before = new Date(now - requeueSeconds * 1000);
      const holders = await this.repo.holdersSince(orgId, before);
      if (holders.length === 0) continue;
      const { graceSeconds } = await this.presence.settings(orgId);
      const seen = await this.presence.read(orgId, holders);
      for (const memberId of holders) {
        const s = seen.get(memberId);
        if (!s || s.presence !== 'offline') continue;
        const offlineSince = s.lastSeen === 0 ? 0 : s.lastSeen + graceSeconds * 1000;
        if (now - offlineSince < requeueSeconds * 1000) continue;
        moved += await this.routing.requeue(orgId, memberId, before);
      }
    }
    return moved;
  }
}
