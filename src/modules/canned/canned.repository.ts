import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';

export interface CannedRow {
  id: string;
  org_id: string;
  unit_id: string | null;
  shortcode: string;
  title: string;
  text: string;
  created_at: Date;
  updated_at: Date;
  /** The unit's materialized path; null for org-wide responses. */
  unit_path: string | null;
}

const COLUMNS = `cr.id, cr.org_id, cr.unit_id, cr.shortcode, cr.title, cr.text, cr.created_at, cr.updated_at, u.path AS unit_path`;
const FROM = `canned_responses cr LEFT JOIN units u ON u.org_id = cr.org_id AND u.id = cr.unit_id`;
/** Listing cap: canned responses are a small, curated set. */
export const CANNED_LIST_CAP = 1000;

/** Owner of `canned_responses`. */
@Injectable()
export class CannedRepository {
  constructor(private readonly db: Db) {}

  /**
   * Org-wide responses and those of `unitIds` (`subtreePath`: or of any unit under that path),
   * filtered by a lower-cased shortcode/title prefix; most specific unit first per shortcode.
   */
  list(orgId: string, o: { unitIds: readonly string[]; orgWide: boolean; subtreePath: string | null; prefix: string | null }): Promise<CannedRow[]> {
    return this.db.manager.query(
      `SELECT ${COLUMNS} FROM ${FROM}
        WHERE cr.org_id = $1
          AND ((cr.unit_id IS NULL AND $2::boolean) OR cr.unit_id = ANY($3::uuid[]) OR ($4::text IS NOT NULL AND u.path LIKE $4::text || '%'))
          AND ($5::text IS NULL OR lower(cr.shortcode) LIKE $5::text || '%' OR lower(cr.title) LIKE $5::text || '%')
        ORDER BY lower(cr.shortcode), u.depth DESC NULLS LAST, cr.id
        LIMIT ${CANNED_LIST_CAP}`,
      [orgId, o.orgWide, o.unitIds, o.subtreePath, o.prefix],
    );
  }

  async findById(orgId: string, id: string): Promise<CannedRow | null> {
    const [row] = await this.db.manager.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE cr.org_id = $1 AND cr.id = $2`, [orgId, id]);
    return row ?? null;
  }

  /** Row-locked for the rest of the unit of work. */
  async lockById(orgId: string, id: string): Promise<CannedRow | null> {
    const [row] = await this.db.txManager.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE cr.org_id = $1 AND cr.id = $2 FOR UPDATE OF cr`, [orgId, id]);
    return row ?? null;
  }

  async unitPath(orgId: string, unitId: string): Promise<string | null> {
    const [row] = await this.db.manager.query(`SELECT path FROM units WHERE org_id = $1 AND id = $2`, [orgId, unitId]);
    return row?.path ?? null;
  }

  async insert(orgId: string, r: { unitId: string | null; shortcode: string; title: string; text: string; createdById: string }): Promise<string> {
    const [row] = await this.db.txManager.query(
      `INSERT INTO canned_responses (org_id, unit_id, shortcode, title, text, created_by_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [orgId, r.unitId, r.shortcode, r.title, r.text, r.createdById],
    );
    return row.id;
  }

  async update(orgId: string, id: string, r: { unitId: string | null; shortcode: string; title: string; text: string }): Promise<void> {
    await this.db.txManager.query(
      `UPDATE canned_responses SET unit_id = $3, shortcode = $4, title = $5, text = $6, updated_at = now() WHERE org_id = $1 AND id = $2`,
      [orgId, id, r.unitId, r.shortcode, r.title, r.text],
    );
  }

  async delete(orgId: string, id: string): Promise<void> {
    await this.db.txManager.query(`DELETE FROM canned_responses WHERE org_id = $1 AND id = $2`, [orgId, id]);
  }
}
