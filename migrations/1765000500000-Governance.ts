import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Governance: temporary grants and the access requests that lead to them, the org settings
 * that bound them (`grant_quota_per_day`) and the retention period, and send windows on roles.
 * A grant is live while `revoked_at IS NULL AND expires_at > now()`; a member's effective
 * permissions are their role's plus their live grants' (read with every Viewer).
 */
export class Governance1765000500000 implements MigrationInterface {
  name = 'Governance1765000500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orgs ADD COLUMN grant_quota_per_day int NOT NULL DEFAULT 5`);
    await q.query(`ALTER TABLE orgs ADD COLUMN retention_days int`);
    await q.query(`ALTER TABLE roles ADD COLUMN send_window jsonb`);
    // A password change revokes every other token: the version moves on, and only the token that
    // made the change (its jti) is still accepted at the old version.
    await q.query(`ALTER TABLE members ADD COLUMN token_keep_jti text`);
    // Audit entries derived from recorded events (assignments, completions, tag edits…) carry the
    // event's id: a relayed-again event adds nothing.
    await q.query(`ALTER TABLE audit_logs ADD COLUMN event_id bigint`);
    await q.query(`CREATE UNIQUE INDEX audit_logs_event_idx ON audit_logs (event_id) WHERE event_id IS NOT NULL`);
    await q.query(`CREATE INDEX audit_logs_org_target_idx ON audit_logs (org_id, target_type, target_id, at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE grants (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        member_id uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        permissions text[] NOT NULL,
        issued_by_id uuid REFERENCES members(id) ON DELETE SET NULL,
        access_request_id uuid,
        reason text NOT NULL,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_by_id uuid REFERENCES members(id) ON DELETE SET NULL,
        -- Set once by the expiry job: it ran (idempotent), the expiry is audited and pushed.
        expiry_recorded_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The Viewer's lookup: a member's live grants.
    await q.query(`CREATE INDEX grants_live_idx ON grants (org_id, member_id, expires_at) WHERE revoked_at IS NULL`);
    // The quota: what one issuer issued since the start of their day.
    await q.query(`CREATE INDEX grants_issuer_idx ON grants (org_id, issued_by_id, created_at)`);
    await q.query(`CREATE INDEX grants_list_idx ON grants (org_id, created_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE access_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        member_id uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        permissions text[] NOT NULL,
        duration_minutes double precision NOT NULL,
        reason text NOT NULL,
        conversation_id uuid REFERENCES conversations(id) ON DELETE SET NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'denied')),
        decided_by_id uuid REFERENCES members(id) ON DELETE SET NULL,
        decided_at timestamptz,
        grant_id uuid REFERENCES grants(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE invitations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        email text NOT NULL,
        unit_id uuid NOT NULL REFERENCES units(id) ON DELETE CASCADE,
        role_id uuid NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
        invited_by_id uuid REFERENCES members(id) ON DELETE SET NULL,
        expires_at timestamptz NOT NULL,
        accepted_at timestamptz,
        member_id uuid REFERENCES members(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX invitations_org_idx ON invitations (org_id, created_at DESC)`);
    await q.query(`CREATE INDEX access_requests_list_idx ON access_requests (org_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX access_requests_member_idx ON access_requests (org_id, member_id, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE invitations`);
    await q.query(`DROP TABLE access_requests`);
    await q.query(`DROP TABLE grants`);
    await q.query(`DROP INDEX audit_logs_org_target_idx`);
    await q.query(`ALTER TABLE audit_logs DROP COLUMN event_id`);
    await q.query(`ALTER TABLE members DROP COLUMN token_keep_jti`);
    await q.query(`ALTER TABLE roles DROP COLUMN send_window`);
    await q.query(`ALTER TABLE orgs DROP COLUMN retention_days`);
    await q.query(`ALTER TABLE orgs DROP COLUMN grant_quota_per_day`);
  }
}
