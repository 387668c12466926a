import { createChannel, TestChannel } from './support/channels';
import { customerSays, newLineUserId } from './support/inbox';
import { SeedOrg,seedOrg } from './support/org-fixture';
import { OwnRedis } from './support/own-services';
import { eventually } from './support/queues';
import { connectInbox, InboxClient, settle } from './support/sockets';
import { startTestApp, TestApp } from './support/test-app';

const TOKEN = 'metrics-token-0123456789';

/** The value of one series in a Prometheus text exposition (`name{a="x",…} value`), labels matched as a subset. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

/**
 * Operations (docs/operations.md): `GET /metrics` after a customer of 台中北屯門市 writes in over
 * LINE and the admin's socket gets it, protected by METRICS_TOKEN; liveness and readiness.
 */
describe('metrics and health probes', () => {
  let t: TestApp;
  let org: SeedOrg;
  let line: TestChannel;
  let socket: InboxClient;

  const scrape = () => t.http().get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);

  beforeAll(async () => {
    t = await startTestApp({ METRICS_TOKEN: TOKEN, READY_MAX_OUTBOX_BACKLOG: '2' }, { listen: true });
    org = await seedOrg(t);
    line = await createChannel(t, org.admin.token, 'line');
    socket = await connectInbox(t.url!, org.admin.token);
  }, 180000);
  afterAll(async () => {
    socket?.close();
    await t.close();
    delete process.env.METRICS_TOKEN;
    delete process.env.READY_MAX_OUTBOX_BACKLOG;
  });

  it('requires the METRICS_TOKEN bearer when it is set', async () => {
    expect((await t.http().get('/metrics')).status).toBe(401);
    expect((await t.http().get('/metrics').set('Authorization', 'Bearer wrong-token-0123456789')).status).toBe(401);
    // A member's JWT is not the metrics token.
    expect((await t.http().get('/metrics').set('Authorization', `Bearer ${org.admin.token}`)).status).toBe(401);
    const res = await scrape();
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
  });

  it('serves the named series after a webhook and its socket event', async () => {
    await customerSays(t, line, newLineUserId(), '請問營業時間?');
    await settle();
    await eventually(async () => socket.of('message.created').length > 0 || socket.received.length > 0);
    const text = (await scrape()).text;

    // HTTP latency by method, route template and status: the webhook's route, never its raw URL.
    expect(sample(text, 'omni_http_request_duration_seconds_count', { method: 'POST', route: '/webhooks/line/:channelAccountId', status: '200' })).toBe(1);
    expect(sample(text, 'omni_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/channel-accounts', status: '201' })).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(line.id);
    // Webhook arrival → commit of its ingest, and commit → socket fan-out.
    expect(sample(text, 'omni_webhook_commit_seconds_count', { channel: 'line' })).toBe(1);
    expect(sample(text, 'omni_webhook_commit_seconds_bucket', { channel: 'line', le: '+Inf' })).toBe(1);
    expect(sample(text, 'omni_event_commit_to_socket_seconds_count', { type: 'message.created' })).toBeGreaterThanOrEqual(1);
    // Read at scrape time: queues, job failures, sockets, the pool, the outbox.
    for (const queue of ['outbound', 'notifications']) {
      expect(sample(text, 'omni_queue_up', { queue })).toBe(1);
      for (const state of ['waiting', 'active', 'delayed', 'failed']) expect(sample(text, 'omni_queue_jobs', { queue, state })).toBe(0);
    }
    expect(sample(text, 'omni_job_failures_total', { queue: 'outbound' })).toBe(0);
    expect(sample(text, 'omni_open_sockets')).toBe(1);
    expect(sample(text, 'omni_db_pool_connections', { state: 'total' })).toBe(5);
    expect(sample(text, 'omni_db_pool_connections', { state: 'idle' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'omni_db_pool_connections', { state: 'waiting' })).toBe(0);
    expect(sample(text, 'omni_event_outbox_backlog')).toBe(0);
    // Node's own process metrics.
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    // A route with an id is one series, whatever the id.
    await t.as(org.admin.token).get(`/api/v1/units/${org.units.beitun}`);
    const after = (await scrape()).text;
    expect(after).toMatch(/omni_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/units\/:id",status="\d+"\} 1/);
    expect(after).not.toContain(org.units.beitun);
  });

  it('answers liveness and readiness, and /health without a duplicated database entry', async () => {
    const live = await t.http().get('/health/live').expect(200);
    expect(live.body).toMatchObject({ status: 'ok', info: { process: { status: 'up', pid: process.pid } } });
    const ready = await t.http().get('/health/ready').expect(200);
    expect(ready.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, redis: { status: 'up' }, outbox: { status: 'up', pending: 0, max: 2 } } });
    const health = await t.http().get('/health').expect(200);
    expect(Object.keys(health.body.info).sort()).toEqual(['database', 'outbox', 'redis']);
  });

  it('is not ready while the outbox backlog is above READY_MAX_OUTBOX_BACKLOG', async () => {
    // Three committed events leased far ahead: no relay takes them during this test.
    const rows = await t.query(
      `WITH ins AS (INSERT INTO domain_events (org_id, type, data) SELECT $1, 'directory.changed', '{}' FROM generate_series(1, 3) RETURNING id)
       INSERT INTO event_outbox (event_id, lease_until) SELECT id, now() + interval '1 hour' FROM ins RETURNING event_id`,
      [org.orgId],
    );
    try {
      const res = await t.http().get('/health/ready').expect(503);
      expect(res.body).toMatchObject({ status: 'error', error: { outbox: { status: 'down', pending: 3, max: 2 } }, info: { database: { status: 'up' } } });
      expect(res.headers['retry-after']).toBe('1');
      await t.http().get('/health/live').expect(200);
      // /health reports the backlog as information only.
      await t.http().get('/health').expect(200);
      expect(sample((await scrape()).text, 'omni_event_outbox_backlog')).toBe(3);
    } finally {
      await t.query(`DELETE FROM event_outbox WHERE event_id = ANY($1::bigint[])`, [rows.map((r: { event_id: string }) => r.event_id)]);
    }
    await t.http().get('/health/ready').expect(200);
  });

  it('is not ready while its Redis is down, yet stays live; open /metrics without a token', async () => {
    delete process.env.METRICS_TOKEN;
    const redis = await new OwnRedis().start();
    const b = await startTestApp({ REDIS_URL: redis.url, RUN_WORKERS: 'false', READY_MAX_OUTBOX_BACKLOG: '10000' }, { shareWith: t, ownRedis: true });
    try {
      await b.http().get('/health/ready').expect(200);
      const open = await b.http().get('/metrics').expect(200);
      expect(sample(open.text, 'omni_queue_up', { queue: 'outbound' })).toBe(1);

      await redis.stop();
      const down = await eventually(async () => {
        const res = await b.http().get('/health/ready');
        return res.status === 503 ? res : null;
      });
      expect(down.body).toMatchObject({ status: 'error', error: { redis: { status: 'down' } }, info: { database: { status: 'up' } } });
      await b.http().get('/health/live').expect(200);
      // Queue counts cannot be read: the scrape still answers (bounded), saying so.
      const scraped = await b.http().get('/metrics').expect(200);
      expect(sample(scraped.text, 'omni_queue_up', { queue: 'outbound' })).toBe(0);
      expect(sample(scraped.text, 'omni_queue_jobs', { queue: 'outbound', state: 'waiting' })).toBeUndefined();
    } finally {
      await redis.start();
      await b.close();
      await redis.stop();
    }
  }, 180000);
});
