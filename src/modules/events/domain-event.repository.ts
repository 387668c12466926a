import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';
import { preparedQuery } from '../../infra/database/prepared';
import type { DomainEvent, StoredEvent } from './domain-events';
import { EventClock } from './event-clock';

interface EventRow {
  id: string;
  org_id: string;
  type: DomainEvent['type'];
  actor_id: string | null;
  conversation_id: string | null;
  customer_id: string | null;
  data: unknown;
  occurred_at: Date;
}

const APPEND = `
  WITH ins AS (
    INSERT INTO domain_events (org_id, type, actor_id, conversation_id, customer_id, data, occurred_at)
    SELECT u.*, coalesce($8::timestamptz, clock_timestamp())
      FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::uuid[], $6::jsonb[]) u
    RETURNING id, occurred_at
  ), outbox AS (
    INSERT INTO event_outbox (event_id, lease_until) SELECT id, now() + make_interval(secs => $7) FROM ins
  )
  SELECT id::text AS id, occurred_at FROM ins ORDER BY id`;

const CLAIM_EXPIRED = `
  WITH claimed AS (
    UPDATE event_outbox o SET lease_until = now() + make_interval(secs => $2), attempts = o.attempts + 1
     WHERE o.event_id IN (SELECT event_id FROM event_outbox WHERE lease_until < now()
                          ORDER BY event_id LIMIT $1 FOR UPDATE SKIP LOCKED)
    RETURNING o.event_id, o.attempts, o.relayed_to
  )
  SELECT e.id::text AS id, e.org_id, e.type, e.actor_id, e.conversation_id, e.customer_id, e.data, e.occurred_at, c.attempts, c.relayed_to
    FROM claimed c JOIN domain_events e ON e.id = c.event_id ORDER BY e.id`;

/** Owner of `domain_events` (append-only) and `event_outbox` (what is still to be relayed). */
@Injectable()
export class DomainEventRepository {
  constructor(
    private readonly db: Db,
    private readonly clock: EventClock,
  ) {}

  /** Appends events and their outbox rows in the caller's transaction; the caller's process holds the lease. */
  async append(events: readonly DomainEvent[], leaseSeconds: number): Promise<StoredEvent[]> {
    if (events.length === 0) return [];
    const rows = await preparedQuery<{ id: string; occurred_at: Date }>(this.db.txManager, APPEND, [
      events.map((e) => e.orgId),
      events.map((e) => e.type),
      events.map((e) => e.actorId),
      events.map((e) => e.conversationId),
      events.map((e) => e.customerId),
      events.map((e) => JSON.stringify(e.data)),
      leaseSeconds,
      this.clock.now(),
    ]);
    // Ids are drawn in the order the rows were inserted, which is the order given.
    return events.map((e, i) => ({ ...e, id: rows[i].id, occurredAt: rows[i].occurred_at }) as StoredEvent);
  }

  /** The org's members, roles or units changed in this transaction: directories older than this reload. */
  async bumpDirectoryVersion(orgIds: readonly string[]): Promise<void> {
    await preparedQuery(this.db.txManager, `UPDATE orgs SET directory_version = directory_version + 1 WHERE id = ANY($1::uuid[])`, [orgIds]);
  }

  /** Events whose lease ran out (their relay failed or its process died), leased anew to this process. */
  async claimExpired(limit: number, leaseSeconds: number): Promise<(StoredEvent & { attempts: number })[]> {
    const rows = await preparedQuery<EventRow & { attempts: number; relayed_to: string[] }>(this.db.manager, CLAIM_EXPIRED, [limit, leaseSeconds]);
    return rows.map((r) => ({
      id: r.id,
      orgId: r.org_id,
      type: r.type,
      actorId: r.actor_id,
      conversationId: r.conversation_id,
      customerId: r.customer_id,
      data: r.data,
      occurredAt: r.occurred_at,
      attempts: r.attempts,
      relayedTo: r.relayed_to.length > 0 ? r.relayed_to : undefined,
    }) as StoredEvent & { attempts: number });
  }

  async relayed(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await preparedQuery(this.db.manager, `DELETE FROM event_outbox WHERE event_id = ANY($1::bigint[])`, [ids]);
  }

  /**
   * A failed relay: try again after `retrySeconds` (another process may pick it up). `relayedTo`
   * (one entry per id) names the subscribers each event already reached; the retry skips them.
   */
  async retryLater(ids: readonly string[], relayedTo: readonly (readonly string[])[], error: string, retrySeconds: number): Promise<void> {
    if (ids.length === 0) return;
    // Subscriber names hold no comma: one text per id keeps the statement a single unnest.
    await preparedQuery(
      this.db.manager,
      `UPDATE event_outbox o SET lease_until = now() + make_interval(secs => $3), last_error = $4,
              relayed_to = CASE WHEN u.relayed_to = '' THEN o.relayed_to ELSE string_to_array(u.relayed_to, ',') END
         FROM unnest($1::bigint[], $2::text[]) AS u(event_id, relayed_to)
        WHERE o.event_id = u.event_id`,
      [ids, relayedTo.map((r) => r.join(',')), retrySeconds, error.slice(0, 1000)],
    );
  }

  /** Gives up on an event that failed too often (it stays in `domain_events`). */
  async abandon(ids: readonly string[]): Promise<void> {
    await this.relayed(ids);
  }

  /** Events still waiting to be relayed (health, metrics and tests). */
  async pendingCount(): Promise<number> {
    const [row] = await preparedQuery<{ n: number }>(this.db.manager, `SELECT count(*)::int AS n FROM event_outbox`, []);
    return row.n;
  }
}
