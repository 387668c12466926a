import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';
import { updateReturning } from '../../infra/database/returning';
import type { NotificationChannel, NotificationEventType } from '../access/permissions';

export interface NotificationRow {
  id: string;
  org_id: string;
  member_id: string;
  type: NotificationEventType;
  payload: Record<string, unknown>;
  channels: NotificationChannel[];
  read_at: Date | null;
  created_at: Date;
  created_key: string;
}

export interface PushSubscriptionRow {
  id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}

@Injectable()
export class NotificationRepository {
  constructor(private readonly db: Db) {}

  /** The open unit of work's connection, else the pool's. */
  private get em() {
    return this.db.manager;
  }

  /** Inserts once per dedup key: a retried or duplicated job never creates a second one (null then). */
  async insert(
    orgId: string,
    n: { memberId: string; type: NotificationEventType; payload: Record<string, unknown>; channels: NotificationChannel[]; dedupKey: string },
  ): Promise<NotificationRow | null> {
    const rows: NotificationRow[] = await this.em.query(
      `INSERT INTO notifications (org_id, member_id, type, payload, channels, dedup_key) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (dedup_key) DO NOTHING RETURNING *, created_at::text AS created_key`,
      [orgId, n.memberId, n.type, n.payload, n.channels, n.dedupKey],
    );
    return rows[0] ?? null;
  }

  async find(orgId: string, id: string): Promise<NotificationRow | null> {
    const [row] = await this.em.query(`SELECT *, created_at::text AS created_key FROM notifications WHERE org_id = $1 AND id = $2`, [orgId, id]);
    return row ?? null;
  }

  list(orgId: string, memberId: string, limit: number, before: { createdAt: string; id: string } | null): Promise<NotificationRow[]> {
    const params: unknown[] = [orgId, memberId, limit + 1];
    let keyset = '';
    if (before) {
      params.push(before.createdAt, before.id);
      keyset = `AND (created_at, id) < ($4::timestamptz, $5::uuid)`;
    }
    return this.em.query(
      `SELECT *, created_at::text AS created_key FROM notifications
        WHERE org_id = $1 AND member_id = $2 AND 'web' = ANY (channels) ${keyset}
        ORDER BY created_at DESC, id DESC LIMIT $3`,
      params,
    );
  }

  async unreadCount(orgId: string, memberId: string): Promise<number> {
    const [row] = await this.em.query(
      `SELECT count(*)::int AS n FROM notifications WHERE org_id = $1 AND member_id = $2 AND read_at IS NULL AND 'web' = ANY (channels)`,
      [orgId, memberId],
    );
    return row.n;
  }

  async markRead(orgId: string, memberId: string, id: string): Promise<NotificationRow | null> {
    await this.em.query(`UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE org_id = $1 AND member_id = $2 AND id = $3`, [orgId, memberId, id]);
    const [row] = await this.em.query(`SELECT *, created_at::text AS created_key FROM notifications WHERE org_id = $1 AND member_id = $2 AND id = $3`, [orgId, memberId, id]);
    return row ?? null;
  }

  /** Claims a delivery (email or push) so two runs of the same job cannot both send. */
  async claimDelivery(orgId: string, id: string, channel: 'email' | 'push'): Promise<boolean> {
    const col = channel === 'email' ? 'email_sent_at' : 'push_sent_at';
    const rows = await updateReturning(this.em, `UPDATE notifications SET ${col} = now() WHERE org_id = $1 AND id = $2 AND ${col} IS NULL RETURNING id`, [orgId, id]);
    return rows.length > 0;
  }

  /** A failed delivery gives its claim back, so the retry may send. */
  async releaseDelivery(orgId: string, id: string, channel: 'email' | 'push'): Promise<void> {
    const col = channel === 'email' ? 'email_sent_at' : 'push_sent_at';
    await this.em.query(`UPDATE notifications SET ${col} = NULL WHERE org_id = $1 AND id = $2`, [orgId, id]);
  }

  async memberEmail(orgId: string, memberId: string): Promise<{ email: string; display_name: string } | null> {
    const [row] = await this.em.query(`SELECT email, display_name FROM members WHERE org_id = $1 AND id = $2 AND status = 'active'`, [orgId, memberId]);
    return row ?? null;
  }

