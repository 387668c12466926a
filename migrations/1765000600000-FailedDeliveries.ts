import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed deliveries (docs/operations.md): when an outbound message became `failed`
 * (`failed_at`, cleared when it is queued again for a retry), and the admin list's index:
 * an org's failed outbound messages, newest failure first.
 */
export class FailedDeliveries1765000600000 implements MigrationInterface {
  name = 'FailedDeliveries1765000600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE messages ADD COLUMN failed_at timestamptz`);
    // Failures recorded before the column existed: their last known moment.
    await q.query(`UPDATE messages SET failed_at = coalesce(sent_at, created_at) WHERE status = 'failed' AND direction = 'out'`);
    await q.query(`CREATE INDEX messages_failed_idx ON messages (org_id, failed_at DESC, id DESC) WHERE status = 'failed' AND direction = 'out'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS messages_failed_idx`);
    await q.query(`ALTER TABLE messages DROP COLUMN failed_at`);
  }
}
