import { getQueueToken } from '@nestjs/bullmq';
import { INestApplication } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QueueName } from '../../src/infra/queue/queues';
import { DomainEventRepository } from '../../src/modules/events/domain-event.repository';
import { EventRelay } from '../../src/modules/events/event-relay';

/** Waits until every committed event is relayed and every queue of the app has nothing waiting, delayed or running. */
export async function drainQueues(app: INestApplication, timeoutMs = 20000): Promise<void> {
  const queues = Object.values(QueueName).map((n) => app.get<Queue>(getQueueToken(n), { strict: false }));
  const relay = app.get(EventRelay, { strict: false });
  const outbox = app.get(DomainEventRepository, { strict: false });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await relay.idle();
    const counts = await Promise.all(
      queues.map(async (q) => {
        const c = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
        // A job scheduler (e.g. the daily retention sweep) always keeps its next run delayed: that is not work in flight.
        return { ...c, delayed: Math.max(0, c.delayed - (await q.getJobSchedulersCount())) };
      }),
    );
    const pending = await outbox.pendingCount();
    if (pending === 0 && counts.every((c) => Object.values(c).every((n) => n === 0))) return;
    if (Date.now() > deadline) throw new Error(`queues did not drain: ${JSON.stringify(counts)}, ${pending} event(s) not relayed`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Polls `probe` until it returns a truthy value. */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
