import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `Idempotency-Key` on authenticated POSTs (src/infra/http/idempotency.interceptor.ts). A row is
 * claimed, and the answer stored in it, in the same transaction as the request's write: a
 * committed write always has its key, a rolled-back one never does. Keys are scoped per member
 * and per route (method + route pattern); rows older than 24 h are ignored and purged.
 */
export class IdempotencyKeys1764000900000 implements MigrationInterface {
  name = 'IdempotencyKeys1764000900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_keys (
        member_id uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        route text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        status int,
        body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (member_id, route, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_keys`);
  }
}
