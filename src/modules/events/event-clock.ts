import { Injectable } from '@nestjs/common';

/**
 * The time recorded as `occurred_at` of new domain events. Normally unset: PostgreSQL's
 * `clock_timestamp()` stamps each row. Tests of time-based figures (reports: response times,
 * local days) pin it, so the events that real webhooks and actions record carry chosen times.
 */
@Injectable()
export class EventClock {
  private pinned: Date | null = null;

  /** The time to record, or null for the database's clock. */
  now(): Date | null {
    return this.pinned;
  }

  /** Events recorded from now on carry `at` (null: back to the database's clock). */
  pin(at: Date | null): void {
    this.pinned = at;
  }
}
