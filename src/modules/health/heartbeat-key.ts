import { hostname } from 'os';

/** How often a process running the queue workers writes its heartbeat. */
export const HEARTBEAT_EVERY_MS = 5000;
/** How long a heartbeat counts: six beats missed (a wedged event loop, a dead worker, Redis away) and it is gone. */
export const HEARTBEAT_TTL_MS = 30_000;

/** The heartbeat key of the workers on one host (a container): `<REDIS_PREFIX>:worker-heartbeat:<hostname>`. */
export function heartbeatKey(redisPrefix: string, host = hostname()): string {
  return `${redisPrefix}:worker-heartbeat:${host}`;
}

/** What the heartbeat key holds (JSON). */
export interface Heartbeat {
  pid: number;
  /** When it was written (ISO 8601). */
  at: string;
  workers: string[];
}
