import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Yearly report rollups: grains 5 (unit, member, year) and 6 (unit, year), `period` the 1st of
 * January. A report over a calendar year then reads one row per unit (or member) instead of
 * twelve. Existing data gets its yearly rows from the monthly ones, which hold exactly the same
 * figures (every figure lands in its day, month and year rows alike).
 */
export class ReportYearRollups1765100010000 implements MigrationInterface {
  name = 'ReportYearRollups1765100010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE report_rollups DROP CONSTRAINT report_rollups_grain_check, ADD CONSTRAINT report_rollups_grain_check CHECK (grain BETWEEN 1 AND 6)`);
    // Only for the backfill below: text histograms added up over rows.
    await q.query(`CREATE AGGREGATE report_hist_total(text) (SFUNC = report_hist_sum, STYPE = text, INITCOND = '')`);
    await q.query(`
      INSERT INTO report_rollups (org_id, grain, period, unit_id, member_id, conversations, reopened, messages_in, messages_out,
                                  transfers, transfer_timeouts, completed, first_response, resolution)
      SELECT org_id, grain + 2, date_trunc('year', period)::date, unit_id, member_id, sum(conversations), sum(reopened), sum(messages_in), sum(messages_out),
             sum(transfers), sum(transfer_timeouts), sum(completed), report_hist_total(first_response), report_hist_total(resolution)
        FROM report_rollups
       WHERE grain IN (3, 4)
       GROUP BY org_id, grain, date_trunc('year', period), unit_id, member_id`);
    await q.query(`DROP AGGREGATE report_hist_total(text)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM report_rollups WHERE grain IN (5, 6)`);
    await q.query(`ALTER TABLE report_rollups DROP CONSTRAINT report_rollups_grain_check, ADD CONSTRAINT report_rollups_grain_check CHECK (grain BETWEEN 1 AND 4)`);
  }
}
