import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transactional outbox. `domain_events` is append-only: every change writes its events
 * in the same transaction, and reports and the audit trail read them later. `event_outbox`
 * holds the ids still to be relayed (real-time fan-out, notifications, outbound sends); a
 * row leaves it once every subscriber has handled the event. Its lease says who relays it:
 * the committing process first, any process once the lease has run out (the committer died).
 */
export class DomainEvents1764000700000 implements MigrationInterface {
  name = 'DomainEvents1764000700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE domain_events (
        id bigserial PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        type text NOT NULL,
        actor_id uuid,
        conversation_id uuid,
        customer_id uuid,
        data jsonb NOT NULL DEFAULT '{}',
        occurred_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX domain_events_org_time_idx ON domain_events (org_id, occurred_at, id)`);
    await q.query(`CREATE INDEX domain_events_conversation_idx ON domain_events (conversation_id, id) WHERE conversation_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE event_outbox (
        event_id bigint PRIMARY KEY REFERENCES domain_events(id) ON DELETE CASCADE,
        lease_until timestamptz NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        last_error text
      )`);
    await q.query(`CREATE INDEX event_outbox_lease_idx ON event_outbox (lease_until, event_id)`);
    // How each holding started (SPEC §12): by hand, a claim, routing or a staff handover.
    await q.query(`ALTER TABLE assignments ADD COLUMN via text NOT NULL DEFAULT 'manual'`);
    await q.query(`UPDATE assignments SET via = 'claim' WHERE assigned_by_id = member_id`);
    // Bumped with every change to members, roles or units: in-process directories compare it.
    await q.query(`ALTER TABLE orgs ADD COLUMN directory_version bigint NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orgs DROP COLUMN directory_version`);
    await q.query(`ALTER TABLE assignments DROP COLUMN via`);
    await q.query(`DROP TABLE event_outbox`);
    await q.query(`DROP TABLE domain_events`);
  }
}
