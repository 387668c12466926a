import { preparedQuery } from '../../infra/database/prepared';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

@Injectable()
export class InboundEventRepository {
  /**
   * Claims a provider event key inside the webhook's transaction. False = already applied
   * (a redelivery). A concurrent identical delivery blocks here until the first commits,
   * then sees the key taken, so it can never double-apply.
   */
  async claim(channelAccountId: string, eventKey: string, em: EntityManager): Promise<boolean> {
    const rows = await preparedQuery(
      em,
      `INSERT INTO inbound_events (channel_account_id, event_key) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_key`,
      [channelAccountId, eventKey],
    );
    return rows.length > 0;
  }
}
