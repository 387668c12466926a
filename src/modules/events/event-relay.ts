import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { appConfig } from '../../infra/config/app.config';
import { Dependency, DependencyProbe, PROBE_TIMEOUT_MS, unavailableDependency, within } from '../../infra/queue/unavailable';
import { DomainEventRepository } from './domain-event.repository';
import type { DomainEventSubscriber, StoredEvent } from './domain-events';

const BATCH = 500;
/** A failing event (a subscriber bug, data it cannot handle) is tried this often, backing off, then dropped from the outbox. */
const GIVE_UP_AFTER_ATTEMPTS = 20;
/**
 * An event whose last failure in this process was a dependency outage gets this many. Attempts
 * are not spent while a dependency is known down (nothing is claimed then), only when its probe
 * answered and delivery failed again, at most once per backoff step (1 s … 60 s).
 */
const GIVE_UP_AFTER_TRANSIENT_ATTEMPTS = 1000;
/** Retry delay of a failing event: 5 s, doubled per attempt, at most 5 min (20 attempts ≈ 75 min). */
const RETRY_BASE_SECONDS = 5;
const RETRY_MAX_SECONDS = 300;
/** Events waiting for a dependency are claimable again at once: the poller decides when, after a probe. */
const WAIT_SECONDS = 0;
/** Probes of a down dependency: every 0.5 s at first, backing off to every 5 s. */
const PROBE_FIRST_MS = 500;
const PROBE_MAX_MS = 5000;
/** A dependency down again within a minute of coming back (flapping): wait 1 s, 2 s … 60 s before trying again. */
const FLAP_WINDOW_MS = 60_000;
const FLAP_MAX_MS = 60_000;
/** How often "still waiting for …" is logged during an outage. */
const REMIND_EVERY_MS = 30_000;
/** Outbox updates that could not be written (PostgreSQL down) are kept this far, and written once it answers. */
const MAX_UNSETTLED = 100_000;
const MAX_TRANSIENT_IDS = 100_000;

interface Outage {
  dependency: Dependency;
  since: number;
  error: string;
  probes: Map<string, DependencyProbe>;
  nextProbeAt: number;
  probeDelayMs: number;
  remindedAt: number;
}

interface Failure {
  subscriber: string;
  message: string;
  unavailable: { dependency: Dependency; probe?: DependencyProbe } | null;
}

interface Retry {
  ids: string[];
  /** Per id: the subscribers that event already reached (a retry skips them). */
  relayedTo: string[][];
  error: string;
  seconds: number;
}

function retryOf(events: readonly StoredEvent[], error: string, seconds: number): Retry {
  return { ids: events.map((e) => e.id), relayedTo: events.map((e) => e.relayedTo ?? []), error, seconds };
}

