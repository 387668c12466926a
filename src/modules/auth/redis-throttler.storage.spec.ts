import type { ThrottlerStorage } from '@nestjs/throttler';
import Redis from 'ioredis';
import { restCorsOptions, socketCorsOptions } from './cross-origin';
import { FailOpenThrottlerStorage, RedisThrottlerStorage } from './redis-throttler.storage';

const record = { totalHits: 3, timeToExpire: 60, isBlocked: true, timeToBlockExpire: 60 };

describe('FailOpenThrottlerStorage', () => {
  const warnings: string[] = [];
  const logger = { warn: (m: string) => void warnings.push(m) };
  beforeEach(() => warnings.splice(0));

  it('answers what the storage answers', async () => {
    const inner: ThrottlerStorage = { increment: async () => record };
    await expect(new FailOpenThrottlerStorage(inner, logger).increment('k', 60000, 5, 60000, 'credentials')).resolves.toEqual(record);
    expect(warnings).toEqual([]);
  });

  it('lets the request through with a warning when the storage fails', async () => {
    const inner: ThrottlerStorage = { increment: async () => Promise.reject(new Error('ECONNREFUSED')) };
    const storage = new FailOpenThrottlerStorage(inner, logger);
    await expect(storage.increment('k', 60000, 5, 60000, 'credentials')).resolves.toEqual({ totalHits: 0, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
    await storage.increment('k', 60000, 5, 60000, 'address');
    expect(warnings).toHaveLength(1); // at most one warning per interval
    expect(warnings[0]).toMatch(/ECONNREFUSED.*let through/);
  });

  it('waits a bounded time for a storage that does not answer', async () => {
    const inner: ThrottlerStorage = { increment: () => new Promise(() => undefined) };
    const started = Date.now();
    const res = await new FailOpenThrottlerStorage(inner, logger, 100).increment('k', 60000, 5, 60000, 'credentials');
    expect(res.isBlocked).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(warnings[0]).toMatch(/no answer within 100 ms/);
  });
});

describe('RedisThrottlerStorage', () => {
  const cfg = (prefix: string) => ({ redisPrefix: prefix }) as never;

  it('counts in Redis under <REDIS_PREFIX>:throttle:, shared by every instance, and blocks beyond the limit', async () => {
    const prefix = `spec-throttle-${process.pid}-${Date.now()}`;
    const shared = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
    const a = new RedisThrottlerStorage(shared, cfg(prefix));
    const b = new RedisThrottlerStorage(shared, cfg(prefix));
    try {
      expect((await a.increment('key', 60000, 2, 60000, 'credentials')).totalHits).toBe(1);
      expect((await b.increment('key', 60000, 2, 60000, 'credentials')).isBlocked).toBe(false);
      const third = await a.increment('key', 60000, 2, 60000, 'credentials');
      expect(third).toMatchObject({ totalHits: 3, isBlocked: true });
      expect(third.timeToBlockExpire).toBeGreaterThan(0);
      expect((await shared.keys(`${prefix}:*`)).sort()).toEqual([`${prefix}:throttle:{key:credentials}:blocked`, `${prefix}:throttle:{key:credentials}:hits`]);
    } finally {
      const keys = await shared.keys(`${prefix}:*`);
      if (keys.length) await shared.del(...keys);
      await a.onApplicationShutdown();
      await b.onApplicationShutdown();
      shared.disconnect();
    }
  });

  it('fails open, quickly, when Redis cannot be reached', async () => {
    const shared = new Redis('redis://127.0.0.1:1', { lazyConnect: true, retryStrategy: () => 5000 });
    const storage = new RedisThrottlerStorage(shared, cfg('unreachable'));
    try {
      const started = Date.now();
      const res = await storage.increment('key', 60000, 1, 60000, 'credentials');
      expect(res.isBlocked).toBe(false);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await storage.onApplicationShutdown();
      shared.disconnect();
      // ioredis gives a closed socket 2 s to report 'close' after disconnect(); let that timer run out here
      await new Promise((r) => setTimeout(r, 2100));
    }
  });
});

describe('cross-origin policy', () => {
  const run = (opts: any, origin: string | undefined, host = 'inbox.example.com') =>
    new Promise<{ err: Error | null; options?: any }>((resolve) => opts({ headers: { origin, host } }, (err: Error | null, options?: unknown) => resolve({ err, options })));

  it('REST: reflects an allowed origin, gives any other none', async () => {
    const { origin } = restCorsOptions(['https://console.example.com']) as { origin: (o: string | undefined, cb: (e: Error | null, v?: unknown) => void) => void };
    const decide = (o: string | undefined) => new Promise((r) => origin(o, (_e, v) => r(v)));
    await expect(decide('https://console.example.com')).resolves.toBe('https://console.example.com');
    await expect(decide('https://evil.example.com')).resolves.toBe(false);
    await expect(decide(undefined)).resolves.toBe(false);
  });

  it('sockets: refuses other origins; lets in allowed ones, same-host pages and clients without Origin', async () => {
    const opts = socketCorsOptions(['https://console.example.com']);
    expect((await run(opts, 'https://console.example.com')).options).toMatchObject({ origin: 'https://console.example.com', credentials: true });
    expect((await run(opts, 'https://inbox.example.com')).err).toBeNull();
    expect((await run(opts, undefined)).options).toEqual({ origin: false });
    expect((await run(opts, 'https://evil.example.com')).err?.message).toMatch(/not allowed/);
    expect((await run(opts, 'null')).err).not.toBeNull();
  });
});
