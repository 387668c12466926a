import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';
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
  /** The link's channel account: what its deep links are built from (docs/media.md). */
  channel_type: string;
  channel_external_id: string;
  channel_basic_id: string | null;
  channel_username: string | null;
  channel_phone_number: string | null;
}

@Injectable()
export class BindingLinkRepository {
  constructor(private readonly db: Db) {}

  async insert(orgId: string, l: { unitId: string; memberId: string | null; channelAccountId: string; token: string; createdById: string }): Promise<string> {
    const [row] = await this.db.manager.query(
      `INSERT INTO binding_links (org_id, unit_id, member_id, channel_account_id, token, created_by_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [orgId, l.unitId, l.memberId, l.channelAccountId, l.token, l.createdById],
    );
    return row.id;
  }

  /** A live token (not revoked; its unit still exists, else the row is gone with it). */
  async findLiveByToken(token: string): Promise<BindingLinkRow | null> {
    const [row] = await this.db.manager.query(
      `SELECT l.*, u.name AS unit_name, u.path AS unit_path, ca.type AS channel_type, ca.external_id AS channel_external_id,
              ca.basic_id AS channel_basic_id, ca.username AS channel_username, ca.phone_number AS channel_phone_number
         FROM binding_links l JOIN units u ON u.org_id = l.org_id AND u.id = l.unit_id
         JOIN channel_accounts ca ON ca.org_id = l.org_id AND ca.id = l.channel_account_id
        WHERE l.token = $1 AND l.revoked_at IS NULL`,
      [token],
    );
    return row ?? null;
  }

  async findById(orgId: string, id: string): Promise<BindingLinkRow | null> {
    const [row] = await this.db.manager.query(
      `SELECT l.*, u.name AS unit_name, u.path AS unit_path, ca.type AS channel_type, ca.external_id AS channel_external_id,
              ca.basic_id AS channel_basic_id, ca.username AS channel_username, ca.phone_number AS channel_phone_number
         FROM binding_links l JOIN units u ON u.org_id = l.org_id AND u.id = l.unit_id
         JOIN channel_accounts ca ON ca.org_id = l.org_id AND ca.id = l.channel_account_id
        WHERE l.org_id = $1 AND l.id = $2`,
      [orgId, id],
    );
    return row ?? null;
  }

  listForUnit(orgId: string, unitId: string): Promise<BindingLinkRow[]> {
    return this.db.manager.query(
      `SELECT l.*, u.name AS unit_name, u.path AS unit_path, ca.type AS channel_type, ca.external_id AS channel_external_id,
              ca.basic_id AS channel_basic_id, ca.username AS channel_username, ca.phone_number AS channel_phone_number
         FROM binding_links l JOIN units u ON u.org_id = l.org_id AND u.id = l.unit_id
         JOIN channel_accounts ca ON ca.org_id = l.org_id AND ca.id = l.channel_account_id
        WHERE l.org_id = $1 AND l.unit_id = $2 ORDER BY l.created_at DESC LIMIT 500`,
      [orgId, unitId],
    );
  }

  async revoke(orgId: string, id: string): Promise<void> {
    await this.db.manager.query(`UPDATE binding_links SET revoked_at = now() WHERE org_id = $1 AND id = $2 AND revoked_at IS NULL`, [orgId, id]);
  }

  async revokeForMember(orgId: string, memberId: string): Promise<number> {
    const rows = await updateReturning(this.db.manager, `UPDATE binding_links SET revoked_at = now() WHERE org_id = $1 AND member_id = $2 AND revoked_at IS NULL RETURNING id`, [orgId, memberId]);
    return rows.length;
  }
}
