import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { appConfig } from '../../infra/config/app.config';
import { DomainEventRepository } from './domain-event.repository';
import type { DomainEventSubscriber, StoredEvent } from './domain-events';

const BATCH = 500;
const GIVE_UP_AFTER_ATTEMPTS = 20;

/**
 * Hands committed events to the subscribers (real-time fan-out, notifications, outbound
 * sends), in commit order, in batches: under load one batch carries many changes, so the
 * subscribers' queries are shared. Events committed here are relayed at once, off the
 * request's path; a poller picks up any whose lease ran out (a process that died after
 * commit, a subscriber that failed), so a committed change always reaches its subscribers.
 */
@Injectable()
export class EventRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('EventRelay');
  private readonly subscribers: DomainEventSubscriber[] = [];
  private readonly queue: StoredEvent[] = [];
  private draining: Promise<void> | null = null;
  private polling = false;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  private settling: Promise<void> = Promise.resolve();

  constructor(
    private readonly events: DomainEventRepository,
    @Inject(appConfig.KEY) private readonly cfg: ConfigType<typeof appConfig>,
  ) {}

  register(subscriber: DomainEventSubscriber): void {
    this.subscribers.push(subscriber);
  }

  /** Events just committed by this process (it holds their lease). */
  committed(events: readonly StoredEvent[]): void {
    if (events.length === 0 || this.stopped) return;
    this.queue.push(...events);
    this.kick();
  }

  onApplicationBootstrap(): void {
    const tick = () => {
      if (this.stopped) return;
      void this.poll().finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, this.cfg.eventRelay.pollMs).unref();
      });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.draining;
    await this.settling;
  }

  /** Resolves once everything committed here so far has been relayed (tests, shutdown). */
  async idle(): Promise<void> {
    if (this.draining || this.queue.length > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    await this.settling;
  }

  /** Events whose lease ran out: relayed by whichever process claims them first. */
  async poll(): Promise<number> {
    if (this.polling) return 0;
    this.polling = true;
    try {
      const claimed = await this.events.claimExpired(BATCH, this.cfg.eventRelay.leaseSeconds);
      const abandoned = claimed.filter((e) => e.attempts > GIVE_UP_AFTER_ATTEMPTS);
      if (abandoned.length) {
        this.logger.error(`giving up on ${abandoned.length} event(s) after ${GIVE_UP_AFTER_ATTEMPTS} attempts: ${abandoned.map((e) => `${e.id} ${e.type}`).join(', ')}`);
        await this.events.abandon(abandoned.map((e) => e.id));
      }
      const live = claimed.filter((e) => e.attempts <= GIVE_UP_AFTER_ATTEMPTS);
      if (live.length) this.committed(live);
      return live.length;
    } catch (e) {
      this.logger.warn(`outbox poll failed: ${(e as Error).message}`);
      return 0;
    } finally {
      this.polling = false;
    }
  }

  private kick(): void {
    if (this.draining) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
      if (this.queue.length > 0 && !this.stopped) this.kick();
      else this.idleWaiters.splice(0).forEach((r) => r());
    });
  }

  private async drain(): Promise<void> {
    // Let the committing call return first: the relay never runs on the request's path.
    await new Promise((r) => setImmediate(r));
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, BATCH);
      await this.deliver(batch);
    }
  }

  private async deliver(batch: readonly StoredEvent[]): Promise<void> {
    const started = performance.now();
    const failed = await this.run(batch);
    if (failed === null) {
      this.logger.debug(`relayed ${batch.length} event(s) in ${(performance.now() - started).toFixed(1)} ms, oldest committed ${Date.now() - batch[0].occurredAt.getTime()} ms ago`);
      // The outbox rows go in the background: the next batch need not wait for the DELETE.
      this.settling = this.settling.then(() => this.settle(batch.map((e) => e.id), [], ''));
      return;
    }
    // One poison event must not hold the others back: retry the batch one event at a time.
    const bad: string[] = [];
    let error = failed;
    for (const e of batch) {
      const f = batch.length === 1 ? failed : await this.run([e]);
      if (f !== null) {
        bad.push(e.id);
        error = f;
      }
    }
    await this.settle(batch.filter((e) => !bad.includes(e.id)).map((e) => e.id), bad, error);
  }

  /** Runs every subscriber on the events; the first error message, or null. */
  private async run(events: readonly StoredEvent[]): Promise<string | null> {
    let error: string | null = null;
    for (const s of this.subscribers) {
      try {
        const t = performance.now();
        await s.handle(events);
        if (this.cfg.logLevel === 'debug' || this.cfg.logLevel === 'trace') this.logger.debug(`  ${s.name}: ${(performance.now() - t).toFixed(1)} ms`);
      } catch (e) {
        error ??= `${s.name}: ${(e as Error).message}`;
        this.logger.warn(`subscriber ${s.name} failed on ${events.length} event(s): ${(e as Error).message}`);
      }
    }
    return error;
  }

  private async settle(done: string[], failed: string[], error: string): Promise<void> {
    try {
      await this.events.relayed(done);
      await this.events.retryLater(failed, error, 5);
    } catch (e) {
      // The outbox rows stay; their lease runs out and the poller relays them again (subscribers are idempotent).
      this.logger.warn(`could not settle relayed events: ${(e as Error).message}`);
    }
  }
}
