import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';

/** Lookups binding needs (unit names, a member's unit); the writes belong to the customer and conversation repositories. */
@Injectable()
export class BindingRepository {
  constructor(private readonly db: Db) {}

  async unitNames(orgId: string, unitIds: readonly string[]): Promise<Map<string, string>> {
    if (unitIds.length === 0) return new Map();
    const rows: { id: string; name: string }[] = await this.db.manager.query(`SELECT id, name FROM units WHERE org_id = $1 AND id = ANY($2::uuid[])`, [orgId, unitIds]);
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  async unit(orgId: string, unitId: string): Promise<{ id: string; name: string; path: string } | null> {
    const [row] = await this.db.manager.query(`SELECT id, name, path FROM units WHERE org_id = $1 AND id = $2`, [orgId, unitId]);
    return row ?? null;
  }

  async channelAccountExists(orgId: string, id: string): Promise<boolean> {
    const rows = await this.db.manager.query(`SELECT 1 FROM channel_accounts WHERE org_id = $1 AND id = $2`, [orgId, id]);
    return rows.length > 0;
  }

  async activeMemberUnit(orgId: string, memberId: string): Promise<string | null> {
    const [row] = await this.db.manager.query(`SELECT unit_id FROM members WHERE org_id = $1 AND id = $2 AND status = 'active'`, [orgId, memberId]);
    return row?.unit_id ?? null;
  }
}
