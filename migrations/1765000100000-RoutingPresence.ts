import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Routing and presence (docs/routing.md):
 * - org settings `presence_grace_seconds` (60) and `requeue_offline_after_seconds` (null = never);
 * - `roles.max_open_conversations` (null = unlimited), `units.routing` (manual | round_robin | least_busy),
 *   `channel_accounts.routing_unit_id`;
 * - `conversations.transfer_unit_id` (the unit a conversation was transferred to) and
 *   `conversations.home_unit_id` = coalesce(transfer unit, customer's bound unit, account's routing unit),
 *   kept by its writers: the unassigned folder reads it in place of the bound unit.
 * Presence itself lives in Redis (sockets come and go far more often than anything here changes).
 */
export class RoutingPresence1765000100000 implements MigrationInterface {
  name = 'RoutingPresence1765000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orgs ADD COLUMN presence_grace_seconds int NOT NULL DEFAULT 60`);
    await q.query(`ALTER TABLE orgs ADD COLUMN requeue_offline_after_seconds int`);
    await q.query(`ALTER TABLE roles ADD COLUMN max_open_conversations int CHECK (max_open_conversations >= 0)`);
    await q.query(`ALTER TABLE units ADD COLUMN routing text NOT NULL DEFAULT 'manual' CHECK (routing IN ('manual', 'round_robin', 'least_busy'))`);
    await q.query(`ALTER TABLE channel_accounts ADD COLUMN routing_unit_id uuid REFERENCES units(id) ON DELETE SET NULL`);
    await q.query(`ALTER TABLE conversations ADD COLUMN transfer_unit_id uuid REFERENCES units(id) ON DELETE SET NULL`);
    await q.query(`ALTER TABLE conversations ADD COLUMN home_unit_id uuid REFERENCES units(id) ON DELETE SET NULL`);
    await q.query(`UPDATE conversations SET home_unit_id = bound_unit_id WHERE bound_unit_id IS NOT NULL`);
    // The unassigned folder: the home unit replaces the bound unit in the index's payload.
    await q.query(`DROP INDEX IF EXISTS conv_unassigned_idx`);
    await q.query(
      `CREATE INDEX conv_unassigned_idx ON conversations (org_id, last_activity_at DESC, id DESC) INCLUDE (home_unit_id, channel_account_id) WHERE status = 'open' AND assignee_id IS NULL`,
    );
    // The unassigned folder's narrow form: per home unit of the viewer's subtree, and those without one.
    await q.query(
      `CREATE INDEX conv_unassigned_home_idx ON conversations (org_id, home_unit_id, last_activity_at DESC, id DESC) INCLUDE (channel_account_id) WHERE status = 'open' AND assignee_id IS NULL AND home_unit_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX conv_unassigned_nohome_idx ON conversations (org_id, last_activity_at DESC, id DESC) INCLUDE (channel_account_id) WHERE status = 'open' AND assignee_id IS NULL AND home_unit_id IS NULL`,
    );
    // Routing: a unit's waiting conversations, oldest customer message first.
    await q.query(`CREATE INDEX conv_waiting_home_idx ON conversations (org_id, home_unit_id, last_customer_message_at, id) WHERE status = 'open' AND assignee_id IS NULL`);
    // Routing: open conversations per assignee (capacity, least busy) and each member's latest assignment (round robin, idle time).
    await q.query(`CREATE INDEX assignments_member_started_idx ON assignments (org_id, member_id, started_at DESC)`);
    await q.query(`CREATE INDEX channel_accounts_routing_unit_idx ON channel_accounts (routing_unit_id) WHERE routing_unit_id IS NOT NULL`);
    await q.query(`CREATE INDEX conversations_transfer_unit_idx ON conversations (transfer_unit_id) WHERE transfer_unit_id IS NOT NULL`);
    await q.query(`CREATE INDEX conversations_home_unit_idx ON conversations (home_unit_id) WHERE home_unit_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS conversations_home_unit_idx`);
    await q.query(`DROP INDEX IF EXISTS conversations_transfer_unit_idx`);
    await q.query(`DROP INDEX IF EXISTS channel_accounts_routing_unit_idx`);
    await q.query(`DROP INDEX IF EXISTS assignments_member_started_idx`);
    await q.query(`DROP INDEX IF EXISTS conv_waiting_home_idx`);
    await q.query(`DROP INDEX IF EXISTS conv_unassigned_nohome_idx`);
    await q.query(`DROP INDEX IF EXISTS conv_unassigned_home_idx`);
    await q.query(`DROP INDEX IF EXISTS conv_unassigned_idx`);
    await q.query(
      `CREATE INDEX conv_unassigned_idx ON conversations (org_id, last_activity_at DESC, id DESC) INCLUDE (bound_unit_id, channel_account_id) WHERE status = 'open' AND assignee_id IS NULL`,
    );
    await q.query(`ALTER TABLE conversations DROP COLUMN home_unit_id`);
    await q.query(`ALTER TABLE conversations DROP COLUMN transfer_unit_id`);
    await q.query(`ALTER TABLE channel_accounts DROP COLUMN routing_unit_id`);
    await q.query(`ALTER TABLE units DROP COLUMN routing`);
    await q.query(`ALTER TABLE roles DROP COLUMN max_open_conversations`);
    await q.query(`ALTER TABLE orgs DROP COLUMN requeue_offline_after_seconds`);
    await q.query(`ALTER TABLE orgs DROP COLUMN presence_grace_seconds`);
  }
}
