import { loadAppConfig } from '../../infra/config/app.config';
import type { StoredEvent } from '../events/domain-events';
import { Metrics } from './metrics';
import { bearerMatches } from './metrics.controller';

describe('metrics', () => {
  const env = { JWT_SECRET: 'x'.repeat(16), SECRETS_KEY: Buffer.alloc(32, 1).toString('base64') };

  it('reads METRICS_TOKEN (optional, at least 16 characters) and READY_MAX_OUTBOX_BACKLOG', () => {
    expect(loadAppConfig(env)).toMatchObject({ metricsToken: undefined, readyMaxOutboxBacklog: 10000 });
    expect(loadAppConfig({ ...env, METRICS_TOKEN: 'scrape-token-0123456789', READY_MAX_OUTBOX_BACKLOG: '50' })).toMatchObject({ metricsToken: 'scrape-token-0123456789', readyMaxOutboxBacklog: 50 });
    expect(() => loadAppConfig({ ...env, METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
    expect(() => loadAppConfig({ ...env, READY_MAX_OUTBOX_BACKLOG: '-1' })).toThrow(/READY_MAX_OUTBOX_BACKLOG/);
  });

  it('accepts exactly the configured bearer token', () => {
    expect(bearerMatches('Bearer s3cret-token-0123456789', 's3cret-token-0123456789')).toBe(true);
    expect(bearerMatches('bearer  s3cret-token-0123456789 ', 's3cret-token-0123456789')).toBe(true);
    expect(bearerMatches('Bearer s3cret-token-012345678', 's3cret-token-0123456789')).toBe(false);
    expect(bearerMatches('s3cret-token-0123456789', 's3cret-token-0123456789')).toBe(false);
    expect(bearerMatches(undefined, 's3cret-token-0123456789')).toBe(false);
  });

  it('times commit → socket only for the events the realtime subscriber emits', async () => {
    const m = new Metrics();
    const at = new Date(1_000_000);
    const ev = (type: string) => ({ id: '1', type, orgId: 'o', actorId: null, conversationId: 'c', customerId: null, data: {}, occurredAt: at }) as unknown as StoredEvent;
    m.emittedToSockets([ev('message.created'), ev('conversation.opened'), ev('conversation.changed')], 1_000_250);
    const text = await m.registry.metrics();
    expect(text).toContain('omni_event_commit_to_socket_seconds_sum{type="message.created"} 0.25');
    expect(text).toContain('omni_event_commit_to_socket_seconds_count{type="conversation.changed"} 1');
    expect(text).not.toContain('type="conversation.opened"');
  });

  it('keeps registries apart, with the default process metrics in each', async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.jobFailures.inc({ queue: 'outbound' });
    expect(await a.registry.getSingleMetricAsString('omni_job_failures_total')).toContain('omni_job_failures_total{queue="outbound"} 1');
    expect(await b.registry.getSingleMetricAsString('omni_job_failures_total')).not.toContain('queue="outbound"');
    expect(await b.registry.metrics()).toContain('process_cpu_user_seconds_total');
  });
});
