import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Counts (and per-unit ranges) for members with a channel scope, from the index alone: the
 * folder indexes that counts read carry `channel_account_id` (and the columns their range
 * filters test) as INCLUDE columns, so a count is an index-only scan whatever the scope,
 * instead of one heap fetch per entry. `conversation_private_units` carries the
 * conversation's channel account too (it never changes; the insert trigger fills it).
 */
export class FolderScopeInIndexes1764000600000 implements MigrationInterface {
  name = 'FolderScopeInIndexes1764000600000';

  private static readonly INDEXES: [name: string, table: string, definition: string, before: string][] = [
    ['conv_unassigned_idx', 'conversations', `(org_id, last_activity_at DESC, id DESC) INCLUDE (bound_unit_id, channel_account_id) WHERE status = 'open' AND assignee_id IS NULL`, `(org_id, last_activity_at DESC, id DESC) WHERE status = 'open' AND assignee_id IS NULL`],
    ['conv_assigned_idx', 'conversations', `(org_id, assignee_id, last_activity_at DESC, id DESC) INCLUDE (channel_account_id) WHERE status = 'open'`, `(org_id, assignee_id, last_activity_at DESC, id DESC) WHERE status = 'open'`],
    ['conv_assignee_unit_idx', 'conversations', `(org_id, assignee_unit_id, last_customer_message_at DESC, id DESC) INCLUDE (channel_account_id) WHERE status = 'open'`, `(org_id, assignee_unit_id, last_customer_message_at DESC, id DESC) WHERE status = 'open'`],
    ['conv_bound_unit_idx', 'conversations', `(org_id, bound_unit_id, last_customer_message_at DESC, id DESC) INCLUDE (channel_account_id) WHERE status <> 'trashed' AND bound_unit_id IS NOT NULL`, `(org_id, bound_unit_id, last_customer_message_at DESC, id DESC) WHERE status <> 'trashed' AND bound_unit_id IS NOT NULL`],
    ['conv_closed_unit_idx', 'conversations', `(org_id, status, last_assignee_unit_id, last_assigned_at DESC, id DESC) INCLUDE (channel_account_id) WHERE status IN ('done', 'trashed')`, `(org_id, status, last_assignee_unit_id, last_assigned_at DESC, id DESC) WHERE status IN ('done', 'trashed')`],
    ['conv_closed_bound_idx', 'conversations', `(org_id, status, bound_unit_id, last_assigned_at DESC, id DESC) INCLUDE (last_assignee_unit_id, channel_account_id) WHERE status IN ('done', 'trashed') AND bound_unit_id IS NOT NULL`, `(org_id, status, bound_unit_id, last_assigned_at DESC, id DESC) WHERE status IN ('done', 'trashed') AND bound_unit_id IS NOT NULL`],
    ['conv_closed_member_idx', 'conversations', `(org_id, status, last_assignee_id, last_assigned_at DESC, id DESC) INCLUDE (last_assignee_unit_id, bound_unit_id, channel_account_id) WHERE status IN ('done', 'trashed')`, `(org_id, status, last_assignee_id, last_assigned_at DESC, id DESC) WHERE status IN ('done', 'trashed')`],
    ['cpu_unit_activity_idx', 'conversation_private_units', `(org_id, unit_id, last_activity_at DESC, conversation_id DESC) INCLUDE (channel_account_id)`, `(org_id, unit_id, last_activity_at DESC, conversation_id DESC)`],
    ['cpu_activity_idx', 'conversation_private_units', `(org_id, last_activity_at DESC, conversation_id DESC) INCLUDE (unit_id, channel_account_id)`, `(org_id, last_activity_at DESC, conversation_id DESC) INCLUDE (unit_id)`],
  ];

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE conversation_private_units ADD COLUMN channel_account_id uuid`);
    await q.query(`UPDATE conversation_private_units p SET channel_account_id = c.channel_account_id FROM conversations c WHERE c.id = p.conversation_id`);
    await q.query(`ALTER TABLE conversation_private_units ALTER COLUMN channel_account_id SET NOT NULL`);
    await q.query(`
      CREATE OR REPLACE FUNCTION conversation_private_units_take_activity() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        SELECT c.last_activity_at, c.channel_account_id INTO NEW.last_activity_at, NEW.channel_account_id
          FROM conversations c WHERE c.id = NEW.conversation_id;
        RETURN NEW;
      END $$`);
    for (const [name, table, definition] of FolderScopeInIndexes1764000600000.INDEXES) {
      await q.query(`DROP INDEX ${name}`);
      await q.query(`CREATE INDEX ${name} ON ${table} ${definition}`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [name, table, , before] of FolderScopeInIndexes1764000600000.INDEXES) {
      await q.query(`DROP INDEX ${name}`);
      await q.query(`CREATE INDEX ${name} ON ${table} ${before}`);
    }
    await q.query(`
      CREATE OR REPLACE FUNCTION conversation_private_units_take_activity() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.last_activity_at := (SELECT c.last_activity_at FROM conversations c WHERE c.id = NEW.conversation_id);
        RETURN NEW;
      END $$`);
    await q.query(`ALTER TABLE conversation_private_units DROP COLUMN channel_account_id`);
  }
}
