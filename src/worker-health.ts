import Redis from 'ioredis';
import { ConfigValidationError, loadAppConfig } from './infra/config/app.config';
import { Heartbeat, heartbeatKey } from './modules/health/heartbeat-key';

/**
 * `npm run health:worker` (`node dist/src/worker-health.js`): exits 0 when the queue workers on
 * this host (same hostname, same REDIS_URL and REDIS_PREFIX) wrote their heartbeat within the
 * last 30 s, 1 otherwise — a Docker HEALTHCHECK for the worker process, which has no HTTP
 * server. Prints one JSON line saying why. Never waits more than 5 s.
 */
export async function workerHealth(env: Record<string, string | undefined>): Promise<{ healthy: boolean; detail: Record<string, unknown> }> {
  const cfg = loadAppConfig(env);
  const key = heartbeatKey(cfg.redisPrefix);
  const redis = new Redis(cfg.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000, retryStrategy: () => null, enableOfflineQueue: false });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const raw = await redis.get(key);
    if (!raw) return { healthy: false, detail: { key, reason: 'no heartbeat: no worker running on this host, or it stopped beating' } };
    const beat = JSON.parse(raw) as Heartbeat;
    return { healthy: true, detail: { key, ...beat, ageMs: Date.now() - new Date(beat.at).getTime() } };
  } catch (e) {
    return { healthy: false, detail: { key, reason: `redis: ${(e as Error).message}` } };
  } finally {
    redis.disconnect();
  }
}

if (require.main === module) {
  const deadline = setTimeout(() => {
    console.log(JSON.stringify({ healthy: false, reason: 'no answer within 5 s' }));
    process.exit(1);
  }, 5000);
  workerHealth(process.env)
    .then(({ healthy, detail }) => {
      clearTimeout(deadline);
      console.log(JSON.stringify({ healthy, ...detail }));
      process.exit(healthy ? 0 : 1);
    })
    .catch((e: unknown) => {
      console.log(JSON.stringify({ healthy: false, reason: e instanceof ConfigValidationError ? e.message : String(e) }));
      process.exit(1);
    });
}
