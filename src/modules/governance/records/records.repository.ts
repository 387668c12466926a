import { Injectable } from '@nestjs/common';
import { Db } from '../../../infra/database/db';
import { updateReturning } from '../../../infra/database/returning';

export interface ErasedCounts {
  conversations: number;
  messages: number;
  attachments: number;
  bindings: number;
  notifications: number;
}

/**
 * Erasure and retention: the only statements that delete inbox history. They run inside a unit
 * of work and cover every table that holds a customer's words or files. The orphan-file sweep
 * asks here which stored files a row still names.
 */
@Injectable()
export class RecordsRepository {
  constructor(private readonly db: Db) {}

  async conversationIdsOfCustomer(orgId: string, customerId: string): Promise<string[]> {
    const rows: { id: string }[] = await this.db.manager.query(`SELECT id FROM conversations WHERE org_id = $1 AND customer_id = $2::uuid ORDER BY id`, [orgId, customerId]);
    return rows.map((r) => r.id);
  }

  /** Storage keys of every stored file of the customer (message attachments and avatar). */
  async storageKeysOfCustomer(orgId: string, customerId: string, conversationIds: readonly string[]): Promise<string[]> {
    const rows: { storage_key: string }[] = await this.db.txManager.query(
      `SELECT a.storage_key FROM attachments a
        WHERE a.org_id = $1 AND a.storage_key IS NOT NULL
          AND (a.customer_id = $2 OR a.message_id IN (SELECT m.id FROM messages m WHERE m.org_id = $1 AND m.conversation_id = ANY($3::uuid[])))`,
      [orgId, customerId, conversationIds],
    );
    return rows.map((r) => r.storage_key);
  }

  /** Deletes the customer and everything recorded about them; bound-ness goes with the row. */
  async eraseCustomer(orgId: string, customerId: string, conversationIds: readonly string[]): Promise<ErasedCounts> {
    const tx = this.db.txManager;
    const count = async (sql: string, params: unknown[]) => (await updateReturning<{ n: number }>(tx, sql, params)).length;
    const [binding] = await tx.query(`SELECT (bound_unit_id IS NOT NULL)::int AS n FROM customers WHERE org_id = $1 AND id = $2`, [orgId, customerId]);
    const attachments = await count(
      `DELETE FROM attachments a WHERE a.org_id = $1 AND (a.customer_id = $2 OR a.message_id IN (SELECT m.id FROM messages m WHERE m.org_id = $1 AND m.conversation_id = ANY($3::uuid[]))) RETURNING 1 AS n`,
      [orgId, customerId, conversationIds],
    );
    const messages = await count(`DELETE FROM messages WHERE org_id = $1 AND conversation_id = ANY($2::uuid[]) RETURNING 1 AS n`, [orgId, conversationIds]);
    const notifications = await count(
      `DELETE FROM notifications WHERE org_id = $1 AND (payload->>'customerId' = $2::text OR payload->>'conversationId' = ANY($3::text[])) RETURNING 1 AS n`,
      [orgId, customerId, conversationIds],
    );
    await tx.query(`DELETE FROM assignments WHERE org_id = $1 AND conversation_id = ANY($2::uuid[])`, [orgId, conversationIds]);
    await tx.query(`DELETE FROM conversation_private_units WHERE org_id = $1 AND conversation_id = ANY($2::uuid[])`, [orgId, conversationIds]);
    await tx.query(`DELETE FROM report_conversations WHERE org_id = $1 AND conversation_id = ANY($2::uuid[])`, [orgId, conversationIds]);
    // Recorded events keep ids for reports; the one personal field they copy goes.
    await tx.query(`UPDATE domain_events SET data = data - 'customerDisplayName' WHERE org_id = $1 AND customer_id = $2 AND data ? 'customerDisplayName'`, [orgId, customerId]);
    const conversations = await count(`DELETE FROM conversations WHERE org_id = $1 AND id = ANY($2::uuid[]) RETURNING 1 AS n`, [orgId, conversationIds]);
    await tx.query(`DELETE FROM customers WHERE org_id = $1 AND id = $2`, [orgId, customerId]);
    return { conversations, messages, attachments, bindings: binding?.n ?? 0, notifications };
  }

  /** Every org: the orphan-file sweep visits each (across orgs by design, then works per org). */
  async allOrgIds(): Promise<string[]> {
    const rows: { id: string }[] = await this.db.manager.query(`SELECT id FROM orgs ORDER BY id`);
    return rows.map((r) => r.id);
  }

  /** Those of `keys` that an attachment row of the org names as its stored file. */
  async referencedStorageKeys(orgId: string, keys: readonly string[]): Promise<Set<string>> {
    const rows: { storage_key: string }[] = await this.db.manager.query(`SELECT storage_key FROM attachments WHERE org_id = $1 AND storage_key = ANY($2::text[])`, [orgId, keys]);
    return new Set(rows.map((r) => r.storage_key));
  }

  /** Orgs with a retention period. */
  orgsWithRetention(): Promise<{ id: string; retention_days: number }[]> {
    // Across orgs by design: the daily sweep visits each org that asked for one, then works per org.
    return this.db.manager.query(`SELECT id, retention_days FROM orgs WHERE retention_days IS NOT NULL ORDER BY id`);
  }

  /**
   * One batch of expired history: messages older than the cutoff in done or trashed
   * conversations, at most `batch` of them, with their attachments' storage keys. Small batches
   * keep each transaction short, so the inbox never waits on the sweep.
   */
  async deleteExpiredBatch(orgId: string, retentionDays: number, batch: number): Promise<{ messages: number; attachments: number; storageKeys: string[] }> {
    const tx = this.db.txManager;
    const ids: { id: string }[] = await tx.query(
      `SELECT m.id FROM messages m JOIN conversations c ON c.org_id = m.org_id AND c.id = m.conversation_id
        WHERE m.org_id = $1 AND c.status IN ('done', 'trashed') AND m.created_at < now() - make_interval(days => $2::int)
        ORDER BY m.created_at LIMIT $3 FOR UPDATE OF m SKIP LOCKED`,
      [orgId, retentionDays, batch],
    );
    if (ids.length === 0) return { messages: 0, attachments: 0, storageKeys: [] };
    const messageIds = ids.map((r) => r.id);
    const files = await updateReturning<{ storage_key: string | null }>(tx, `DELETE FROM attachments WHERE org_id = $1 AND message_id = ANY($2::uuid[]) RETURNING storage_key`, [orgId, messageIds]);
    await tx.query(`DELETE FROM messages WHERE org_id = $1 AND id = ANY($2::uuid[])`, [orgId, messageIds]);
    return { messages: messageIds.length, attachments: files.length, storageKeys: files.map((f) => f.storage_key).filter((k): k is string => !!k) };
  }
}
