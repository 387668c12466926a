import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { StoredEvent } from '../events/domain-events';

/** Seconds, from 5 ms to 30 s: request handling, webhook ingest and event relay all fall in there. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The route label of a request no route matched (a 404): never the raw URL, so the label set stays bounded. */
export const UNMATCHED_ROUTE = '<unmatched>';

/** The event types the realtime subscriber turns into socket events (realtime.subscriber.ts). */
const SOCKET_EVENT_TYPES: ReadonlySet<string> = new Set(['conversation.changed', 'message.created', 'message.updated', 'members.permissions_changed', 'member.deactivated', 'member.presence_changed']);

/**
 * Every series `GET /metrics` serves (docs/operations.md lists them with their meaning), on a
 * registry of this application's own: two apps in one process (tests) never share counters.
 * Writers call the `observe…`/`inc…` methods; values read at scrape time are set by
 * MetricsCollector just before the registry is serialised.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'omni_http_request_duration_seconds',
    help: 'HTTP request latency, from arrival to the response being sent, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly webhookCommit = new Histogram({
    name: 'omni_webhook_commit_seconds',
    help: 'Provider webhook latency, from the request arriving to the commit of its ingest transaction, by channel',
    labelNames: ['channel'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly commitToSocket = new Histogram({
    name: 'omni_event_commit_to_socket_seconds',
    help: 'Latency from a domain event being recorded (in its committing transaction) to its socket fan-out, by event type',
    labelNames: ['type'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly jobFailures = new Counter({
    name: 'omni_job_failures_total',
    help: 'Failed job attempts processed by this process, per queue (a retried attempt counts too)',
    labelNames: ['queue'] as const,
    registers: [this.registry],
  });

  readonly queueJobs = new Gauge({
    name: 'omni_queue_jobs',
    help: 'Jobs per queue and state (waiting, active, delayed, failed), read from Redis at scrape time',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });

  readonly queueUp = new Gauge({
    name: 'omni_queue_up',
    help: '1 when the queue counts could be read from Redis at this scrape, 0 when not (the counts are then absent)',
    labelNames: ['queue'] as const,
    registers: [this.registry],
  });

  readonly openSockets = new Gauge({
    name: 'omni_open_sockets',
    help: 'Socket.io connections open on this process (inbox namespace)',
    registers: [this.registry],
  });

  readonly dbPool = new Gauge({
    name: 'omni_db_pool_connections',
    help: 'PostgreSQL pool of this process: total connections, idle ones, and callers waiting for one',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  readonly outboxBacklog = new Gauge({
    name: 'omni_event_outbox_backlog',
    help: 'Committed domain events not yet relayed (rows in event_outbox); -1 when the database did not answer',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** `arrivedAt` from `performance.now()` (stamped by the HTTP middleware). */
  webhookCommitted(channel: string, arrivedAt: number | undefined): void {
    if (arrivedAt === undefined) return;
    this.webhookCommit.observe({ channel }, (performance.now() - arrivedAt) / 1000);
  }

  /** Events the realtime subscriber has just fanned out to sockets. */
  emittedToSockets(events: readonly StoredEvent[], now = Date.now()): void {
    for (const e of events) {
      if (!SOCKET_EVENT_TYPES.has(e.type)) continue;
      const at = e.occurredAt instanceof Date ? e.occurredAt.getTime() : Number.NaN;
      if (Number.isFinite(at)) this.commitToSocket.observe({ type: e.type }, Math.max(0, now - at) / 1000);
    }
  }
}
