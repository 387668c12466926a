import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reports (docs/reports.md). Figures are rolled up from `domain_events` as they are relayed:
 * `report_conversations` holds each conversation's report state (its session, holder, the
 * last event folded in: the watermark that makes a replayed or late event a no-op) and
 * `report_rollups` the figures per (grain, local day or month, unit, member). Histograms are
 * fixed log-scale bucket counts (int[]), added element-wise by `report_hist_add`.
 */
export class Reports1765000400000 implements MigrationInterface {
  name = 'Reports1765000400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE report_conversations (
        conversation_id uuid PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        last_event_id bigint NOT NULL DEFAULT 0,
        state jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX report_conversations_org_idx ON report_conversations (org_id)`);
    await q.query(`
      CREATE TABLE report_rollups (
        org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        grain smallint NOT NULL CHECK (grain BETWEEN 1 AND 4),
        period date NOT NULL,
        unit_id uuid NOT NULL,
        member_id uuid NOT NULL,
        conversations int NOT NULL DEFAULT 0,
        reopened int NOT NULL DEFAULT 0,
        messages_in int NOT NULL DEFAULT 0,
        messages_out int NOT NULL DEFAULT 0,
        transfers int NOT NULL DEFAULT 0,
        transfer_timeouts int NOT NULL DEFAULT 0,
        completed int NOT NULL DEFAULT 0,
        first_response int[] NOT NULL DEFAULT '{}',
        resolution int[] NOT NULL DEFAULT '{}',
        PRIMARY KEY (org_id, grain, unit_id, period, member_id)
      )`);
    await q.query(`
      CREATE FUNCTION report_hist_add(a int[], b int[]) RETURNS int[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(coalesce(a[i], 0) + coalesce(b[i], 0) ORDER BY i), '{}'::int[])
          FROM generate_series(1, greatest(coalesce(cardinality(a), 0), coalesce(cardinality(b), 0))) AS i
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION report_hist_add(int[], int[])`);
    await q.query(`DROP TABLE report_rollups`);
    await q.query(`DROP TABLE report_conversations`);
  }
}
