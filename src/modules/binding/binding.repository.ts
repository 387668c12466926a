import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface BindingState {
  customerId: string;
  boundUnitId: string | null;
  boundMemberId: string | null;
  tags: string[];
  displayName: string;
}

/** Binding writes: the customer and the conversation's mirror column change together. */
@Injectable()
export class BindingRepository {
  constructor(private readonly ds: DataSource) {}

  async lockCustomer(orgId: string, customerId: string, em: EntityManager): Promise<BindingState | null> {
    const [row] = await em.query(
      `SELECT id, bound_unit_id, bound_member_id, tags, display_name FROM customers WHERE org_id = $1 AND id = $2 FOR UPDATE`,
      [orgId, customerId],
    );
    return row
      ? { customerId: row.id, boundUnitId: row.bound_unit_id, boundMemberId: row.bound_member_id, tags: row.tags, displayName: row.display_name }
      : null;
  }

  async write(orgId: string, customerId: string, unitId: string | null, memberId: string | null, tags: string[], em: EntityManager): Promise<void> {
    await em.query(
      `UPDATE customers SET bound_unit_id = $3, bound_member_id = $4, tags = $5, updated_at = now() WHERE org_id = $1 AND id = $2`,
      [orgId, customerId, unitId, memberId, tags],
    );
    await em.query(`UPDATE conversations SET bound_unit_id = $3, updated_at = now() WHERE org_id = $1 AND customer_id = $2`, [orgId, customerId, unitId]);
  }

  async unitNames(orgId: string, unitIds: readonly string[], em: EntityManager): Promise<Map<string, string>> {
    if (unitIds.length === 0) return new Map();
    const rows: { id: string; name: string }[] = await em.query(`SELECT id, name FROM units WHERE org_id = $1 AND id = ANY($2::uuid[])`, [orgId, unitIds]);
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  async conversationOf(orgId: string, customerId: string, em: EntityManager): Promise<string | null> {
    const [row] = await em.query(`SELECT id FROM conversations WHERE org_id = $1 AND customer_id = $2`, [orgId, customerId]);
    return row?.id ?? null;
  }

  async unit(orgId: string, unitId: string, em?: EntityManager): Promise<{ id: string; name: string; path: string } | null> {
    const [row] = await (em ?? this.ds.manager).query(`SELECT id, name, path FROM units WHERE org_id = $1 AND id = $2`, [orgId, unitId]);
    return row ?? null;
  }

  async channelAccountExists(orgId: string, id: string, em: EntityManager): Promise<boolean> {
    const rows = await em.query(`SELECT 1 FROM channel_accounts WHERE org_id = $1 AND id = $2`, [orgId, id]);
    return rows.length > 0;
  }

  async activeMemberUnit(orgId: string, memberId: string, em: EntityManager): Promise<string | null> {
    const [row] = await em.query(`SELECT unit_id FROM members WHERE org_id = $1 AND id = $2 AND status = 'active'`, [orgId, memberId]);
    return row?.unit_id ?? null;
  }
}
