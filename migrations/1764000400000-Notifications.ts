import { MigrationInterface, QueryRunner } from 'typeorm';

export class Notifications1764000400000 implements MigrationInterface {
  name = 'Notifications1764000400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        member_id uuid NOT NULL,
        type text NOT NULL,
        payload jsonb NOT NULL,
        channels text[] NOT NULL,
        dedup_key text NOT NULL,
        read_at timestamptz,
        email_sent_at timestamptz,
        push_sent_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        UNIQUE (dedup_key),
        FOREIGN KEY (org_id, member_id) REFERENCES members(org_id, id)
      )`);
    await q.query(`CREATE INDEX notifications_member_idx ON notifications (org_id, member_id, created_at DESC, id DESC) WHERE 'web' = ANY (channels)`);
    await q.query(`CREATE INDEX notifications_unread_idx ON notifications (org_id, member_id) WHERE read_at IS NULL AND 'web' = ANY (channels)`);
    await q.query(`
      CREATE TABLE push_subscriptions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        member_id uuid NOT NULL,
        endpoint text NOT NULL UNIQUE,
        p256dh text NOT NULL,
        auth text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (org_id, member_id) REFERENCES members(org_id, id)
      )`);
    await q.query(`CREATE INDEX push_subscriptions_member_idx ON push_subscriptions (org_id, member_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE push_subscriptions`);
    await q.query(`DROP TABLE notifications`);
  }
}
