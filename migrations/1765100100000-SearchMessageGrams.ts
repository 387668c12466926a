import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Short search queries on message text. Trigrams (`messages_text_trgm_idx`) cannot serve a
 * 1–2-character query, so before this a rare short term read an org's messages until it had a
 * page or ran out: millions of rows for a viewer who reads the whole org. This indexes every
 * lower-cased 1- and 2-character substring of each message (`search_short_grams`, the function
 * the customer-name index already uses): `search_short_grams(text) @> ARRAY[lower(q)]` is then an
 * index lookup whose cost follows the number of matches. Frequent terms keep being found by
 * reading newest first (`messages_org_time_idx`); the planner picks per query from the index's
 * statistics (docs/search.md).
 *
 * `search_short_grams` gets a faster body with the same result set (order and repeats differ,
 * which neither GIN nor `@>` sees, so the customer-name index stays valid): the SQL version
 * (generate_series, DISTINCT, a sort per call) cost ~5× more per row, which on millions of
 * messages is the difference between minutes and a quarter of an hour to build, and it runs
 * again on every message written.
 */
const FAST = `
  CREATE OR REPLACE FUNCTION search_short_grams(t text) RETURNS text[] LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT AS $$
  DECLARE
    chars text[] := string_to_array(lower(t), NULL);  -- one element per character
    grams text[] := coalesce(chars, '{}');
  BEGIN
    FOR i IN 1 .. coalesce(array_length(chars, 1), 0) - 1 LOOP
      grams := grams || (chars[i] || chars[i + 1]);
    END LOOP;
    RETURN grams;
  END $$`;

const ORIGINAL = `
  CREATE OR REPLACE FUNCTION search_short_grams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT coalesce(array_agg(DISTINCT substr(lower(t), i, n)), '{}')
      FROM generate_series(1, length(t)) i, (VALUES (1), (2)) g(n)
     WHERE i + n - 1 <= length(t)
  $$`;

export class SearchMessageGrams1765100100000 implements MigrationInterface {
  name = 'SearchMessageGrams1765100100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(FAST);
    // Building over millions of rows: give the sort room (this transaction only).
    await q.query(`SET LOCAL maintenance_work_mem = '512MB'`);
    await q.query(`CREATE INDEX messages_text_grams_idx ON messages USING gin (search_short_grams(text))`);
    // The planner's choice between this index and reading newest first rests on how common each
    // substring is: statistics of the indexed expression, gathered now rather than at the next autoanalyze.
    await q.query(`ANALYZE messages`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS messages_text_grams_idx`);
    await q.query(ORIGINAL);
  }
}
