import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';

export interface FailedDeliveryRow {
  id: string;
  conversation_id: string;
  channel_account_id: string;
  channel: string;
  error: string | null;
  attempts: number;
  created_at: Date;
  failed_at: Date | null;
  /** `failed_at::text`, the keyset cursor's exact value. */
  failed_key: string | null;
}

/**
 * Reads of outbound deliveries for the admin API (docs/operations.md). Every query takes the
 * org id; writes to `messages` stay with MessageRepository (requeueFailed).
 */
@Injectable()
export class FailedDeliveriesQuery {
  constructor(private readonly db: Db) {}

  /** The org's failed outbound messages, newest failure first; keyset on (failed_at, id); `limit + 1` rows. */
  list(orgId: string, limit: number, after: { at: string; id: string } | null): Promise<FailedDeliveryRow[]> {
    const params: unknown[] = [orgId, limit + 1];
    let keyset = '';
    if (after) {
      params.push(after.at, after.id);
      keyset = `AND (m.failed_at, m.id) < ($3::timestamptz, $4::uuid)`;
    }
    return this.db.manager.query(
      `SELECT m.id, m.conversation_id, m.channel_account_id, a.type AS channel, m.error, m.attempts, m.created_at,
              m.failed_at, m.failed_at::text AS failed_key
         FROM messages m
         JOIN channel_accounts a ON a.org_id = m.org_id AND a.id = m.channel_account_id
        WHERE m.org_id = $1 AND m.direction = 'out' AND m.status = 'failed' AND m.failed_at IS NOT NULL ${keyset}
        ORDER BY m.failed_at DESC, m.id DESC
        LIMIT $2`,
      params,
    );
  }

  /** An outbound message of the org (any status), or null. */
  async outboundStatus(orgId: string, id: string): Promise<{ status: string | null } | null> {
    const [row] = await this.db.manager.query(`SELECT status FROM messages WHERE org_id = $1 AND id = $2 AND direction = 'out'`, [orgId, id]);
    return (row as { status: string | null } | undefined) ?? null;
  }
}
