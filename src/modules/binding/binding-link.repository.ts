import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { updateReturning } from '../../infra/database/returning';

export interface BindingLinkRow {
  id: string;
  org_id: string;
  unit_id: string;
  member_id: string | null;
  channel_account_id: string;
  token: string;
  created_at: Date;
  revoked_at: Date | null;
  unit_name: string;
  unit_path: string;
}

@Injectable()
export class BindingLinkRepository {
  constructor(private readonly ds: DataSource) {}

  async insert(
    orgId: string,
    l: { unitId: string; memberId: string | null; channelAccountId: string; token: string; createdById: string },
    em: EntityManager,
  ): Promise<string> {
    const [row] = await em.query(
      `INSERT INTO binding_links (org_id, unit_id, member_id, channel_account_id, token, created_by_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [orgId, l.unitId, l.memberId, l.channelAccountId, l.token, l.createdById],
    );
    return row.id;
  }

  /** A live token (not revoked; its unit still exists, else the row is gone with it). */
  async findLiveByToken(token: string, em: EntityManager): Promise<BindingLinkRow | null> {
    const [row] = await em.query(
      `SELECT l.*, u.name AS unit_name, u.path AS unit_path FROM binding_links l JOIN units u ON u.org_id = l.org_id AND u.id = l.unit_id
        WHERE l.token = $1 AND l.revoked_at IS NULL`,
      [token],
    );
    return row ?? null;
  }

  async findById(orgId: string, id: string, em?: EntityManager): Promise<BindingLinkRow | null> {
    const [row] = await (em ?? this.ds.manager).query(
      `SELECT l.*, u.name AS unit_name, u.path AS unit_path FROM binding_links l JOIN units u ON u.org_id = l.org_id AND u.id = l.unit_id
        WHERE l.org_id = $1 AND l.id = $2`,
      [orgId, id],
    );
    return row ?? null;
  }

  listForUnit(orgId: string, unitId: string): Promise<BindingLinkRow[]> {
    return this.ds.query(
      `SELECT l.*, u.name AS unit_name, u.path AS unit_path FROM binding_links l JOIN units u ON u.org_id = l.org_id AND u.id = l.unit_id
        WHERE l.org_id = $1 AND l.unit_id = $2 ORDER BY l.created_at DESC LIMIT 500`,
      [orgId, unitId],
    );
  }

  async revoke(orgId: string, id: string, em?: EntityManager): Promise<void> {
    await (em ?? this.ds.manager).query(`UPDATE binding_links SET revoked_at = now() WHERE org_id = $1 AND id = $2 AND revoked_at IS NULL`, [orgId, id]);
  }

  async revokeForMember(orgId: string, memberId: string, em: EntityManager): Promise<number> {
    const rows = await updateReturning(em, `UPDATE binding_links SET revoked_at = now() WHERE org_id = $1 AND member_id = $2 AND revoked_at IS NULL RETURNING id`, [orgId, memberId]);
    return rows.length;
  }
}
