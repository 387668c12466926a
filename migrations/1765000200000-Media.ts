import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Media (docs/media.md): one row per attachment — inbound media downloaded from a provider,
 * an upload waiting to be sent, a customer's avatar. The bytes live in object storage under
 * `storage_key`; `provider_ref` says where the provider keeps them (never shown to clients).
 * Customers gain their avatar; channel accounts the public handles deep links are built from.
 */
export class Media1765000200000 implements MigrationInterface {
  name = 'Media1765000200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE attachments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        message_id uuid,
        customer_id uuid,
        channel_account_id uuid,
        purpose text NOT NULL DEFAULT 'message' CHECK (purpose IN ('message', 'avatar')),
        direction text NOT NULL CHECK (direction IN ('in', 'out')),
        type text NOT NULL CHECK (type IN ('image', 'video', 'audio', 'file', 'sticker', 'location')),
        mime_type text,
        size bigint,
        file_name text,
        status text NOT NULL CHECK (status IN ('pending', 'stored', 'failed')),
        storage_key text,
        provider_ref jsonb NOT NULL DEFAULT '{}'::jsonb,
        error text,
        attempts int NOT NULL DEFAULT 0,
        uploaded_by_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (org_id, id),
        FOREIGN KEY (org_id, message_id) REFERENCES messages(org_id, id) ON DELETE CASCADE,
        FOREIGN KEY (org_id, customer_id) REFERENCES customers(org_id, id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX attachments_message_idx ON attachments (org_id, message_id) WHERE message_id IS NOT NULL`);
    await q.query(`CREATE INDEX attachments_customer_idx ON attachments (org_id, customer_id) WHERE customer_id IS NOT NULL`);
    await q.query(`ALTER TABLE customers ADD COLUMN avatar_attachment_id uuid, ADD COLUMN profile_fetched_at timestamptz`);
    await q.query(`ALTER TABLE channel_accounts ADD COLUMN basic_id text, ADD COLUMN username text, ADD COLUMN phone_number text`);
    // A WhatsApp template reply: {name, language, components?}.
    await q.query(`ALTER TABLE messages ADD COLUMN template jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE messages DROP COLUMN template`);
    await q.query(`ALTER TABLE channel_accounts DROP COLUMN basic_id, DROP COLUMN username, DROP COLUMN phone_number`);
    await q.query(`ALTER TABLE customers DROP COLUMN avatar_attachment_id, DROP COLUMN profile_fetched_at`);
    await q.query(`DROP TABLE attachments`);
  }
}
