import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';
import { OrgScopedRepository } from '../../infra/database/org-scoped.repository';
import { entityColumns, hydrateEntity, preparedEntity, preparedQuery } from '../../infra/database/prepared';
import { ConversationFactsRepository } from '../access/conversation-facts.repository';
import { UnitOfWork } from '../events/unit-of-work';
import { ConversationEntity } from './conversation.entity';

const BY_CUSTOMER = 'org_id = $1 AND customer_id = $2::uuid';
const BY_ID = 'org_id = $1 AND id = $2::uuid';
/** The channel account's routing unit, for an UPDATE of `conversations`. */
const ACCOUNT_ROUTING_UNIT = `(SELECT ca.routing_unit_id FROM channel_accounts ca WHERE ca.id = conversations.channel_account_id)`;
/** The home unit when the binding becomes `bound` (a transfer unit still wins). */
const HOME_WITH_BOUND = (bound: string) => `home_unit_id = coalesce(transfer_unit_id, ${bound}::uuid, ${ACCOUNT_ROUTING_UNIT})`;

/**
 * Owner of `conversations`: every write to the table is a method here. A conversation is
 * changed only under its row lock, taken through `lockForChange` / `ensureForCustomerLocked`,
 * which also hand the unit of work its state from before the change (for the fan-out's
 * `conversation.removed`).
 */
@Injectable()
export class ConversationRepository extends OrgScopedRepository<ConversationEntity> {
  private byCustomerRefSql?: string;

  constructor(
    db: Db,
    private readonly facts: ConversationFactsRepository,
    private readonly uow: UnitOfWork,
  ) {
    super(db, ConversationEntity);
  }

  /** Row-locks a conversation for this unit of work; null when it does not exist in the org. */
  async lockForChange(orgId: string, id: string): Promise<ConversationEntity | null> {
    if (!orgId || !id) return null;
    const conv = await preparedEntity(this.db.txManager, ConversationEntity, BY_ID, [orgId, id], { lock: true });
    if (conv) await this.touched(conv);
    return conv;
  }

  /** Several at once, in id order (a stable lock order: no deadlock between two bulk writers). */
  async lockManyForChange(orgId: string, ids: readonly string[]): Promise<ConversationEntity[]> {
    if (ids.length === 0) return [];
    const rows = await this.repo()
      .createQueryBuilder('c')
      .where('c.org_id = :orgId AND c.id IN (:...ids)', { orgId, ids })
      .orderBy('c.id')
      .setLock('pessimistic_write')
      .getMany();
    const fresh = rows.filter((c) => !this.uow.hasBefore(c.id));
    const before = await this.facts.load(orgId, fresh.map((c) => c.id));
    for (const c of fresh) this.uow.conversationTouched(orgId, c.id, before.get(c.id) ?? null);
    return rows;
  }

  /**
   * The customer's one conversation, created on first contact, row-locked for this unit of
   * work. Unlike `lockForChange` it does not read the state before: the inbound path asks for
   * it (`keepStateBefore`) only when a message changes who can read the conversation (a
   * reopening or a private one); a plain message to an open conversation changes no reader.
   */
  async ensureForCustomerLocked(orgId: string, customerId: string, channelAccountId: string, at: Date): Promise<ConversationEntity & { created: boolean }> {
    const em = this.db.txManager;
    // Almost always the conversation exists: lock it straight away; create it only when missing.
    const existing = await preparedEntity(em, ConversationEntity, BY_CUSTOMER, [orgId, customerId], { lock: true });
    if (existing) return Object.assign(existing, { created: false });
    await preparedQuery(
      em,
      `INSERT INTO conversations (org_id, customer_id, channel_account_id, bound_unit_id, home_unit_id, last_customer_message_at, last_activity_at)
       SELECT $1, $2, $3, cu.bound_unit_id, coalesce(cu.bound_unit_id, (SELECT ca.routing_unit_id FROM channel_accounts ca WHERE ca.id = $3::uuid)), $4, $4
         FROM customers cu WHERE cu.org_id = $1 AND cu.id = $2
       ON CONFLICT (customer_id) DO NOTHING`,
      [orgId, customerId, channelAccountId, at],
    );
    const conv = await preparedEntity(em, ConversationEntity, BY_CUSTOMER, [orgId, customerId], { lock: true });
    if (!conv) throw new Error('conversation vanished after upsert');
    if (!this.uow.hasBefore(conv.id)) this.uow.conversationTouched(orgId, conv.id, null);
    return Object.assign(conv, { created: true });
  }

