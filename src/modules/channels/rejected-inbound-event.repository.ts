import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';
import { preparedQuery } from '../../infra/database/prepared';
import { RejectedInboundEvent } from './providers/inbound-event';

const NUL = /\u0000/g;

/** Owner of `rejected_inbound_events`: what a webhook carried that can never be stored, and why. */
@Injectable()
export class RejectedInboundEventRepository {
  constructor(private readonly db: Db) {}

  /**
   * Records rejected events in the webhook's unit of work, with its valid ones. One statement
   * for the batch; a rejection already recorded under the same event key (a redelivery) is
   * not recorded again.
   */
  async record(account: { id: string; orgId: string }, rejected: readonly RejectedInboundEvent[]): Promise<void> {
    if (rejected.length === 0) return;
    await preparedQuery(
      this.db.txManager,
      `INSERT INTO rejected_inbound_events (org_id, channel_account_id, event_key, reason, excerpt)
       SELECT $1, $2, r.event_key, r.reason, r.excerpt FROM unnest($3::text[], $4::text[], $5::text[]) AS r(event_key, reason, excerpt)
       ON CONFLICT (channel_account_id, event_key) WHERE event_key IS NOT NULL DO NOTHING`,
      [
        account.orgId,
        account.id,
        rejected.map((r) => (r.eventKey === null ? null : r.eventKey.replace(NUL, ''))),
        rejected.map((r) => r.reason.replace(NUL, '')),
        rejected.map((r) => r.excerpt.replace(NUL, '')),
      ],
    );
  }
}
