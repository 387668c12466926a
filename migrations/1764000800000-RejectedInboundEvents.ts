import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Provider events that can never be stored (malformed, out of bounds, refused by the
 * database): recorded with the reason and the start of their JSON in the webhook's own
 * transaction, while its valid events are stored and the provider gets its 200
 * (docs/inbound-validation.md). A redelivered rejection (same event key) is recorded once.
 */
export class RejectedInboundEvents1764000800000 implements MigrationInterface {
  name = 'RejectedInboundEvents1764000800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rejected_inbound_events (
        id bigserial PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        channel_account_id uuid NOT NULL,
        event_key text,
        reason text NOT NULL,
        excerpt text NOT NULL DEFAULT '',
        received_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (org_id, channel_account_id) REFERENCES channel_accounts(org_id, id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE UNIQUE INDEX rejected_inbound_events_key_uq ON rejected_inbound_events (channel_account_id, event_key) WHERE event_key IS NOT NULL`);
    await q.query(`CREATE INDEX rejected_inbound_events_org_time_idx ON rejected_inbound_events (org_id, received_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rejected_inbound_events`);
  }
}
