import { Injectable } from '@nestjs/common';
import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { Db } from '../../infra/database/db';
import { hydrateEntity, preparedQuery } from '../../infra/database/prepared';
import { FACTS_COLUMNS, FACTS_JOINS, FactsRow, toFacts } from '../access/conversation-facts.repository';
import type { ConversationFacts } from '../access/folder-rules';
import { ConversationEntity } from '../conversations/conversation.entity';
import { MessageEntity } from '../conversations/message.entity';
import { CustomerEntity } from '../customers/customer.entity';

export interface ConversationRow {
  conversation: ConversationEntity;
  customer: CustomerEntity;
  lastMessage: MessageEntity | null;
}

export interface FanOutState {
  facts: ConversationFacts;
  row: ConversationRow | null;
}

/** `alias."col" AS "prefix_col"` for every selectable column of an entity. */
function prefixed(em: EntityManager, entity: EntityTarget<ObjectLiteral>, alias: string, prefix: string): string {
  return em.connection
    .getMetadata(entity)
    .columns.filter((c) => c.isSelect)
    .map((c) => `${alias}."${c.databaseName}" AS "${prefix}${c.databaseName}"`)
    .join(', ');
}

function unprefixed(row: Record<string, unknown>, prefix: string): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  let any = false;
  for (const k in row) {
    if (k.startsWith(prefix)) {
      out[k.slice(prefix.length)] = row[k];
      if (row[k] !== null) any = true;
    }
  }
  return any ? out : null;
}

/**
 * SQL for real-time fan-out: ONE query per batch of changes, whatever the batch or org size —
 * each conversation's access facts after the change together with the rows its events carry
 * (the conversation, its customer, its preview message).
 */
@Injectable()
export class RealtimeQuery {
  private sql?: string;

  constructor(private readonly db: Db) {}

  async states(orgId: string, ids: readonly string[]): Promise<Map<string, FanOutState>> {
    if (ids.length === 0) return new Map();
    const em = this.db.manager;
    this.sql ??= `SELECT ${FACTS_COLUMNS}, ${prefixed(em, ConversationEntity, 'c', 'c__')}, ${prefixed(em, CustomerEntity, 'cu', 'cu__')},
                         ${prefixed(em, MessageEntity, 'lm', 'lm__')}
                    FROM conversations c ${FACTS_JOINS}
                    JOIN customers cu ON cu.id = c.customer_id
                    LEFT JOIN messages lm ON lm.id = c.last_message_id
                   WHERE c.org_id = $1 AND c.id = ANY($2::uuid[])`;
    const rows = await preparedQuery<FactsRow & Record<string, unknown>>(em, this.sql, [orgId, [...new Set(ids)]]);
    const out = new Map<string, FanOutState>();
    for (const r of rows) {
      const conversation = hydrateEntity(em, ConversationEntity, unprefixed(r, 'c__')!);
      const customer = hydrateEntity(em, CustomerEntity, unprefixed(r, 'cu__')!);
      const lm = unprefixed(r, 'lm__');
      out.set(r.id, { facts: toFacts(r), row: { conversation, customer, lastMessage: lm ? hydrateEntity(em, MessageEntity, lm) : null } });
    }
    return out;
  }
}
