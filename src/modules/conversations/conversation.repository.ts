import { Db } from '../../infra/database/db';
import { preparedEntity, preparedQuery } from '../../infra/database/prepared';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { OrgScopedRepository } from '../../infra/database/org-scoped.repository';
import { ConversationEntity } from './conversation.entity';

const BY_CUSTOMER = 'org_id = $1 AND customer_id = $2::uuid';

@Injectable()
export class ConversationRepository extends OrgScopedRepository<ConversationEntity> {
  constructor(db: Db) {
    super(db, ConversationEntity);
  }

  /** The customer's one conversation, created on first contact, row-locked for this transaction. */
  async ensureForCustomerLocked(orgId: string, customerId: string, channelAccountId: string, at: Date, em: EntityManager): Promise<ConversationEntity> {
    // Almost always the conversation exists: lock it straight away; create it only when missing.
    const existing = await preparedEntity(em, ConversationEntity, BY_CUSTOMER, [orgId, customerId], { lock: true });
    if (existing) return existing;
    await preparedQuery(
      em,
      `INSERT INTO conversations (org_id, customer_id, channel_account_id, bound_unit_id, last_customer_message_at, last_activity_at)
       SELECT $1, $2, $3, cu.bound_unit_id, $4, $4 FROM customers cu WHERE cu.org_id = $1 AND cu.id = $2
       ON CONFLICT (customer_id) DO NOTHING`,
      [orgId, customerId, channelAccountId, at],
    );
    const conv = await preparedEntity(em, ConversationEntity, BY_CUSTOMER, [orgId, customerId], { lock: true });
    if (!conv) throw new Error('conversation vanished after upsert');
    return conv;
  }

  /**
   * A customer message arrived: a done or trashed conversation reopens unassigned;
   * lastCustomerMessageAt only ever moves forward (events can arrive out of order), and the
   * preview points at the newest message.
   */
  async applyCustomerMessage(orgId: string, id: string, at: Date, messageId: string, em: EntityManager): Promise<void> {
    await preparedQuery(
      em,
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

  async applyAgentMessage(orgId: string, id: string, at: Date, messageId: string, em: EntityManager): Promise<void> {
    await em.query(
      `UPDATE conversations SET last_agent_reply_at = greatest(last_agent_reply_at, $3), last_activity_at = greatest(last_activity_at, $3),
              last_message_id = $4, updated_at = now()
        WHERE org_id = $1 AND id = $2`,
      [orgId, id, at, messageId],
    );
  }

  async transferTimeoutSeconds(orgId: string): Promise<number> {
    const [row] = await this.em.query(`SELECT transfer_timeout_seconds FROM orgs WHERE id = $1`, [orgId]);
    return row?.transfer_timeout_seconds ?? 3600;
  }
}