/**
 * Hands committed events to the subscribers (real-time fan-out, notifications, outbound
 * sends), in commit order, in batches: under load one batch carries many changes, so the
 * subscribers' queries are shared. Events committed here are relayed at once, off the
 * request's path; a poller picks up any whose lease ran out (a process that died after
 * commit, a subscriber that failed), so a committed change always reaches its subscribers.
 *
 * Outages (docs/operations-faults.md): a subscriber that cannot reach Redis or PostgreSQL
 * throws a `DependencyUnavailableError` (or a database-unavailable error). The relay then
 * keeps the events in the outbox and stops running subscribers and claiming events — so no
 * attempt is spent — until the dependency's probe answers; events committed meanwhile go
 * straight to the outbox. Once it answers, the poller relays everything that waited, oldest
 * first, and new events queue behind that backlog so commit order holds.
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
  private readonly outages = new Map<Dependency, Outage>();
  /** Events deferred to the outbox during an outage are still there: new ones queue behind them (commit order). */
  private catchingUp = false;
  private flaps = 0;
  private recoveredAt = 0;
  /** Events whose last failure here was an outage (they get GIVE_UP_AFTER_TRANSIENT_ATTEMPTS). */
  private readonly transientIds = new Set<string>();
  /** Outbox writes that failed (database down): rows to delete, rows to lease for a retry. */
  private unsettledDone: string[] = [];
  private unsettledRetries: Retry[] = [];

  constructor(
    private readonly events: DomainEventRepository,
    @Inject(appConfig.KEY) private readonly cfg: ConfigType<typeof appConfig>,
  ) {}

  register(subscriber: DomainEventSubscriber): void {
    // The name is what the outbox records as done (relayed_to, stored comma-joined): unique, no comma.
    if (subscriber.name.includes(',') || this.subscribers.some((s) => s.name === subscriber.name)) {
      throw new Error(`event subscriber name "${subscriber.name}" must be unique and contain no comma`);
    }
    this.subscribers.push(subscriber);
  }

  /** Events just committed by this process (it holds their lease). */
  committed(events: readonly StoredEvent[]): void {
    if (events.length === 0 || this.stopped) return;
    this.queue.push(...events);
    this.kick();
  }

  /** The dependencies the relay is waiting for (empty when it relays normally): /health. */
  waitingFor(): { dependency: Dependency; sinceSeconds: number; error: string }[] {
    const now = Date.now();
    return [...this.outages.values()].map((o) => ({ dependency: o.dependency, sinceSeconds: Math.round((now - o.since) / 1000), error: o.error }));
  }

  onApplicationBootstrap(): void {
    const tick = () => {
      if (this.stopped) return;
      void this.poll()
        .then(async (claimed) => {
          // A full batch: more may be waiting (a backlog after an outage); go on as soon as it is relayed.
          if (claimed < BATCH) return this.cfg.eventRelay.pollMs;
          await this.draining;
          return 0;
        })
        .catch(() => this.cfg.eventRelay.pollMs)
        .then((delay) => {
          if (!this.stopped) this.timer = setTimeout(tick, delay).unref();
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
      if (this.outages.size > 0 && !(await this.probeOutages())) return 0;
      if (!(await this.writeUnsettled())) return 0;
      const claimed = await this.events.claimExpired(BATCH, this.cfg.eventRelay.leaseSeconds);
      if (claimed.length < BATCH) this.catchingUp = false;
      const limit = (e: { id: string }) => (this.transientIds.has(e.id) ? GIVE_UP_AFTER_TRANSIENT_ATTEMPTS : GIVE_UP_AFTER_ATTEMPTS);
      const abandoned = claimed.filter((e) => e.attempts > limit(e));
      if (abandoned.length) {
        this.logger.error(`giving up on ${abandoned.length} event(s) after ${GIVE_UP_AFTER_ATTEMPTS} attempts or more: ${abandoned.map((e) => `${e.id} ${e.type}`).join(', ')}`);
        await this.events.abandon(abandoned.map((e) => e.id));
        abandoned.forEach((e) => this.transientIds.delete(e.id));
      }
      const live = claimed.filter((e) => e.attempts <= limit(e));
      if (live.length) {
        // Claimed events go first: they are older than anything committed while they waited.
        this.queue.unshift(...live);
        this.kick();
      }
      return claimed.length;
    } catch (e) {
      const unavailable = unavailableDependency(e);
      if (unavailable) this.declareOutage(unavailable.dependency, `outbox poll: ${(e as Error).message}`, unavailable.probe);
      else this.logger.warn(`outbox poll failed: ${(e as Error).message}`);
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
      try {
        await this.deliver(batch);
      } catch (e) {
        // Not expected (subscribers' failures are caught in run, outbox writes in settle); the rows' leases bring the events back.
        this.logger.error(`relaying ${batch.length} event(s) failed: ${(e as Error)?.stack ?? String(e)}`);
      }
    }
  }

  private async deliver(events: readonly StoredEvent[]): Promise<void> {
    let batch = events;
    // A dependency is down: these wait in the outbox too (no subscriber runs, no attempt is spent).
    if (this.outages.size > 0) {
      await this.settle([], [retryOf(batch, `waiting for ${[...this.outages.keys()].join(', ')}`, WAIT_SECONDS)]);
      return;
    }
    // Events that waited for an outage are still in the outbox: events committed since queue behind them (commit order).
    if (this.catchingUp) {
      const fresh = batch.filter((e) => !isClaimed(e));
      if (fresh.length > 0) {
        await this.settle([], [retryOf(fresh, 'queued behind events that waited for an outage', WAIT_SECONDS)]);
        batch = batch.filter(isClaimed);
        if (batch.length === 0) return;
      }
    }
    const started = performance.now();
    const failures = await this.run(batch);
    if (failures.length === 0) {
      this.logger.debug(`relayed ${batch.length} event(s) in ${(performance.now() - started).toFixed(1)} ms, oldest committed ${Date.now() - batch[0].occurredAt.getTime()} ms ago`);
      if (this.transientIds.size) batch.forEach((e) => this.transientIds.delete(e.id));
      // The outbox rows go in the background: the next batch need not wait for the DELETE.
      const ids = batch.map((e) => e.id);
      this.settling = this.settling.then(() => this.settle(ids, []));
      return;
    }
    if (this.outage(failures)) {
      // Every event of the batch waits: retrying them one by one would only wait on the same timeouts.
      this.markTransient(batch);
      await this.settle([], [retryOf(batch, summary(failures), WAIT_SECONDS)]);
      return;
    }
    // One poison event must not hold the others back: retry the batch one event at a time.
    const done: string[] = [];
    const waiting: StoredEvent[] = [];
    const retries: Retry[] = [];
    for (const e of batch) {
      if (this.outages.size > 0) {
        waiting.push(e);
        continue;
      }
      const f = batch.length === 1 ? failures : await this.run([e]);
      if (f.length === 0) done.push(e.id);
      else if (this.outage(f)) {
        this.markTransient([e]);
        waiting.push(e);
      } else {
        this.transientIds.delete(e.id);
        const attempts = Math.max(1, (e as { attempts?: number }).attempts ?? 1);
        retries.push(retryOf([e], summary(f), Math.min(RETRY_BASE_SECONDS * 2 ** (attempts - 1), RETRY_MAX_SECONDS)));
      }
    }
    if (waiting.length) retries.push(retryOf(waiting, `waiting for ${[...this.outages.keys()].join(', ')}`, WAIT_SECONDS));
    await this.settle(done, retries);
  }

  /**
   * Runs every subscriber on the events it has not handled yet; their failures (none: relayed).
   * A subscriber that succeeds is recorded on each event (`relayedTo`, kept in the outbox with a
   * retry), so when another subscriber fails the retry does not run it twice: a socket gets each
   * `message.created` once even when the notifications queue could not take its job.
   */
  private async run(events: readonly StoredEvent[]): Promise<Failure[]> {
    const failures: Failure[] = [];
    for (const s of this.subscribers) {
      const todo = events.filter((e) => !e.relayedTo?.includes(s.name));
      if (todo.length === 0) continue;
      try {
        const t = performance.now();
        await s.handle(todo);
        for (const e of todo) e.relayedTo = [...(e.relayedTo ?? []), s.name];
        if (this.cfg.logLevel === 'debug' || this.cfg.logLevel === 'trace') this.logger.debug(`  ${s.name}: ${(performance.now() - t).toFixed(1)} ms`);
      } catch (e) {
        const message = (e as Error)?.message ?? String(e);
        const unavailable = unavailableDependency(e);
        failures.push({ subscriber: s.name, message, unavailable });
        // An outage is reported once by declareOutage, not once per batch and subscriber.
        if (!unavailable) this.logger.warn(`subscriber ${s.name} failed on ${todo.length} event(s): ${message}`);
      }
    }
    return failures;
  }

  /** Declares the outages among `failures`; true when there was one. */
  private outage(failures: readonly Failure[]): boolean {
    let any = false;
    for (const f of failures) {
      if (!f.unavailable) continue;
      any = true;
      this.declareOutage(f.unavailable.dependency, `${f.subscriber}: ${f.message}`, f.unavailable.probe);
    }
    return any;
  }

  private declareOutage(dependency: Dependency, error: string, probe?: DependencyProbe): void {
    this.catchingUp = true;
    let o = this.outages.get(dependency);
    if (!o) {
      const now = Date.now();
      this.flaps = now - this.recoveredAt < FLAP_WINDOW_MS ? this.flaps + 1 : 0;
      const wait = this.flaps > 0 ? Math.min(1000 * 2 ** (this.flaps - 1), FLAP_MAX_MS) : PROBE_FIRST_MS;
      o = { dependency, since: now, error, probes: new Map(), nextProbeAt: now + wait, probeDelayMs: Math.max(wait, PROBE_FIRST_MS), remindedAt: now };
      this.outages.set(dependency, o);
      this.logger.error(
        `${dependency} unavailable (${error}): events wait in the outbox and are relayed once it answers again${this.flaps > 0 ? ` (down again ${this.flaps}× within a minute: next try in ${wait / 1000} s)` : ''}`,
      );
    }
    o.error = error;
    if (probe) o.probes.set(probe.name, probe);
  }

  /** Runs the due probes; true once every dependency answers again. */
  private async probeOutages(): Promise<boolean> {
    const now = Date.now();
    for (const o of [...this.outages.values()]) {
      if (now < o.nextProbeAt) continue;
      const probes = o.probes.size > 0 ? [...o.probes.values()] : [this.defaultProbe(o.dependency)];
      const results = await Promise.allSettled(probes.map((p) => within(Promise.resolve().then(() => p.check()), PROBE_TIMEOUT_MS, o.dependency, p.name)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (!failed) {
        this.outages.delete(o.dependency);
        this.recoveredAt = Date.now();
        this.logger.log(`${o.dependency} answers again after ${Math.round((this.recoveredAt - o.since) / 1000)} s: relaying the events that waited`);
        continue;
      }
      o.probeDelayMs = Math.min(o.probeDelayMs * 2, PROBE_MAX_MS);
      o.nextProbeAt = Date.now() + o.probeDelayMs;
      if (Date.now() - o.remindedAt >= REMIND_EVERY_MS) {
        o.remindedAt = Date.now();
        const pending = await within(this.events.pendingCount(), PROBE_TIMEOUT_MS, 'database', 'outbox count').catch(() => null);
        this.logger.warn(
          `still waiting for ${o.dependency} (${Math.round((o.remindedAt - o.since) / 1000)} s, ${(failed.reason as Error)?.message ?? failed.reason})${pending === null ? '' : `: ${pending} event(s) in the outbox`}`,
        );
      }
    }
    return this.outages.size === 0;
  }

  private defaultProbe(dependency: Dependency): DependencyProbe {
    if (dependency === 'database') return { name: 'outbox count', check: () => this.events.pendingCount() };
    // Nobody said how to check: try again after the backoff.
    return { name: `${dependency} (no probe)`, check: async () => true };
  }

  private markTransient(events: readonly StoredEvent[]): void {
    for (const e of events) {
      this.transientIds.delete(e.id);
      this.transientIds.add(e.id);
    }
    for (const id of this.transientIds) {
      if (this.transientIds.size <= MAX_TRANSIENT_IDS) break;
      this.transientIds.delete(id);
    }
  }

  /** Deletes the relayed rows and leases the others for a retry; what cannot be written now is written once the database answers. */
  private async settle(done: string[], retries: Retry[]): Promise<void> {
    let pendingDone = done;
    const pending = [...retries];
    try {
      await this.events.relayed(pendingDone);
      pendingDone = [];
      while (pending.length > 0) {
        await this.events.retryLater(pending[0].ids, pending[0].relayedTo, pending[0].error, pending[0].seconds);
        pending.shift();
      }
    } catch (e) {
      const unavailable = unavailableDependency(e);
      if (!unavailable) {
        // The outbox rows stay; their lease runs out and the poller relays them again (subscribers are idempotent).
        this.logger.warn(`could not settle relayed events: ${(e as Error).message}`);
        return;
      }
      this.declareOutage(unavailable.dependency, `outbox update: ${(e as Error).message}`, unavailable.probe);
      // Written once the database answers; if this process dies first, the leases run out and the rows are relayed again.
      this.unsettledDone.push(...pendingDone);
      this.unsettledRetries.push(...pending);
      const size = () => this.unsettledDone.length + this.unsettledRetries.reduce((n, r) => n + r.ids.length, 0);
      while (size() > MAX_UNSETTLED) {
        if (this.unsettledDone.length > 0) this.unsettledDone.splice(0, size() - MAX_UNSETTLED);
        else this.unsettledRetries.shift();
      }
    }
  }

  /** Writes what `settle` could not; false when it still cannot. */
  private async writeUnsettled(): Promise<boolean> {
    if (this.unsettledDone.length === 0 && this.unsettledRetries.length === 0) return true;
    const done = this.unsettledDone;
    const retries = this.unsettledRetries;
    this.unsettledDone = [];
    this.unsettledRetries = [];
    await this.settle(done, retries);
    return this.unsettledDone.length === 0 && this.unsettledRetries.length === 0;
  }
}

/** Claimed by the poller (it carries its attempt count), as opposed to committed by this process just now. */
function isClaimed(e: StoredEvent): boolean {
  return typeof (e as { attempts?: unknown }).attempts === 'number';
}

function summary(failures: readonly Failure[]): string {
  return failures.map((f) => `${f.subscriber}: ${f.message}`).join('; ');
}
