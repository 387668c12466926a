import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';
import { preparedQuery } from '../../infra/database/prepared';

/** Owner of `inbound_events`: the provider event keys already applied (redeliveries are no-ops). */
@Injectable()
export class InboundEventRepository {
  constructor(private readonly db: Db) {}

  /**
   * Claims a provider event key inside the webhook's unit of work. False = already applied
   * (a redelivery). A concurrent identical delivery blocks here until the first commits,
   * then sees the key taken, so it can never double-apply.
   */
  async claim(channelAccountId: string, eventKey: string): Promise<boolean> {
    const rows = await preparedQuery(
      this.db.txManager,
      `INSERT INTO inbound_events (channel_account_id, event_key) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_key`,
      [channelAccountId, eventKey],
    );
    return rows.length > 0;
  }
}
