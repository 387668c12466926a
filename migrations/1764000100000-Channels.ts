import { MigrationInterface, QueryRunner } from 'typeorm';

export class Channels1764000100000 implements MigrationInterface {
  name = 'Channels1764000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE customers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        channel_account_id uuid NOT NULL,
        external_id text NOT NULL,
        display_name text NOT NULL,
        profile jsonb NOT NULL DEFAULT '{}',
        tags text[] NOT NULL DEFAULT '{}',
        bound_unit_id uuid,
        bound_member_id uuid,
        followed boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (org_id, id),
        UNIQUE (channel_account_id, external_id),
        FOREIGN KEY (org_id, channel_account_id) REFERENCES channel_accounts(org_id, id),
        FOREIGN KEY (org_id, bound_unit_id) REFERENCES units(org_id, id),
        FOREIGN KEY (org_id, bound_member_id) REFERENCES members(org_id, id),
        CHECK (bound_member_id IS NULL OR bound_unit_id IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX customers_bound_unit_idx ON customers (org_id, bound_unit_id) WHERE bound_unit_id IS NOT NULL`);
    await q.query(`CREATE INDEX customers_bound_member_idx ON customers (org_id, bound_member_id) WHERE bound_member_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE conversations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        customer_id uuid NOT NULL,
        channel_account_id uuid NOT NULL,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'trashed')),
        assignee_id uuid,
        assignee_unit_id uuid,
        assigned_at timestamptz,
        last_assignee_id uuid,
        last_assignee_unit_id uuid,
        last_customer_message_at timestamptz,
        last_agent_reply_at timestamptz,
        last_message_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (org_id, id),
        UNIQUE (customer_id),
        FOREIGN KEY (org_id, customer_id) REFERENCES customers(org_id, id),
        FOREIGN KEY (org_id, channel_account_id) REFERENCES channel_accounts(org_id, id),
        FOREIGN KEY (org_id, assignee_id) REFERENCES members(org_id, id),
        FOREIGN KEY (org_id, assignee_unit_id) REFERENCES units(org_id, id),
        CHECK ((assignee_id IS NULL) = (assignee_unit_id IS NULL))
      )`);

    await q.query(`
      CREATE TABLE messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        conversation_id uuid NOT NULL,
        channel_account_id uuid NOT NULL,
        direction text NOT NULL CHECK (direction IN ('in', 'out')),
        kind text NOT NULL CHECK (kind IN ('text', 'note', 'system')),
        content_type text NOT NULL DEFAULT 'text',
        text text,
        attachments jsonb NOT NULL DEFAULT '[]',
        sender_type text NOT NULL CHECK (sender_type IN ('customer', 'member', 'system')),
        sender_member_id uuid,
        private boolean NOT NULL DEFAULT false,
        provider_message_id text,
        status text CHECK (status IN ('queued', 'sent', 'delivered', 'read', 'failed')),
        error text,
        attempts int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        sent_at timestamptz,
        UNIQUE (org_id, id),
        FOREIGN KEY (org_id, conversation_id) REFERENCES conversations(org_id, id)
      )`);
    await q.query(`CREATE UNIQUE INDEX messages_provider_id_uq ON messages (channel_account_id, provider_message_id) WHERE provider_message_id IS NOT NULL`);
    await q.query(`CREATE INDEX messages_conversation_idx ON messages (conversation_id, created_at DESC, id DESC)`);

    // One row per provider event already applied: the dedup key for redeliveries (LINE
    // webhookEventId, Meta mid, WhatsApp wamid and status transitions).
    await q.query(`
      CREATE TABLE inbound_events (
        channel_account_id uuid NOT NULL REFERENCES channel_accounts(id) ON DELETE CASCADE,
        event_key text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (channel_account_id, event_key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['inbound_events', 'messages', 'conversations', 'customers']) await q.query(`DROP TABLE IF EXISTS ${t}`);
  }
}
