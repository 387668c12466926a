import { getQueueToken } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { QueueName } from '../../infra/queue/queues';
import { PROBE_TIMEOUT_MS, within } from '../../infra/queue/unavailable';
import { DomainEventRepository } from '../events/domain-event.repository';
import { InboxGateway } from '../realtime/inbox.gateway';
import { Metrics } from './metrics';

/** The job states `omni_queue_jobs` reports (and `GET /api/v1/admin/queues` lists). */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];
export type QueueCounts = Record<QueueState, number>;

/** How long one scrape waits for Redis or PostgreSQL before reporting what it has. */
const SCRAPE_CALL_TIMEOUT_MS = Math.min(PROBE_TIMEOUT_MS, 2000);

/**
 * Values read at scrape time, each with a bounded call (a dependency that does not answer
 * costs one timeout, never a hanging scrape): queue counts (one `getJobCounts` per queue, in
 * parallel), the PostgreSQL pool, the event outbox backlog and the open sockets.
 */
@Injectable()
export class MetricsCollector {
  constructor(
    private readonly metrics: Metrics,
    private readonly moduleRef: ModuleRef,
    private readonly ds: DataSource,
    private readonly outbox: DomainEventRepository,
  ) {}

  /** Job counts of every queue (QueueName): null for a queue Redis did not answer for in time. */
  async queueCounts(): Promise<Record<QueueName, QueueCounts | null>> {
    const names = Object.values(QueueName);
    const counts = await Promise.all(
      names.map(async (name) => {
        const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
        try {
          const c = await within(queue.getJobCounts(...QUEUE_STATES), SCRAPE_CALL_TIMEOUT_MS, 'redis', `job counts of ${name}`);
          return Object.fromEntries(QUEUE_STATES.map((s) => [s, c[s] ?? 0])) as QueueCounts;
        } catch {
          return null;
        }
      }),
    );
    return Object.fromEntries(names.map((n, i) => [n, counts[i]])) as Record<QueueName, QueueCounts | null>;
  }

  /** Sets the scrape-time gauges, then serialises the registry. */
  async scrape(): Promise<string> {
    const [queues, backlog] = await Promise.all([
      this.queueCounts(),
      within(this.outbox.pendingCount(), SCRAPE_CALL_TIMEOUT_MS, 'database', 'outbox count').catch(() => -1),
    ]);
    const m = this.metrics;
    m.queueJobs.reset();
    for (const [queue, counts] of Object.entries(queues)) {
      m.queueUp.set({ queue }, counts ? 1 : 0);
      if (counts) for (const state of QUEUE_STATES) m.queueJobs.set({ queue, state }, counts[state]);
    }
    m.outboxBacklog.set(backlog);
    const pool = (this.ds.driver as PostgresDriver).master as { totalCount?: number; idleCount?: number; waitingCount?: number } | undefined;
    m.dbPool.set({ state: 'total' }, pool?.totalCount ?? 0);
    m.dbPool.set({ state: 'idle' }, pool?.idleCount ?? 0);
    m.dbPool.set({ state: 'waiting' }, pool?.waitingCount ?? 0);
    m.openSockets.set(this.gateway()?.openSockets() ?? 0);
    return m.registry.metrics();
  }

  private gateway(): InboxGateway | null {
    try {
      return this.moduleRef.get(InboxGateway, { strict: false });
    } catch {
      return null;
    }
  }
}
