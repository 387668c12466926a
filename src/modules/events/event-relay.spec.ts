import { DependencyUnavailableError } from '../../infra/queue/unavailable';
import type { DomainEventRepository } from './domain-event.repository';
import type { DomainEventSubscriber, StoredEvent } from './domain-events';
import { EventRelay } from './event-relay';

/**
 * The relay runs a subscriber at most once per event, even when another subscriber of the same
 * batch fails and the batch is retried (from memory, or from the outbox by the poller).
 */
class FakeOutbox {
  /** event id → what the outbox row holds */
  readonly rows = new Map<string, { attempts: number; relayedTo: string[]; leased: boolean; event: StoredEvent }>();
  readonly deleted: string[] = [];

  add(events: StoredEvent[]): void {
    for (const e of events) this.rows.set(e.id, { attempts: 0, relayedTo: [], leased: true, event: e });
  }

  asRepository(): DomainEventRepository {
    return {
      claimExpired: async (limit: number) => {
        const due = [...this.rows.entries()].filter(([, r]) => !r.leased).slice(0, limit);
        return due.map(([id, r]) => {
          r.leased = true;
          r.attempts += 1;
          // As read from the database: a fresh object, no in-memory state.
          return { ...r.event, local: undefined, id, attempts: r.attempts, relayedTo: r.relayedTo.length ? [...r.relayedTo] : undefined };
        });
      },
      relayed: async (ids: readonly string[]) => {
        for (const id of ids) {
          this.rows.delete(id);
          this.deleted.push(id);
        }
      },
      retryLater: async (ids: readonly string[], relayedTo: readonly (readonly string[])[]) => {
        ids.forEach((id, i) => {
          const r = this.rows.get(id)!;
          r.leased = false;
          if (relayedTo[i].length > 0) r.relayedTo = [...relayedTo[i]];
        });
      },
      abandon: async () => undefined,
      pendingCount: async () => this.rows.size,
    } as unknown as DomainEventRepository;
  }
}

class Recorder implements DomainEventSubscriber {
  readonly seen: string[] = [];
  constructor(
    readonly name: string,
    private readonly fail: (events: readonly StoredEvent[]) => Error | null = () => null,
  ) {}
  async handle(events: readonly StoredEvent[]): Promise<void> {
    const error = this.fail(events);
    if (error) throw error;
    this.seen.push(...events.map((e) => e.id));
  }
}

function event(id: string): StoredEvent {
  return { id, type: 'conversation.opened', orgId: 'org', actorId: null, conversationId: `c${id}`, customerId: null, data: {}, occurredAt: new Date() } as unknown as StoredEvent;
}

function relayWith(outbox: FakeOutbox, ...subscribers: DomainEventSubscriber[]): EventRelay {
  const relay = new EventRelay(outbox.asRepository(), { eventRelay: { leaseSeconds: 30, pollMs: 50 }, logLevel: 'silent' } as never);
  subscribers.forEach((s) => relay.register(s));
  return relay;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('EventRelay', () => {
  it('after an outage of one subscriber, the retry from the outbox runs only the subscribers that failed', async () => {
    const outbox = new FakeOutbox();
    let queueUp = false;
    const probe = { name: 'queue PING', check: async () => (queueUp ? 'PONG' : Promise.reject(new Error('down'))) };
    const sockets = new Recorder('realtime');
    const queue = new Recorder('notifications', () => (queueUp ? null : new DependencyUnavailableError('redis', 'queue.add: connection closed', probe)));
    const relay = relayWith(outbox, sockets, queue);

    const events = [event('1'), event('2')];
    outbox.add(events);
    relay.committed(events);
    await relay.idle();
    expect(sockets.seen).toEqual(['1', '2']);
    expect(queue.seen).toEqual([]);
    expect([...outbox.rows.values()].map((r) => r.relayedTo)).toEqual([['realtime'], ['realtime']]);
    expect(relay.waitingFor().map((w) => w.dependency)).toEqual(['redis']);

    // While the probe fails nothing is claimed.
    await sleep(600);
    expect(await relay.poll()).toBe(0);

    queueUp = true;
    await sleep(1100);
    expect(await relay.poll()).toBe(2);
    await relay.idle();
    expect(queue.seen).toEqual(['1', '2']);
    expect(sockets.seen).toEqual(['1', '2']);
    expect(outbox.rows.size).toBe(0);
    expect(outbox.deleted.sort()).toEqual(['1', '2']);
  });

  it('a poison event retried on its own does not run the subscribers that already handled the batch', async () => {
    const outbox = new FakeOutbox();
    const sockets = new Recorder('realtime');
    const reports = new Recorder('reports', (batch) => (batch.some((e) => e.id === '2') ? new Error('cannot fold event 2') : null));
    const relay = relayWith(outbox, sockets, reports);

    const events = [event('1'), event('2'), event('3')];
    outbox.add(events);
    relay.committed(events);
    await relay.idle();
    // realtime ran once on the batch; reports failed on it, then ran alone on 1 and 3.
    expect(sockets.seen).toEqual(['1', '2', '3']);
    expect(reports.seen).toEqual(['1', '3']);
    expect(outbox.deleted.sort()).toEqual(['1', '3']);
    expect(outbox.rows.get('2')!.relayedTo).toEqual(['realtime']);
  });
});
