import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Assignment history, private sessions and the indexes behind each folder query (SPEC §3).
 * Every folder index is partial on the folder's status condition and ends with its sort
 * key plus id, so a page is an index range scan in the folder's order.
 */
export class Folders1764000200000 implements MigrationInterface {
  name = 'Folders1764000200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE conversations
      ADD COLUMN last_activity_at timestamptz,
      ADD COLUMN last_assigned_at timestamptz,
      ADD COLUMN bound_unit_id uuid,
      ADD FOREIGN KEY (org_id, bound_unit_id) REFERENCES units(org_id, id),
      ADD FOREIGN KEY (org_id, last_assignee_id) REFERENCES members(org_id, id),
      ADD FOREIGN KEY (org_id, last_assignee_unit_id) REFERENCES units(org_id, id)`);
    await q.query(`UPDATE conversations c SET
        last_customer_message_at = coalesce(c.last_customer_message_at, c.created_at),
        last_activity_at = greatest(coalesce(c.last_customer_message_at, c.created_at), c.last_agent_reply_at),
        last_assigned_at = coalesce(c.assigned_at, c.created_at),
        bound_unit_id = (SELECT bound_unit_id FROM customers cu WHERE cu.id = c.customer_id)`);
    await q.query(`ALTER TABLE conversations
      ALTER COLUMN last_customer_message_at SET NOT NULL,
      ALTER COLUMN last_customer_message_at SET DEFAULT now(),
      ALTER COLUMN last_activity_at SET NOT NULL,
      ALTER COLUMN last_activity_at SET DEFAULT now(),
      ALTER COLUMN last_assigned_at SET NOT NULL,
      ALTER COLUMN last_assigned_at SET DEFAULT now()`);

    await q.query(`
      CREATE TABLE assignments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        conversation_id uuid NOT NULL,
        member_id uuid NOT NULL,
        unit_id uuid NOT NULL,
        assigned_by_id uuid,
        note text,
        started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        ended_at timestamptz,
        end_reason text CHECK (end_reason IN ('transferred', 'completed', 'unassigned', 'member_deactivated')),
        ended_by_id uuid,
        FOREIGN KEY (org_id, conversation_id) REFERENCES conversations(org_id, id),
        FOREIGN KEY (org_id, member_id) REFERENCES members(org_id, id),
        FOREIGN KEY (org_id, unit_id) REFERENCES units(org_id, id),
        CHECK ((ended_at IS NULL) = (end_reason IS NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX assignments_one_current_uq ON assignments (conversation_id) WHERE ended_at IS NULL`);
    await q.query(`CREATE INDEX assignments_conversation_idx ON assignments (conversation_id, started_at)`);
    // previously_handled: the conversations a member held and no longer holds.
    await q.query(`CREATE INDEX assignments_ended_member_idx ON assignments (org_id, member_id, conversation_id) WHERE ended_at IS NOT NULL`);
    await q.query(`CREATE INDEX assignments_current_member_idx ON assignments (org_id, member_id) WHERE ended_at IS NULL`);

    // private folder: units whose members sent private messages or held private sessions here.
    await q.query(`
      CREATE TABLE conversation_private_units (
        org_id uuid NOT NULL,
        conversation_id uuid NOT NULL,
        unit_id uuid NOT NULL,
        PRIMARY KEY (conversation_id, unit_id),
        FOREIGN KEY (org_id, conversation_id) REFERENCES conversations(org_id, id),
        FOREIGN KEY (org_id, unit_id) REFERENCES units(org_id, id)
      )`);
    await q.query(`CREATE INDEX conversation_private_units_unit_idx ON conversation_private_units (org_id, unit_id, conversation_id)`);

    await q.query(`ALTER TABLE messages ADD COLUMN mention_ids uuid[] NOT NULL DEFAULT '{}'`);

    // all
    await q.query(`CREATE INDEX conv_all_idx ON conversations (org_id, last_activity_at DESC, id DESC)`);
    // unassigned
    await q.query(`CREATE INDEX conv_unassigned_idx ON conversations (org_id, last_activity_at DESC, id DESC) WHERE status = 'open' AND assignee_id IS NULL`);
    // assigned
    await q.query(`CREATE INDEX conv_assigned_idx ON conversations (org_id, assignee_id, last_activity_at DESC, id DESC) WHERE status = 'open'`);
    // department, subordinates
    await q.query(`CREATE INDEX conv_assignee_unit_idx ON conversations (org_id, assignee_unit_id, last_customer_message_at DESC, id DESC) WHERE status = 'open'`);
    await q.query(`CREATE INDEX conv_open_customer_idx ON conversations (org_id, last_customer_message_at DESC, id DESC) WHERE status = 'open' AND assignee_id IS NOT NULL`);
    // bound, subordinate_bound
    await q.query(`CREATE INDEX conv_bound_unit_idx ON conversations (org_id, bound_unit_id, last_customer_message_at DESC, id DESC) WHERE status <> 'trashed' AND bound_unit_id IS NOT NULL`);
    // done, trash
    await q.query(`CREATE INDEX conv_closed_idx ON conversations (org_id, status, last_assigned_at DESC, id DESC) WHERE status IN ('done', 'trashed')`);
    await q.query(`CREATE INDEX conv_closed_unit_idx ON conversations (org_id, status, last_assignee_unit_id, last_assigned_at DESC, id DESC) WHERE status IN ('done', 'trashed')`);
    await q.query(`CREATE INDEX conv_closed_member_idx ON conversations (org_id, status, last_assignee_id, last_assigned_at DESC, id DESC) WHERE status IN ('done', 'trashed')`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const i of ['conv_all_idx', 'conv_unassigned_idx', 'conv_assigned_idx', 'conv_assignee_unit_idx', 'conv_open_customer_idx', 'conv_bound_unit_idx', 'conv_closed_idx', 'conv_closed_unit_idx', 'conv_closed_member_idx']) {
      await q.query(`DROP INDEX IF EXISTS ${i}`);
    }
    await q.query(`ALTER TABLE messages DROP COLUMN mention_ids`);
    await q.query(`DROP TABLE conversation_private_units`);
    await q.query(`DROP TABLE assignments`);
    await q.query(`ALTER TABLE conversations DROP COLUMN last_activity_at, DROP COLUMN last_assigned_at, DROP COLUMN bound_unit_id`);
  }
}