  /**
   * A known customer's conversation by the provider's user id, row-locked, with the customer's
   * display name: one statement for the inbound path's usual case. Null when the customer or
   * their conversation does not exist yet.
   */
  async lockByCustomerRef(orgId: string, channelAccountId: string, externalId: string): Promise<{ conversation: ConversationEntity; customerDisplayName: string } | null> {
    const em = this.db.txManager;
    this.byCustomerRefSql ??= `SELECT ${entityColumns(em, ConversationEntity, { alias: 'c' })}, cu.display_name AS "customer__display_name"
       FROM customers cu JOIN conversations c ON c.customer_id = cu.id
      WHERE cu.org_id = $1 AND cu.channel_account_id = $2 AND cu.external_id = $3
      FOR UPDATE OF c`;
    const [row] = await preparedQuery<Record<string, unknown>>(em, this.byCustomerRefSql, [orgId, channelAccountId, externalId]);
    if (!row) return null;
    return { conversation: hydrateEntity(em, ConversationEntity, row), customerDisplayName: row.customer__display_name as string };
  }

  /** The customer's conversation id (a customer has at most one). */
  async idOfCustomer(orgId: string, customerId: string): Promise<string | null> {
    const [row] = await preparedQuery<{ id: string }>(this.em, `SELECT id FROM conversations WHERE org_id = $1 AND customer_id = $2::uuid`, [orgId, customerId]);
    return row?.id ?? null;
  }

  /**
   * A customer message arrived: a done or trashed conversation reopens unassigned;
   * lastCustomerMessageAt only ever moves forward (events can arrive out of order), and the
   * preview points at the newest message.
   */
  async applyCustomerMessage(orgId: string, id: string, at: Date, messageId: string): Promise<void> {
    await preparedQuery(
      this.db.txManager,
      `UPDATE conversations c
          SET status = 'open',
              assignee_id = CASE WHEN c.status = 'open' THEN c.assignee_id END,
              assignee_unit_id = CASE WHEN c.status = 'open' THEN c.assignee_unit_id END,
              assigned_at = CASE WHEN c.status = 'open' THEN c.assigned_at END,
              last_customer_message_at = greatest(c.last_customer_message_at, $3),
              last_activity_at = greatest(c.last_activity_at, $3),
              last_message_id = CASE WHEN $3 >= coalesce(greatest(c.last_customer_message_at, c.last_agent_reply_at), '-infinity')
                                     THEN $4::uuid ELSE c.last_message_id END,
              updated_at = now()
        WHERE c.org_id = $1 AND c.id = $2`,
      [orgId, id, at, messageId],
    );
  }

  /** A reply, note or system message from our side: the preview and activity move; `reply` also sets lastAgentReplyAt. */
  async applyOwnMessage(orgId: string, id: string, at: Date, messageId: string, reply: boolean): Promise<void> {
    await preparedQuery(
      this.db.txManager,
      `UPDATE conversations SET last_agent_reply_at = CASE WHEN $5 THEN greatest(last_agent_reply_at, $3) ELSE last_agent_reply_at END,
              last_activity_at = greatest(last_activity_at, $3), last_message_id = $4, updated_at = now()
        WHERE org_id = $1 AND id = $2`,
      [orgId, id, at, messageId, reply],
    );
  }

  /** Points conversations at their new holder (the assignment rows are the AssignmentRepository's). */
  async setAssignee(orgId: string, ids: readonly string[], a: { memberId: string; unitId: string; at: Date }): Promise<void> {
    if (ids.length === 0) return;
    await preparedQuery(
      this.db.txManager,
      `UPDATE conversations SET assignee_id = $3, assignee_unit_id = $4, assigned_at = $5, last_assignee_id = $3,
              last_assignee_unit_id = $4, last_assigned_at = $5, updated_at = now()
        WHERE org_id = $1 AND id = ANY($2::uuid[])`,
      [orgId, ids, a.memberId, a.unitId, a.at],
    );
  }

  async clearAssignee(orgId: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await preparedQuery(
      this.db.txManager,
      `UPDATE conversations SET assignee_id = NULL, assignee_unit_id = NULL, assigned_at = NULL, updated_at = now() WHERE org_id = $1 AND id = ANY($2::uuid[])`,
      [orgId, ids],
    );
  }

