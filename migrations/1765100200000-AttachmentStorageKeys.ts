import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The daily orphan-file sweep (docs/media.md) asks, per batch of stored files, which of them an
 * attachment row still names: an index on the storage key makes that a lookup per key instead
 * of a read of the org's attachments per batch.
 */
export class AttachmentStorageKeys1765100200000 implements MigrationInterface {
  name = 'AttachmentStorageKeys1765100200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX attachments_storage_key_idx ON attachments (org_id, storage_key) WHERE storage_key IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS attachments_storage_key_idx`);
  }
}
