import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';
import { OrgScopedRepository } from '../../infra/database/org-scoped.repository';
import { preparedQuery } from '../../infra/database/prepared';
import { updateReturning } from '../../infra/database/returning';
import { CustomerEntity } from './customer.entity';

@Injectable()
export class CustomerRepository extends OrgScopedRepository<CustomerEntity> {
  constructor(db: Db) {
    super(db, CustomerEntity);
  }

  /**
   * One customer per (channel account, provider user id): inserted on first contact, the
   * provider's display name refreshed when a payload carries one. Concurrency-safe.
   */
  async upsertFromProvider(
    orgId: string,
    channelAccountId: string,
    externalId: string,
    displayName: string | undefined,
  ): Promise<{ id: string; created: boolean }> {
    const em = this.db.txManager;
    // Every inbound message names its customer; only the first one writes. An upsert would
    // write a new row version (and WAL) for every message even when nothing changed.
    const [found] = await preparedQuery<{ id: string; display_name: string | null }>(
      em,
      `SELECT id, display_name FROM customers WHERE org_id = $1 AND channel_account_id = $2 AND external_id = $3`,
      [orgId, channelAccountId, externalId],
    );
    if (found && (displayName === undefined || displayName === found.display_name)) return { id: found.id, created: false };
    const [row] = await preparedQuery<{ id: string; created: boolean }>(
      em,
      `INSERT INTO customers (org_id, channel_account_id, external_id, display_name)
       VALUES ($1, $2, $3, coalesce($4, $5))
       ON CONFLICT (channel_account_id, external_id) DO UPDATE
          SET display_name = coalesce($4, customers.display_name),
              updated_at = CASE WHEN $4 IS NOT NULL AND $4 IS DISTINCT FROM customers.display_name THEN now() ELSE customers.updated_at END
       RETURNING id, (xmax = 0) AS created`,
      [orgId, channelAccountId, externalId, displayName ?? null, defaultName(externalId)],
    );
    return { id: row.id, created: row.created };
  }

  /** The name of the unit a customer is bound to: their binding tag. */
  async boundUnitName(orgId: string, unitId: string): Promise<string | null> {
    const [row] = await this.em.query(`SELECT name FROM units WHERE org_id = $1 AND id = $2::uuid`, [orgId, unitId]);
    return row?.name ?? null;
  }

  async findWithConversation(orgId: string, id: string): Promise<{ customer: CustomerEntity; conversationId: string } | null> {
    const customer = await this.findById(orgId, id);
    if (!customer) return null;
    const [row] = await this.em.query(`SELECT id FROM conversations WHERE org_id = $1 AND customer_id = $2`, [orgId, id]);
    return row ? { customer, conversationId: row.id } : null;
  }

  /**
   * The provider's profile, fetched (docs/media.md): display name and avatar when given, and
   * the time of the fetch. The fields that changed.
   */
  async applyProviderProfile(orgId: string, id: string, p: { displayName?: string; avatarAttachmentId?: string }): Promise<string[]> {
    const [before] = await this.db.txManager.query(`SELECT display_name, avatar_attachment_id FROM customers WHERE org_id = $1 AND id = $2 FOR UPDATE`, [orgId, id]);
    if (!before) return [];
    const changed: string[] = [];
    if (p.displayName && p.displayName !== before.display_name) changed.push('displayName');
    if (p.avatarAttachmentId && p.avatarAttachmentId !== before.avatar_attachment_id) changed.push('avatarUrl');
    await this.db.txManager.query(
      `UPDATE customers SET display_name = coalesce($3, display_name), avatar_attachment_id = coalesce($4, avatar_attachment_id), profile_fetched_at = now(),
              updated_at = CASE WHEN $5 THEN now() ELSE updated_at END
        WHERE org_id = $1 AND id = $2`,
      [orgId, id, changed.includes('displayName') ? p.displayName : null, changed.includes('avatarUrl') ? p.avatarAttachmentId : null, changed.length > 0],
    );
    return changed;
  }

  /** Whether the follow state changed (follow/unfollow events repeat). */
  async setFollowed(orgId: string, id: string, followed: boolean): Promise<boolean> {
    const rows = await updateReturning(
      this.db.txManager,
      `UPDATE customers SET followed = $3, updated_at = now() WHERE org_id = $1 AND id = $2 AND followed <> $3 RETURNING id`,
      [orgId, id, followed],
    );
    return rows.length > 0;
  }

  async setBinding(orgId: string, id: string, b: { unitId: string | null; memberId: string | null; tags: string[] }): Promise<void> {
    await this.db.txManager.query(`UPDATE customers SET bound_unit_id = $3, bound_member_id = $4, tags = $5, updated_at = now() WHERE org_id = $1 AND id = $2`, [
      orgId,
      id,
      b.unitId,
      b.memberId,
      b.tags,
    ]);
  }

  /**
   * Staff departure: every customer bound to the leaver moves to the handover member and
   * their unit (the unit tag follows). One statement; the moved customers' ids.
   */
  async moveBindingsOfMember(orgId: string, leaverId: string, to: { memberId: string; unitId: string }): Promise<string[]> {
    const rows = await updateReturning<{ id: string }>(
      this.db.txManager,
      `UPDATE customers cu
          SET bound_member_id = $3, bound_unit_id = $4, updated_at = now(),
              tags = CASE WHEN nu.name = ANY (array_remove(cu.tags, ou.name)) THEN array_remove(cu.tags, ou.name)
                          ELSE array_append(array_remove(cu.tags, ou.name), nu.name) END
         FROM units nu, units ou
        WHERE cu.org_id = $1 AND cu.bound_member_id = $2 AND nu.id = $4 AND ou.id = cu.bound_unit_id
       RETURNING cu.id`,
      [orgId, leaverId, to.memberId, to.unitId],
    );
    return rows.map((r) => r.id);
  }
}

function defaultName(externalId: string): string {
  return `Customer ${externalId.slice(-6)}`;
}