  async setStatus(orgId: string, id: string, status: ConversationEntity['status']): Promise<void> {
    await preparedQuery(this.db.txManager, `UPDATE conversations SET status = $3, updated_at = now() WHERE org_id = $1 AND id = $2`, [orgId, id, status]);
  }

  /** The binding's mirror column (folder queries read it from here); the caller holds the conversation's lock. */
  async setBoundUnit(orgId: string, id: string, unitId: string | null): Promise<void> {
    await preparedQuery(this.db.txManager, `UPDATE conversations SET bound_unit_id = $3, ${HOME_WITH_BOUND('$3')}, updated_at = now() WHERE org_id = $1 AND id = $2`, [orgId, id, unitId]);
  }

  /** Staff departure: the binding mirror for many customers at once (conversations locked by the caller). */
  async setBoundUnitForCustomers(orgId: string, customerIds: readonly string[], unitId: string | null): Promise<void> {
    if (customerIds.length === 0) return;
    await this.db.txManager.query(`UPDATE conversations SET bound_unit_id = $3, ${HOME_WITH_BOUND('$3')}, updated_at = now() WHERE org_id = $1 AND customer_id = ANY($2::uuid[])`, [orgId, customerIds, unitId]);
  }

  /**
   * Routing: the unit a conversation is transferred to (null clears it, on an assignment to a
   * member); its home unit follows. The caller holds the conversation's lock.
   */
  async setTransferUnit(orgId: string, id: string, unitId: string | null): Promise<void> {
    await preparedQuery(
      this.db.txManager,
      `UPDATE conversations SET transfer_unit_id = $3::uuid, home_unit_id = coalesce($3::uuid, bound_unit_id, ${ACCOUNT_ROUTING_UNIT}), updated_at = now()
        WHERE org_id = $1 AND id = $2 AND (transfer_unit_id IS DISTINCT FROM $3::uuid)`,
      [orgId, id, unitId],
    );
  }

  /**
   * A channel account's routing unit changed: the home unit of its conversations that have no
   * transfer unit and no binding follows. Those open and waiting are locked first (their
   * unassigned readers change: the fan-out compares with their state before).
   */
  async refreshHomeForAccount(orgId: string, channelAccountId: string, routingUnitId: string | null): Promise<string[]> {
    const em = this.db.txManager;
    const waiting: { id: string }[] = await em.query(
      `SELECT id FROM conversations WHERE org_id = $1 AND channel_account_id = $2 AND transfer_unit_id IS NULL AND bound_unit_id IS NULL
          AND status = 'open' AND assignee_id IS NULL AND home_unit_id IS DISTINCT FROM $3::uuid ORDER BY id`,
      [orgId, channelAccountId, routingUnitId],
    );
    await this.lockManyForChange(orgId, waiting.map((r) => r.id));
    await em.query(
      `UPDATE conversations SET home_unit_id = $3::uuid WHERE org_id = $1 AND channel_account_id = $2 AND transfer_unit_id IS NULL AND bound_unit_id IS NULL
          AND home_unit_id IS DISTINCT FROM $3::uuid`,
      [orgId, channelAccountId, routingUnitId],
    );
    return waiting.map((r) => r.id);
  }

  /** Ids of open conversations held by a member (staff departure). */
  async openHeldBy(orgId: string, memberId: string): Promise<string[]> {
    const rows: { id: string }[] = await this.em.query(`SELECT id FROM conversations WHERE org_id = $1 AND assignee_id = $2 AND status = 'open' ORDER BY id`, [orgId, memberId]);
    return rows.map((r) => r.id);
  }

  async transferTimeoutSeconds(orgId: string): Promise<number> {
    const [row] = await this.em.query(`SELECT transfer_timeout_seconds FROM orgs WHERE id = $1`, [orgId]);
    return row?.transfer_timeout_seconds ?? 3600;
  }

  /** Keeps the locked conversation's state before this unit of work changes who can read it. */
  keepStateBefore(conv: ConversationEntity): Promise<void> {
    return this.touched(conv);
  }

  private async touched(conv: ConversationEntity): Promise<void> {
    if (this.uow.hasBefore(conv.id)) return;
    const before = (await this.facts.load(conv.orgId, [conv.id])).get(conv.id) ?? null;
    this.uow.conversationTouched(conv.orgId, conv.id, before);
  }
}
