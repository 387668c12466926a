import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Report histograms as text (`'0,3,1'`: the bucket counts, comma-separated, trailing zeros
 * trimmed) instead of int[]. A report reads thousands of them (HQ over a year by unit: 2 × 2,532)
 * and PostgreSQL turned each int[] into text element by element on every request (150–350 ms
 * of a loaded machine's time); a text value goes out as it is stored. The conversion is done in
 * place, so existing rollups keep every figure; the write path adds text histograms with
 * `report_hist_sum`.
 */
export class ReportHistogramText1765100000000 implements MigrationInterface {
  name = 'ReportHistogramText1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE report_rollups
        ALTER COLUMN first_response DROP DEFAULT,
        ALTER COLUMN resolution DROP DEFAULT,
        ALTER COLUMN first_response TYPE text USING array_to_string(first_response, ','),
        ALTER COLUMN resolution TYPE text USING array_to_string(resolution, ','),
        ALTER COLUMN first_response SET DEFAULT '',
        ALTER COLUMN resolution SET DEFAULT ''`);
    await q.query(`DROP FUNCTION report_hist_add(int[], int[])`);
    // Element-wise sum; the shorter one counts as padded with zeros. bigint: a bucket of a busy
    // org's root unit over a month must not overflow while adding.
    await q.query(`
      CREATE FUNCTION report_hist_sum(a text, b text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN b = '' THEN a WHEN a = '' THEN b ELSE
          (SELECT string_agg((coalesce(x::bigint, 0) + coalesce(y::bigint, 0))::text, ',' ORDER BY i)
             FROM ROWS FROM (unnest(string_to_array(a, ',')), unnest(string_to_array(b, ','))) WITH ORDINALITY AS t(x, y, i))
        END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION report_hist_sum(text, text)`);
    await q.query(`
      ALTER TABLE report_rollups
        ALTER COLUMN first_response DROP DEFAULT,
        ALTER COLUMN resolution DROP DEFAULT,
        ALTER COLUMN first_response TYPE int[] USING coalesce(string_to_array(first_response, ',')::int[], '{}'),
        ALTER COLUMN resolution TYPE int[] USING coalesce(string_to_array(resolution, ',')::int[], '{}'),
        ALTER COLUMN first_response SET DEFAULT '{}',
        ALTER COLUMN resolution SET DEFAULT '{}'`);
    await q.query(`
      CREATE FUNCTION report_hist_add(a int[], b int[]) RETURNS int[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(coalesce(a[i], 0) + coalesce(b[i], 0) ORDER BY i), '{}'::int[])
          FROM generate_series(1, greatest(coalesce(cardinality(a), 0), coalesce(cardinality(b), 0))) AS i
      $$`);
  }
}