  async upsertSubscription(orgId: string, memberId: string, s: { endpoint: string; p256dh: string; auth: string }): Promise<string> {
    const [row] = await this.em.query(
      `INSERT INTO push_subscriptions (org_id, member_id, endpoint, p256dh, auth) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (endpoint) DO UPDATE SET org_id = $1, member_id = $2, p256dh = $4, auth = $5 RETURNING id`,
      [orgId, memberId, s.endpoint, s.p256dh, s.auth],
    );
    return row.id;
  }

  subscriptions(orgId: string, memberId: string): Promise<PushSubscriptionRow[]> {
    return this.em.query(`SELECT id, endpoint, p256dh, auth FROM push_subscriptions WHERE org_id = $1 AND member_id = $2`, [orgId, memberId]);
  }

  async deleteSubscription(orgId: string, id: string): Promise<void> {
    await this.em.query(`DELETE FROM push_subscriptions WHERE org_id = $1 AND id = $2`, [orgId, id]);
  }

  async deleteSubscriptionByEndpoint(orgId: string, memberId: string, endpoint: string): Promise<void> {
    await this.em.query(`DELETE FROM push_subscriptions WHERE org_id = $1 AND member_id = $2 AND endpoint = $3`, [orgId, memberId, endpoint]);
  }

  /** Channels chosen by each role (raw stored settings; defaults are applied by the caller). */
  async roleSettings(orgId: string, roleIds: readonly string[]): Promise<Map<string, Record<string, NotificationChannel[]>>> {
    if (roleIds.length === 0) return new Map();
    const rows: { id: string; notifications: Record<string, NotificationChannel[]> }[] = await this.em.query(
      `SELECT id, notifications FROM roles WHERE org_id = $1 AND id = ANY($2::uuid[])`,
      [orgId, roleIds],
    );
    return new Map(rows.map((r) => [r.id, r.notifications]));
  }

  /**
   * `customer.bound` recipients: the bound member (or every member of the bound unit) and
   * members of the unit's ancestors holding folder.subordinate_bound (業務與上屬主管).
   */
  async bindingRecipientIds(orgId: string, unitId: string, memberId: string | null): Promise<string[]> {
    const rows: { id: string }[] = await this.em.query(
      `SELECT m.id FROM members m JOIN roles r ON r.id = m.role_id JOIN units bu ON bu.org_id = m.org_id AND bu.id = $2
        WHERE m.org_id = $1 AND m.status = 'active'
          AND ( ($3::uuid IS NOT NULL AND m.id = $3) OR ($3::uuid IS NULL AND m.unit_id = $2)
             OR (m.unit_id <> $2 AND bu.path LIKE '%/' || m.unit_id || '/%'
                 AND (r.builtin = 'administrator' OR 'folder.subordinate_bound' = ANY (r.permissions))))`,
      [orgId, unitId, memberId],
    );
    return rows.map((r) => r.id);
  }

  /** Supervisors of a unit: members of its parent unit holding folder.department. */
  async supervisorIds(orgId: string, unitId: string): Promise<string[]> {
    const rows: { id: string }[] = await this.em.query(
      `SELECT m.id FROM units u JOIN members m ON m.org_id = u.org_id AND m.unit_id = u.parent_id JOIN roles r ON r.id = m.role_id
        WHERE u.org_id = $1 AND u.id = $2 AND m.status = 'active'
          AND (r.builtin = 'administrator' OR 'folder.department' = ANY (r.permissions))`,
      [orgId, unitId],
    );
    return rows.map((r) => r.id);
  }

  /**
   * What a transfer-timeout check needs: is the assignment still the conversation's current
   * one, and has its member replied to the customer since it started?
   */
  async transferTimeoutState(orgId: string, assignmentId: string): Promise<{
    conversation_id: string;
    member_id: string;
    unit_id: string;
    assigned_by_id: string | null;
    current: boolean;
    replied: boolean;
    timeout_seconds: number;
  } | null> {
    const [row] = await this.em.query(
      `SELECT a.conversation_id, a.member_id, a.unit_id, a.assigned_by_id, o.transfer_timeout_seconds AS timeout_seconds,
              (a.ended_at IS NULL AND c.status = 'open' AND c.assignee_id = a.member_id) AS current,
              EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = a.conversation_id AND m.sender_member_id = a.member_id
                         AND m.kind = 'text' AND m.direction = 'out' AND m.created_at >= a.started_at) AS replied
         FROM assignments a JOIN conversations c ON c.id = a.conversation_id JOIN orgs o ON o.id = a.org_id
        WHERE a.org_id = $1 AND a.id = $2`,
      [orgId, assignmentId],
    );
    return row ?? null;
  }
}
