import { JwtService } from '@nestjs/jwt';
import Redis from 'ioredis';
import { io, Socket } from 'socket.io-client';
import type { Response } from 'supertest';
import { expectError, PASSWORD, signup, uniqueSuffix } from './support/org-fixture';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Faults and hostile input: login throttling shared by processes (Redis) and per address across
 * accounts, TRUST_PROXY deciding the client address, CORS_ORIGINS on REST and socket.io, and
 * access tokens that must carry `exp`.
 */

/** startTestApp copies its overrides into process.env; put them back so later apps get their own. */
async function start(overrides: Record<string, string>, opts: { listen?: boolean; shareWith?: TestApp } = {}): Promise<TestApp> {
  const keys = ['LOGIN_THROTTLE_LIMIT', 'LOGIN_THROTTLE_ADDRESS_LIMIT', 'TRUST_PROXY', 'CORS_ORIGINS'];
  const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
  try {
    return await startTestApp(overrides, opts);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

const login = (t: TestApp, email: string, client?: string, password = 'wrong-password') => {
  const req = t.http().post('/api/v1/auth/login');
  if (client) req.set('X-Forwarded-For', client);
  return req.send({ email, password });
};
const ghost = () => `ghost-${uniqueSuffix()}@example.com`;
const statuses = (responses: Response[]) => responses.map((r) => r.status);

function connect(url: string, token: string, origin?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}/inbox`, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: origin ? { origin } : undefined,
    });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (e) => {
      socket.close();
      reject(e);
    });
  });
}

describe('login throttling, TRUST_PROXY, CORS, token lifetime', () => {
  /** Two "processes" on one database and one Redis prefix; proxies on loopback are trusted. */
  let a: TestApp;
  let b: TestApp;
  const sharedEnv = { LOGIN_THROTTLE_LIMIT: '3', LOGIN_THROTTLE_ADDRESS_LIMIT: '10', TRUST_PROXY: '127.0.0.0/8, ::1' };

  beforeAll(async () => {
    a = await start(sharedEnv, { listen: true });
    b = await start(sharedEnv, { shareWith: a });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  describe('counters shared by processes (Redis)', () => {
    it('attempts on one account through two instances count together: 429 after LOGIN_THROTTLE_LIMIT', async () => {
      const victim = await signup(a);
      const client = '198.51.100.1';
      for (const t of [a, b, a]) expectError(await login(t, victim.admin.email, client), 401);
      const blocked = await login(b, victim.admin.email, client, PASSWORD);
      expectError(blocked, 429);
      expect(blocked.body).not.toHaveProperty('accessToken');
      expectError(await login(a, victim.admin.email, client, PASSWORD), 429);
      // The same account from another client address is not locked out.
      expect((await login(a, victim.admin.email, '198.51.100.99', PASSWORD)).status).toBe(200);
    });

    it('stores the counters under REDIS_PREFIX with hashed keys (no email or address in Redis)', async () => {
      const redis = new Redis(a.env.REDIS_URL);
      try {
        const keys = await redis.keys(`${a.env.REDIS_PREFIX}:throttle:*`);
        expect(keys.length).toBeGreaterThan(0);
        for (const k of keys) expect(k).toMatch(new RegExp(`^${a.env.REDIS_PREFIX}:throttle:\\{[0-9a-f]{64}:(credentials|address)\\}:(hits|blocked)$`));
        expect(await redis.keys('*198.51.100.1*')).toEqual([]);
      } finally {
        redis.disconnect();
      }
    });
  });

  describe('per address across accounts', () => {
    it('50 accounts from one address: 429 after LOGIN_THROTTLE_ADDRESS_LIMIT attempts, on either instance', async () => {
      const client = '198.51.100.2';
      const results: Response[] = [];
      for (let i = 0; i < 50; i++) results.push(await login(i % 2 ? b : a, ghost(), client));
      expect(statuses(results)).toEqual([...Array(10).fill(401), ...Array(40).fill(429)]);
      const last = results[49];
      expect(last.body.error).toBe('Too Many Requests');
      expect(Number(last.headers['retry-after-address'])).toBeGreaterThan(0);
      // Another address is unaffected.
      expectError(await login(a, ghost(), '198.51.100.3'), 401);
    });
  });

  describe('TRUST_PROXY', () => {
    it('trusted proxy (CIDRs): X-Forwarded-For client addresses are counted apart', async () => {
      const results: Response[] = [];
      for (let i = 0; i < 12; i++) results.push(await login(a, ghost(), `203.0.113.${i + 1}`));
      expect(statuses(results)).toEqual(Array(12).fill(401));
    });

    it('untrusted (default false): X-Forwarded-For is ignored, every request is the socket peer', async () => {
      const c = await start({ LOGIN_THROTTLE_ADDRESS_LIMIT: '3' });
      try {
        const results: Response[] = [];
        for (let i = 0; i < 5; i++) results.push(await login(c, ghost(), `203.0.113.${i + 1}`));
        expect(statuses(results)).toEqual([401, 401, 401, 429, 429]);
      } finally {
        await c.close();
      }
    });

    it('hops: only the address the trusted proxy appended counts, not what the client put before it', async () => {
      const d = await start({ LOGIN_THROTTLE_ADDRESS_LIMIT: '2', TRUST_PROXY: '1' });
      try {
        const spoofed = [`10.9.8.7, 198.51.100.20`, `10.9.8.6, 198.51.100.20`, `1.2.3.4, 198.51.100.20`];
        expect(statuses([await login(d, ghost(), spoofed[0]), await login(d, ghost(), spoofed[1]), await login(d, ghost(), spoofed[2])])).toEqual([401, 401, 429]);
        expectError(await login(d, ghost(), '10.9.8.7, 198.51.100.21'), 401);
      } finally {
        await d.close();
      }
    });
  });

  describe('CORS_ORIGINS (default: the PUBLIC_URL origin, http://omni.test here)', () => {
    const allowed = 'http://omni.test';
    const evil = 'http://evil.test';

    it('REST: the allowed origin gets Access-Control-Allow-Origin, another origin no CORS header', async () => {
      const ok = await a.http().get('/health').set('Origin', allowed);
      expect(ok.headers['access-control-allow-origin']).toBe(allowed);
      expect(ok.headers['access-control-allow-credentials']).toBe('true');
      const preflight = await a.http().options('/api/v1/auth/login').set('Origin', allowed).set('Access-Control-Request-Method', 'POST').set('Access-Control-Request-Headers', 'content-type');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe(allowed);
      expect(preflight.headers['access-control-allow-methods']).toMatch(/POST/);

      const other = await a.http().get('/health').set('Origin', evil);
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
      expect(other.headers['access-control-allow-credentials']).toBeUndefined();
      const otherPreflight = await a.http().options('/api/v1/auth/login').set('Origin', evil).set('Access-Control-Request-Method', 'POST');
      expect(otherPreflight.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('socket.io: the allowed origin connects; another origin is refused on WebSocket and polling', async () => {
      const { admin } = await signup(a);
      const socket = await connect(a.url!, admin.token, allowed);
      expect(socket.connected).toBe(true);
      socket.close();
      // A page served by this server itself (Origin host = Host) and clients without an Origin connect too.
      (await connect(a.url!, admin.token, a.url!)).close();
      (await connect(a.url!, admin.token)).close();

      await expect(connect(a.url!, admin.token, evil)).rejects.toThrow();
      const refused = await a.http().get('/socket.io/?EIO=4&transport=polling').set('Origin', evil);
      expect(refused.status).toBe(400);
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
      const polling = await a.http().get('/socket.io/?EIO=4&transport=polling').set('Origin', allowed);
      expect(polling.status).toBe(200);
      expect(polling.headers['access-control-allow-origin']).toBe(allowed);
    });

    it('an explicit CORS_ORIGINS list replaces the default', async () => {
      const e = await start({ CORS_ORIGINS: 'https://console.example.com,https://admin.example.com' });
      try {
        const consoleOrigin = await e.http().get('/health').set('Origin', 'https://console.example.com');
        expect(consoleOrigin.headers['access-control-allow-origin']).toBe('https://console.example.com');
        const publicUrl = await e.http().get('/health').set('Origin', allowed);
        expect(publicUrl.headers['access-control-allow-origin']).toBeUndefined();
      } finally {
        await e.close();
      }
    });
  });

  describe('access tokens must carry exp', () => {
    it('refuses a token signed without exp, with iat in the future, or without iat (REST and socket)', async () => {
      const { admin } = await signup(a);
      const jwt = new JwtService({ secret: a.env.JWT_SECRET });
      const { sub, org, tv } = jwt.decode(admin.token) as { sub: string; org: string; tv: number };
      const now = Math.floor(Date.now() / 1000);

      const control = jwt.sign({ sub, org, tv }, { expiresIn: '1h' });
      await a.as(control).get('/api/v1/me').expect(200);

      const noExp = jwt.sign({ sub, org, tv });
      expect(jwt.decode(noExp)).not.toHaveProperty('exp');
      const future = jwt.sign({ sub, org, tv, iat: now + 3600 }, { expiresIn: '2h' });
      const noIat = jwt.sign({ sub, org, tv, exp: now + 3600 }, { noTimestamp: true });
      for (const token of [noExp, future, noIat]) expectError(await a.as(token).get('/api/v1/me'), 401);

      await expect(connect(a.url!, noExp)).rejects.toThrow(/unauthorized/);
      (await connect(a.url!, control)).close();
    });
  });
});
