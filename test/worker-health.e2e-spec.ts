import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { execFile } from 'child_process';
import Redis from 'ioredis';
import { join } from 'path';
import { AppModule } from '../src/app.module';
import { HEARTBEAT_TTL_MS, heartbeatKey } from '../src/modules/health/heartbeat-key';
import { workerHealth } from '../src/worker-health';
import { eventually } from './support/queues';
import { startTestApp, TestApp } from './support/test-app';

/** `npm run health:worker`, run from source: exit code and its one JSON line. */
function healthCommand(env: Record<string, string>): Promise<{ code: number; out: Record<string, unknown> }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join(__dirname, '../src/worker-health.ts')],
      { env: { ...process.env, ...env, TS_NODE_PROJECT: join(__dirname, '../tsconfig.json') }, timeout: 120000 },
      (err, stdout) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: JSON.parse(stdout.trim().split('\n').pop() || '{}') }),
    );
  });
}

/**
 * The worker process has no HTTP server: its health is a heartbeat in Redis, written while its
 * queue workers run, and `npm run health:worker` exits 0/1 on it (a Docker healthcheck).
 */
describe('worker health (heartbeat + health:worker command)', () => {
  let t: TestApp;
  let worker: INestApplicationContext | undefined;
  let redis: Redis;

  beforeAll(async () => {
    // The API without workers, as when `npm run start:worker` runs them apart.
    t = await startTestApp({ RUN_WORKERS: 'false' });
    redis = new Redis(t.env.REDIS_URL);
  }, 180000);
  afterAll(async () => {
    await worker?.close();
    redis.disconnect();
    await t.close();
  });

  it('reports unhealthy while no worker runs: the API process alone writes no heartbeat', async () => {
    expect(await redis.exists(heartbeatKey(t.env.REDIS_PREFIX))).toBe(0);
    const res = await workerHealth(t.env);
    expect(res).toEqual({ healthy: false, detail: { key: heartbeatKey(t.env.REDIS_PREFIX), reason: expect.stringMatching(/no heartbeat/) } });
  });

  it('exits 0 while a worker-only context runs, and 1 once it has stopped', async () => {
    process.env.RUN_WORKERS = 'true';
    worker = await NestFactory.createApplicationContext(AppModule, { logger: false });
    await worker.init();
    const key = heartbeatKey(t.env.REDIS_PREFIX);
    await eventually(async () => (await redis.exists(key)) === 1);
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(HEARTBEAT_TTL_MS);

    const up = await healthCommand(t.env);
    expect(up).toEqual({ code: 0, out: expect.objectContaining({ healthy: true, key, pid: process.pid, workers: expect.arrayContaining(['outbound', 'notifications']) }) });

    await worker.close();
    worker = undefined;
    expect(await redis.exists(key)).toBe(0);
    const down = await healthCommand(t.env);
    expect(down).toEqual({ code: 1, out: expect.objectContaining({ healthy: false, key }) });
  }, 180000);

  it('exits 1 when Redis cannot be reached', async () => {
    const res = await healthCommand({ ...t.env, REDIS_URL: 'redis://127.0.0.1:1' });
    expect(res.code).toBe(1);
    expect(res.out).toMatchObject({ healthy: false, reason: expect.stringMatching(/^redis: /) });
  }, 120000);
});
