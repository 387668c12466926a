import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Routing decides under a lock per MEMBER (was: per unit), so a unit's members take new work in
 * parallel (docs/routing.md, "Concurrency"):
 * - `routing_load(org, member)`: a member's capacity, open conversations and latest assignment;
 * - `routing_claim(org, member, wait)`: takes that member's transaction lock (or gives up at once
 *   when `wait` is false: no row) and reads their load under it;
 * - `routing_claim_any(org, members, start)`: tries the members' locks in the given (ranked)
 *   order without waiting and returns the first one under capacity; if every lock is taken, waits
 *   on them starting at `start`. One round trip however contended the unit is.
 * The claim functions must be VOLATILE plpgsql: each statement in them then runs with a fresh
 * snapshot, so the load read after a lock includes every assignment committed by its previous
 * holder (a single statement would read with a snapshot taken before it waited).
 */
export class RoutingMemberClaim1765100300000 implements MigrationInterface {
  name = 'RoutingMemberClaim1765100300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION routing_load(p_org uuid, p_member uuid)
      RETURNS TABLE (max int, open int, last_us bigint)
      LANGUAGE sql STABLE AS $$
        SELECT r.max_open_conversations,
               (SELECT count(*) FROM conversations c WHERE c.org_id = p_org AND c.assignee_id = p_member AND c.status = 'open')::int,
               (SELECT (extract(epoch FROM a.started_at) * 1000000)::bigint FROM assignments a
                 WHERE a.org_id = p_org AND a.member_id = p_member ORDER BY a.started_at DESC LIMIT 1)
          FROM members m JOIN roles r ON r.id = m.role_id
         WHERE m.org_id = p_org AND m.id = p_member
      $$`);
    await q.query(`
      CREATE FUNCTION routing_claim(p_org uuid, p_member uuid, p_wait boolean)
      RETURNS TABLE (max int, open int, last_us bigint)
      LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        IF p_wait THEN
          PERFORM pg_advisory_xact_lock(hashtextextended('routing-member:' || p_member::text, 0));
        ELSIF NOT pg_try_advisory_xact_lock(hashtextextended('routing-member:' || p_member::text, 0)) THEN
          RETURN;
        END IF;
        RETURN QUERY SELECT l.max, l.open, l.last_us FROM routing_load(p_org, p_member) l;
      END $$`);
    await q.query(`
      CREATE FUNCTION routing_claim_any(p_org uuid, p_members uuid[], p_start int)
      RETURNS TABLE (member_id uuid, max int, open int, last_us bigint)
      LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        m uuid;
        busy uuid[] := '{}';
        n int;
        l record;
      BEGIN
        FOREACH m IN ARRAY p_members LOOP
          IF pg_try_advisory_xact_lock(hashtextextended('routing-member:' || m::text, 0)) THEN
            SELECT * INTO l FROM routing_load(p_org, m);
            IF FOUND AND (l.max IS NULL OR l.open < l.max) THEN
              RETURN QUERY SELECT m, l.max, l.open, l.last_us;
              RETURN;
            END IF;
          ELSE
            busy := busy || m;
          END IF;
        END LOOP;
        n := coalesce(array_length(busy, 1), 0);
        FOR i IN 0 .. n - 1 LOOP
          m := busy[((p_start + i) % n) + 1];
          PERFORM pg_advisory_xact_lock(hashtextextended('routing-member:' || m::text, 0));
          SELECT * INTO l FROM routing_load(p_org, m);
          IF FOUND AND (l.max IS NULL OR l.open < l.max) THEN
            RETURN QUERY SELECT m, l.max, l.open, l.last_us;
            RETURN;
          END IF;
        END LOOP;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS routing_claim_any(uuid, uuid[], int)`);
    await q.query(`DROP FUNCTION IF EXISTS routing_claim(uuid, uuid, boolean)`);
    await q.query(`DROP FUNCTION IF EXISTS routing_load(uuid, uuid)`);
  }
}
