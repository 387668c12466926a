import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Folder pages and counts as index ranges at any subtree size (docs/folders.md):
 *
 * - `conversation_private_units.last_activity_at`: the private folder's sort key, a copy of
 *   the conversation's. Two triggers keep it equal to `conversations.last_activity_at` for
 *   every writer (inbound message, reply, binding confirmation, anything later): a new row
 *   takes the conversation's value, and a change of the conversation's value is copied to
 *   its rows. Every writer of either table already holds the conversation's row lock, so the
 *   copy cannot fall behind. Private pages are then ranges of
 *   `(org_id, unit_id, last_activity_at, conversation_id)` (small subtrees, one per unit) or
 *   of `(org_id, last_activity_at, conversation_id)` with the unit as a filter (large ones).
 * - `conv_bound_customer_idx`: subordinate_bound in order for a large subtree (HQ).
 * - `conv_closed_bound_idx`: done/trash per bound unit, for small subtrees.
 */
export class FolderRanges1764000500000 implements MigrationInterface {
  name = 'FolderRanges1764000500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE conversation_private_units ADD COLUMN last_activity_at timestamptz`);
    await q.query(`UPDATE conversation_private_units p SET last_activity_at = c.last_activity_at FROM conversations c WHERE c.id = p.conversation_id`);
    await q.query(`ALTER TABLE conversation_private_units ALTER COLUMN last_activity_at SET NOT NULL`);

    await q.query(`
      CREATE FUNCTION conversation_private_units_take_activity() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.last_activity_at := (SELECT c.last_activity_at FROM conversations c WHERE c.id = NEW.conversation_id);
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER conversation_private_units_take_activity BEFORE INSERT OR UPDATE OF conversation_id ON conversation_private_units
        FOR EACH ROW EXECUTE FUNCTION conversation_private_units_take_activity()`);
    await q.query(`
      CREATE FUNCTION conversations_copy_activity_to_private_units() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE conversation_private_units SET last_activity_at = NEW.last_activity_at WHERE conversation_id = NEW.id;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER conversations_copy_activity_to_private_units AFTER UPDATE OF last_activity_at ON conversations
        FOR EACH ROW WHEN (OLD.last_activity_at IS DISTINCT FROM NEW.last_activity_at)
        EXECUTE FUNCTION conversations_copy_activity_to_private_units()`);

    await q.query(`DROP INDEX conversation_private_units_unit_idx`);
    // private, small subtree: one range per unit
    await q.query(`CREATE INDEX cpu_unit_activity_idx ON conversation_private_units (org_id, unit_id, last_activity_at DESC, conversation_id DESC)`);
    // private, large subtree: in order, the unit tested in the index
    await q.query(`CREATE INDEX cpu_activity_idx ON conversation_private_units (org_id, last_activity_at DESC, conversation_id DESC) INCLUDE (unit_id)`);
    // subordinate_bound, large subtree
    await q.query(`CREATE INDEX conv_bound_customer_idx ON conversations (org_id, last_customer_message_at DESC, id DESC) WHERE status <> 'trashed' AND bound_unit_id IS NOT NULL`);
    // done, trash, small subtree: the bound-unit condition per unit
    await q.query(`CREATE INDEX conv_closed_bound_idx ON conversations (org_id, status, bound_unit_id, last_assigned_at DESC, id DESC) WHERE status IN ('done', 'trashed') AND bound_unit_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX conv_closed_bound_idx`);
    await q.query(`DROP INDEX conv_bound_customer_idx`);
    await q.query(`DROP INDEX cpu_activity_idx`);
    await q.query(`DROP INDEX cpu_unit_activity_idx`);
    await q.query(`CREATE INDEX conversation_private_units_unit_idx ON conversation_private_units (org_id, unit_id, conversation_id)`);
    await q.query(`DROP TRIGGER conversations_copy_activity_to_private_units ON conversations`);
    await q.query(`DROP FUNCTION conversations_copy_activity_to_private_units()`);
    await q.query(`DROP TRIGGER conversation_private_units_take_activity ON conversation_private_units`);
    await q.query(`DROP FUNCTION conversation_private_units_take_activity()`);
    await q.query(`ALTER TABLE conversation_private_units DROP COLUMN last_activity_at`);
  }
}
