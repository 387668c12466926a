import { Db } from '../database/db';
import { updateReturning } from '../database/returning';

/** How long a key is remembered: a retry within this window replays, after it the key is new again. */
export const IDEMPOTENCY_TTL_HOURS = 24;

const TTL = `interval '${IDEMPOTENCY_TTL_HOURS} hours'`;

export interface IdempotencyScope {
  memberId: string;
  /** Method and route pattern, e.g. `POST /api/v1/conversations/:id/messages`. */
  route: string;
  key: string;
}

export type Claim =
  /** Someone else's transaction holds this key right now (its request is still running). */
  | { kind: 'busy' }
  /** The key is ours for this transaction: run the request, then `complete`. */
  | { kind: 'new' }
  /** A committed answer for this key. */
  | { kind: 'done'; requestHash: string; status: number | null; body: unknown };

/**
 * The `idempotency_keys` table (its only writer). `claim` and `complete` run in the request's
 * unit of work, so the key and the request's write commit or roll back together.
 */
export class IdempotencyRepository {
  constructor(private readonly db: Db) {}

  /**
   * Takes the key for the open transaction. A transaction-scoped advisory lock on the scope is
   * tried first without waiting: if another transaction holds it, that request is still running
   * (`busy`, the caller answers 409). Holding it, no other transaction can have an uncommitted row
   * for this scope, so the INSERT never waits; an expired row is deleted first.
   */
  async claim(scope: IdempotencyScope, requestHash: string): Promise<Claim> {
    const em = this.db.txManager;
    const params = [scope.memberId, scope.route, scope.key];
    const [lock] = await em.query(`SELECT pg_try_advisory_xact_lock(hashtextextended($1 || E'\\n' || $2 || E'\\n' || $3, 0)) AS got`, params);
    if (!lock.got) return { kind: 'busy' };
    await em.query(`DELETE FROM idempotency_keys WHERE member_id = $1 AND route = $2 AND key = $3 AND created_at < now() - ${TTL}`, params);
    const inserted: unknown[] = await em.query(
      `INSERT INTO idempotency_keys (member_id, route, key, request_hash) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1`,
      [...params, requestHash],
    );
    if (inserted.length) return { kind: 'new' };
    const [row] = await em.query(`SELECT request_hash, status, body FROM idempotency_keys WHERE member_id = $1 AND route = $2 AND key = $3 FOR UPDATE`, params);
    if (!row) return { kind: 'busy' }; // purged between the two statements: let the client retry
    return { kind: 'done', requestHash: row.request_hash, status: row.status, body: row.body };
  }

  /** Stores the answer in the claimed row, in the same transaction as the request's write. */
  async complete(scope: IdempotencyScope, status: number, body: unknown): Promise<void> {
    await this.db.txManager.query(`UPDATE idempotency_keys SET status = $4, body = $5::jsonb WHERE member_id = $1 AND route = $2 AND key = $3`, [
      scope.memberId,
      scope.route,
      scope.key,
      status,
      body === undefined || body === null ? null : JSON.stringify(body),
    ]);
  }

  /** Deletes expired rows in bounded batches (index on created_at); outside any transaction. Returns how many. */
  async purgeExpired(batch = 1000, maxBatches = 20): Promise<number> {
    let total = 0;
    for (let i = 0; i < maxBatches; i++) {
      const rows = await updateReturning(
        this.db.manager,
        `DELETE FROM idempotency_keys WHERE ctid IN (
           SELECT ctid FROM idempotency_keys WHERE created_at < now() - ${TTL} ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING 1`,
        [batch],
      );
      total += rows.length;
      if (rows.length < batch) break;
    }
    return total;
  }
}
