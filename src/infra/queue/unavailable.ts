import type { Queue } from 'bullmq';
import { databaseUnavailable } from '../http/http-exception.filter';

/**
 * Failures that a retry fixes once a dependency is back (docs/operations-faults.md). A
 * subscriber of the event relay throws `DependencyUnavailableError` when Redis (or PostgreSQL)
 * cannot be reached: the relay keeps the events in the outbox, stops spending their attempts
 * while the dependency is down and relays them as soon as its `probe` answers again.
 */

export type Dependency = 'redis' | 'database';

/** A cheap check that the dependency answers again (PING, SELECT 1); rejects while it does not. */
export interface DependencyProbe {
  readonly name: string;
  check(): Promise<unknown>;
}

export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: Dependency,
    message: string,
    readonly probe?: DependencyProbe,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DependencyUnavailableError';
  }
}

/** The longest a relay subscriber waits for one BullMQ call (queue.add / remove) before the event is retried later. */
export const QUEUE_CALL_TIMEOUT_MS = 3000;
/** The longest a probe may take. */
export const PROBE_TIMEOUT_MS = 2000;

/**
 * `work` if it settles within `ms`, else a `DependencyUnavailableError`; a rejection of `work`
 * becomes one too. `work` may still complete afterwards (BullMQ's connections queue commands
 * while Redis is away: `maxRetriesPerRequest: null`), so callers must be idempotent, e.g. a job
 * id that makes a second add a no-op. Its late rejection is swallowed, never unhandled.
 */
export function within<T>(work: Promise<T>, ms: number, dependency: Dependency, what: string, probe?: DependencyProbe): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DependencyUnavailableError(dependency, `${what}: no answer from ${dependency} within ${ms} ms`, probe)), ms);
    timer.unref?.();
  });
  work.catch(() => undefined);
  const failed = (e: unknown): never => {
    if (e instanceof DependencyUnavailableError) throw e;
    throw new DependencyUnavailableError(dependency, `${what}: ${e instanceof Error ? e.message : String(e)}`, probe, { cause: e });
  };
  return Promise.race([work, timeout]).then(
    (v) => {
      clearTimeout(timer);
      return v;
    },
    (e: unknown) => {
      clearTimeout(timer);
      return failed(e);
    },
  );
}

/** PING on the queue's own connection: the one `queue.add` needs. Its failure carries itself as the probe. */
export function queueProbe(queue: Queue): DependencyProbe {
  const probe: DependencyProbe = {
    name: `queue ${queue.name}`,
    // The Redis backend's client is a proxy over the ioredis connection (typed as BullMQ's own abstract client, which has no ping).
    check: () =>
      within(
        queue.getBackend().client.then((c) => (c as unknown as { ping(): Promise<string> }).ping()),
        PROBE_TIMEOUT_MS,
        'redis',
        `PING (queue ${queue.name})`,
        probe,
      ),
  };
  return probe;
}

/** A BullMQ call bounded by QUEUE_CALL_TIMEOUT_MS; any failure is Redis being unavailable (DependencyUnavailableError). */
export function queueCall<T>(queue: Queue, what: string, work: () => Promise<T>): Promise<T> {
  let started: Promise<T>;
  try {
    started = work();
  } catch (e) {
    started = Promise.reject(e);
  }
  return within(started, QUEUE_CALL_TIMEOUT_MS, 'redis', what, queueProbe(queue));
}

/** The dependency a failure says is unavailable (and how to tell when it is back), or null for any other failure. */
export function unavailableDependency(e: unknown): { dependency: Dependency; probe?: DependencyProbe } | null {
  if (e instanceof DependencyUnavailableError) return { dependency: e.dependency, probe: e.probe };
  if (databaseUnavailable(e)) return { dependency: 'database' };
  return null;
}
