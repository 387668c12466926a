import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Search (substring, CJK without word breaks) and canned responses.
 *
 * - `pg_trgm` GIN indexes on message text and customer display names: `ILIKE '%…%'` with a
 *   pattern of three or more characters is an index lookup (trigrams of CJK runs work as well
 *   as Latin words; Latin is lower-cased, so matching is case-insensitive).
 * - `search_short_grams`: 1- and 2-character substrings of customer names, for the short
 *   queries trigrams cannot serve.
 * - `messages_org_time_idx`: messages of an org newest first, the order search results come
 *   in. Frequent terms (and 1–2-character queries, which trigrams cannot serve) are found by
 *   reading this index and stopping after one page of readable hits.
 * - `canned_responses`: `shortcode` unique per unit, case-insensitively; org-wide responses
 *   (`unit_id IS NULL`) are unique among themselves through the COALESCE in the index (NULLs
 *   would never collide in a plain unique index).
 */
export class SearchAndCanned1765000300000 implements MigrationInterface {
  name = 'SearchAndCanned1765000300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE INDEX messages_text_trgm_idx ON messages USING gin (text gin_trgm_ops)`);
    await q.query(`CREATE INDEX messages_org_time_idx ON messages (org_id, created_at DESC, conversation_id DESC)`);
    await q.query(`CREATE INDEX customers_display_name_trgm_idx ON customers USING gin (display_name gin_trgm_ops)`);
    // Trigrams cannot serve a 1–2-character query; for customer names (short strings) an index
    // of their lower-cased 1- and 2-character substrings can: `grams @> ARRAY[lower(q)]`.
    await q.query(`
      CREATE FUNCTION search_short_grams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
        SELECT coalesce(array_agg(DISTINCT substr(lower(t), i, n)), '{}')
          FROM generate_series(1, length(t)) i, (VALUES (1), (2)) g(n)
         WHERE i + n - 1 <= length(t)
      $$`);
    await q.query(`CREATE INDEX customers_display_name_grams_idx ON customers USING gin (search_short_grams(display_name))`);
    await q.query(`
      CREATE TABLE canned_responses (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        unit_id uuid,
        shortcode text NOT NULL CHECK (length(shortcode) BETWEEN 1 AND 50),
        title text NOT NULL,
        text text NOT NULL,
        created_by_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (org_id, id),
        FOREIGN KEY (org_id, unit_id) REFERENCES units(org_id, id) ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE UNIQUE INDEX canned_responses_shortcode_uq ON canned_responses (org_id, COALESCE(unit_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(shortcode))`,
    );
    await q.query(`CREATE INDEX canned_responses_unit_idx ON canned_responses (org_id, unit_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS canned_responses`);
    await q.query(`DROP INDEX IF EXISTS customers_display_name_grams_idx`);
    await q.query(`DROP FUNCTION IF EXISTS search_short_grams(text)`);
    await q.query(`DROP INDEX IF EXISTS customers_display_name_trgm_idx`);
    await q.query(`DROP INDEX IF EXISTS messages_org_time_idx`);
    await q.query(`DROP INDEX IF EXISTS messages_text_trgm_idx`);
  }
}
