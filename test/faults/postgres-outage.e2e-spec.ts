import { io, Socket } from 'socket.io-client';
import { lineEvent, lineWebhook } from '../fixtures/providers';
import { createChannel, postWebhook, TestChannel } from '../support/channels';
import { newLineUserId } from '../support/inbox';
import { SeedOrg, seedOrg } from '../support/org-fixture';
import { OwnPostgres, OwnRedis, ownServicesUnavailable } from '../support/own-services';
import { eventually } from '../support/queues';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * A PostgreSQL outage (docs/operations-faults.md), on a private PostgreSQL: stopped for 5 s
 * while webhooks arrive from several senders at once. Requests answer 503 with `Retry-After`
 * (never hang, never 500), /health answers 503 naming the database; PostgreSQL is started
 * again and the server recovers by itself: webhooks are answered 200 again, and every
 * webhook that was acknowledged (200) is stored and reached the socket.
 */
const unavailable = ownServicesUnavailable();
if (unavailable) console.warn(`skipping the PostgreSQL outage test: ${unavailable}`);
(unavailable ? describe.skip : describe)('fault: PostgreSQL outage', () => {
  const ACQUIRE_TIMEOUT_MS = 3000;
  let redis: OwnRedis;
  let pg: OwnPostgres;
  let t: TestApp;
  let org: SeedOrg;
  let line: TestChannel;
  let socket: Socket | undefined;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    [redis, pg] = await Promise.all([new OwnRedis().start(), new OwnPostgres().init()]);
    const url = await pg.migratedDatabase('omni_fault_pg');
    t = await startTestApp(
      {
        DATABASE_URL: url,
        REDIS_URL: redis.url,
        REDIS_PREFIX: 'omni_fault_pg',
        EVENT_RELAY_POLL_MS: '200',
        EVENT_RELAY_LEASE_SECONDS: '5',
        DATABASE_ACQUIRE_TIMEOUT_MS: String(ACQUIRE_TIMEOUT_MS),
      },
      { listen: true, ownDatabase: true, ownRedis: true },
    );
    org = await seedOrg(t);
    line = await createChannel(t, org.admin.token, 'line');
  }, 60000);

  afterAll(async () => {
    process.off('unhandledRejection', onRejection);
    socket?.close();
    await t?.close().catch(() => undefined);
    await redis?.stop();
    await pg?.destroy();
  }, 30000);

  it('answers 503 (never hangs) while PostgreSQL is down, recovers by itself and loses nothing acknowledged', async () => {
    const received: any[] = [];
    socket = await new Promise<Socket>((resolve, reject) => {
      const s = io(`${t.url}/inbox`, { auth: { token: org.admin.token }, transports: ['websocket'], forceNew: true, reconnectionDelay: 200, reconnectionDelayMax: 1000 });
      s.on('message.created', (m) => received.push(m));
      s.once('connect', () => resolve(s));
      s.once('connect_error', reject);
    });

    interface Outcome {
      text: string;
      status: number;
      ms: number;
      retryAfter?: string;
      at: number;
    }
    const outcomes: Outcome[] = [];
    let sending = true;
    let n = 0;
    const customers = Array.from({ length: 6 }, () => newLineUserId());
    const sender = async (k: number) => {
      while (sending) {
        const text = `load ${k}-${++n}`;
        const started = Date.now();
        const res = await postWebhook(t, line, lineWebhook(line.externalId, [lineEvent({ userId: customers[n % customers.length], text, timestamp: Date.now() })])).timeout(20000);
        outcomes.push({ text, status: res.status, ms: Date.now() - started, retryAfter: res.headers['retry-after'], at: Date.now() });
        await sleep(res.status === 200 ? 50 : 200);
      }
    };
    const senders = [1, 2, 3, 4].map(sender);
    await sleep(1500);

    const stoppedAt = Date.now();
    await pg.stop('fast');
    const health = await eventually(async () => {
      const res = await t.http().get('/health').timeout(10000);
      return res.status === 503 && res.body.error?.database ? res : null;
    }, 10000);
    expect(health.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } }, info: { redis: { status: 'up' } } });
    expect(health.headers['retry-after']).toBe('1');
    await sleep(Math.max(0, 5000 - (Date.now() - stoppedAt)));
    await pg.start();
    const startedAt = Date.now();

    // Recovery by itself: webhooks are acknowledged again.
    await eventually(async () => outcomes.filter((o) => o.at > startedAt && o.status === 200).length >= 8, 20000);
    await sleep(1000);
    sending = false;
    await Promise.all(senders);

    const during = outcomes.filter((o) => o.at > stoppedAt && o.at < startedAt);
    expect(during.some((o) => o.status === 503)).toBe(true);
    // Only 200 or 503 (with Retry-After), and no request waited long: a bounded wait, never a hang.
    expect(outcomes.filter((o) => o.status !== 200 && o.status !== 503).map((o) => `${o.status} ${o.text}`)).toEqual([]);
    expect(outcomes.filter((o) => o.status === 503 && o.retryAfter !== '1')).toEqual([]);
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(10000);
    // Once recovered, it stays recovered.
    const last = outcomes.slice(-8);
    expect(last.map((o) => o.status)).toEqual(last.map(() => 200));

    // Nothing acknowledged is lost: stored, and relayed to the socket.
    const acknowledged = outcomes.filter((o) => o.status === 200).map((o) => o.text);
    const stored = new Set((await t.query<{ text: string }>(`SELECT text FROM messages WHERE direction = 'in' AND text LIKE 'load %'`)).map((r) => r.text));
    expect(acknowledged.filter((x) => !stored.has(x))).toEqual([]);
    await eventually(async () => acknowledged.every((x) => received.some((m) => m.text === x)), 30000).catch(() => {
      throw new Error(`socket missed ${acknowledged.filter((x) => !received.some((m) => m.text === x)).join(', ')}`);
    });
    await eventually(async () => (await t.query(`SELECT count(*)::int AS n FROM event_outbox`))[0].n === 0, 30000);
    expect((await t.http().get('/health')).status).toBe(200);
    await t.as(org.admin.token).get('/api/v1/me').expect(200);
    expect(rejections).toEqual([]);
  }, 90000);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
