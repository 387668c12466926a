import { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1764000000000 implements MigrationInterface {
  name = 'Foundation1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE orgs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        transfer_timeout_seconds int NOT NULL DEFAULT 3600 CHECK (transfer_timeout_seconds > 0),
        timezone text NOT NULL DEFAULT 'UTC',
        max_unit_depth int NOT NULL DEFAULT 3 CHECK (max_unit_depth BETWEEN 1 AND 10),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE units (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        parent_id uuid,
        name text NOT NULL,
        depth int NOT NULL CHECK (depth >= 1),
        path text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (org_id, id),
        FOREIGN KEY (org_id, parent_id) REFERENCES units(org_id, id),
        CHECK ((parent_id IS NULL) = (depth = 1))
      )`);
    await q.query(`CREATE UNIQUE INDEX units_one_root_uq ON units (org_id) WHERE parent_id IS NULL`);
    await q.query(`CREATE UNIQUE INDEX units_sibling_name_uq ON units (org_id, parent_id, lower(name))`);
    await q.query(`CREATE INDEX units_path_idx ON units (org_id, path text_pattern_ops)`);
    await q.query(`CREATE INDEX units_parent_idx ON units (org_id, parent_id)`);

    await q.query(`
      CREATE TABLE roles (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        name text NOT NULL,
        permissions text[] NOT NULL DEFAULT '{}',
        builtin text CHECK (builtin IN ('administrator', 'supervisor', 'agent')),
        notifications jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (org_id, id)
      )`);
    await q.query(`CREATE UNIQUE INDEX roles_name_uq ON roles (org_id, lower(name))`);
    await q.query(`CREATE UNIQUE INDEX roles_builtin_uq ON roles (org_id, builtin) WHERE builtin IS NOT NULL`);

    await q.query(`
      CREATE TABLE channel_accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        type text NOT NULL CHECK (type IN ('line', 'messenger', 'instagram', 'whatsapp')),
        name text NOT NULL,
        external_id text NOT NULL,
        secret_enc text NOT NULL,
        access_token_enc text NOT NULL,
        verify_token_enc text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (org_id, id),
        UNIQUE (type, external_id)
      )`);

    await q.query(`
      CREATE TABLE members (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        unit_id uuid NOT NULL,
        role_id uuid NOT NULL,
        email text NOT NULL,
        display_name text NOT NULL,
        password_hash text NOT NULL,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deactivated')),
        channel_account_ids uuid[] NOT NULL DEFAULT '{}',
        token_version int NOT NULL DEFAULT 0,
        deactivated_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (org_id, id),
        FOREIGN KEY (org_id, unit_id) REFERENCES units(org_id, id),
        FOREIGN KEY (org_id, role_id) REFERENCES roles(org_id, id)
      )`);
    await q.query(`CREATE UNIQUE INDEX members_email_uq ON members (lower(email))`);
    await q.query(`CREATE INDEX members_unit_idx ON members (org_id, unit_id)`);
    await q.query(`CREATE INDEX members_role_idx ON members (org_id, role_id)`);

    await q.query(`
      CREATE TABLE audit_logs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        actor_id uuid,
        action text NOT NULL,
        target_type text NOT NULL,
        target_id text,
        before jsonb,
        after jsonb,
        at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX audit_logs_org_at_idx ON audit_logs (org_id, at DESC, id DESC)`);
    await q.query(`CREATE INDEX audit_logs_org_action_at_idx ON audit_logs (org_id, action, at DESC, id DESC)`);
    await q.query(`CREATE INDEX audit_logs_org_actor_at_idx ON audit_logs (org_id, actor_id, at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['audit_logs', 'members', 'channel_accounts', 'roles', 'units', 'orgs']) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
