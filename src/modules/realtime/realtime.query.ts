import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';
import { EntityTarget, ObjectLiteral } from 'typeorm';
import { entityColumns, hydrateEntity, preparedQuery } from '../../infra/database/prepared';
import { ConversationEntity } from '../conversations/conversation.entity';
import { MessageEntity } from '../conversations/message.entity';
import { CustomerEntity } from '../customers/customer.entity';

export interface ConversationRow {
  conversation: ConversationEntity;
  customer: CustomerEntity;
  lastMessage: MessageEntity | null;
}

/** SQL for real-time fan-out: a constant number of queries per batch of changes, whatever the org size. */
@Injectable()
export class RealtimeQuery {
  private readonly sql = new Map<string, string>();

  constructor(private readonly db: Db) {}

  /**
   * The rows a batch of changes publishes: conversations, their customers and previews, one
   * query each whatever the batch size. `known`: messages the caller already holds (the
   * changes' own), so previews are not read again.
   */
  async conversations(orgId: string, ids: readonly string[], known: readonly MessageEntity[] = []): Promise<Map<string, ConversationRow>> {
    const conversations = await this.many(ConversationEntity, 'conversations', orgId, ids);
    const customers = new Map((await this.many(CustomerEntity, 'customers', orgId, conversations.map((c) => c.customerId))).map((c) => [c.id, c]));
    const messages = new Map(known.map((m) => [m.id, m]));
    const missing = conversations.map((c) => c.lastMessageId).filter((id): id is string => !!id && !messages.has(id));
    for (const m of await this.many(MessageEntity, 'messages', orgId, missing)) messages.set(m.id, m);
    const out = new Map<string, ConversationRow>();
    for (const conversation of conversations) {
      const customer = customers.get(conversation.customerId);
      if (customer) out.set(conversation.id, { conversation, customer, lastMessage: (conversation.lastMessageId && messages.get(conversation.lastMessageId)) || null });
    }
    return out;
  }

  private async many<E extends ObjectLiteral>(entity: EntityTarget<E>, table: string, orgId: string, ids: readonly string[]): Promise<E[]> {
    if (ids.length === 0) return [];
    const em = this.db.manager;
    let sql = this.sql.get(table);
    if (!sql) {
      sql = `SELECT ${entityColumns(em, entity)} FROM ${table} WHERE org_id = $1 AND id = ANY($2::uuid[])`;
      this.sql.set(table, sql);
    }
    const rows = await preparedQuery<Record<string, unknown>>(em, sql, [orgId, [...new Set(ids)]]);
    return rows.map((r) => hydrateEntity(em, entity, r));
  }
}
