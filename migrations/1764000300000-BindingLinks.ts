import { MigrationInterface, QueryRunner } from 'typeorm';

export class BindingLinks1764000300000 implements MigrationInterface {
  name = 'BindingLinks1764000300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE binding_links (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        unit_id uuid NOT NULL,
        member_id uuid,
        channel_account_id uuid NOT NULL,
        token text NOT NULL UNIQUE,
        created_by_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        FOREIGN KEY (org_id, unit_id) REFERENCES units(org_id, id) ON DELETE CASCADE,
        FOREIGN KEY (org_id, member_id) REFERENCES members(org_id, id),
        FOREIGN KEY (org_id, channel_account_id) REFERENCES channel_accounts(org_id, id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX binding_links_member_idx ON binding_links (org_id, member_id) WHERE member_id IS NOT NULL AND revoked_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE binding_links`);
  }
}
