import { Db } from '../../infra/database/db';
import { entityColumns, hydrateEntity, preparedQuery } from '../../infra/database/prepared';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { OrgScopedRepository } from '../../infra/database/org-scoped.repository';
import { DeliveryStatus, MessageEntity } from './message.entity';
import { updateReturning } from '../../infra/database/returning';

export interface NewInboundMessage {
  conversationId: string;
  channelAccountId: string;
  providerMessageId: string;
  contentType: string;
  text: string | null;
  attachments: Record<string, unknown>[];
  private: boolean;
  createdAt: Date;
}

export interface OutgoingMessage {
  conversationId: string;
  channelAccountId: string;
  kind: 'text' | 'note' | 'system';
  text: string;
  senderMemberId: string | null;
  private: boolean;
  status: DeliveryStatus | null;
  mentionIds?: string[];
  contentType?: string;
  createdAt?: Date;
}

// Later delivery states never move a message back (a late `sent` after `read` is ignored).
const STATUS_RANK: Record<DeliveryStatus, number> = { queued: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

@Injectable()
export class MessageRepository extends OrgScopedRepository<MessageEntity> {
  private insertInboundSql?: string;
  private byIdsSql?: string;

  /** Messages by id (a folder page's previews): one prepared statement, not a query built per page. */
  async findManyById(orgId: string, ids: readonly string[]): Promise<MessageEntity[]> {
    if (ids.length === 0) return [];
    this.byIdsSql ??= `SELECT ${entityColumns(this.em, MessageEntity)} FROM messages WHERE org_id = $1 AND id = ANY($2::uuid[])`;
    const rows = await preparedQuery<Record<string, unknown>>(this.em, this.byIdsSql, [orgId, ids]);
    return rows.map((r) => hydrateEntity(this.em, MessageEntity, r));
  }

  constructor(db: Db) {
    super(db, MessageEntity);
  }

  /** One page of a conversation's messages, newest first (keyset on created_at, id). */
  async pageOf(orgId: string, conversationId: string, limit: number, before: { createdAt: string; id: string } | null): Promise<(MessageEntity & { createdKey: string })[]> {
    const qb = this.repo()
      .createQueryBuilder('m')
      .addSelect('m.created_at::text', 'created_key')
      .where('m.org_id = :orgId AND m.conversation_id = :conversationId', { orgId, conversationId })
      .orderBy('m.created_at', 'DESC')
      .addOrderBy('m.id', 'DESC')
      .limit(limit + 1);
    if (before) qb.andWhere('(m.created_at, m.id) < (:at::timestamptz, :id::uuid)', { at: before.createdAt, id: before.id });
    const { entities, raw } = await qb.getRawAndEntities();
    return entities.map((e, i) => Object.assign(e, { createdKey: raw[i].created_key as string }));
  }

  /**
   * Writes a message from our side of the conversation: a reply (`text`, queued for
   * delivery), an internal `note`, or a `system` message (sender = system when no member).
   */
  insertOutgoing(orgId: string, m: OutgoingMessage, em: EntityManager): Promise<MessageEntity> {
    const repo = em.getRepository(MessageEntity);
    return repo.save(
      repo.create({
        orgId,
        conversationId: m.conversationId,
        channelAccountId: m.channelAccountId,
        direction: 'out',
        kind: m.kind,
        contentType: m.contentType ?? (m.kind === 'system' ? 'system' : 'text'),
        text: m.text,
        attachments: [],
        senderType: m.senderMemberId ? 'member' : 'system',
        senderMemberId: m.senderMemberId,
        private: m.private,
        status: m.status,
        attempts: 0,
        mentionIds: m.mentionIds ?? [],
        createdAt: m.createdAt ?? new Date(),
      }),
    );
  }

  /** Inserts a customer message unless its provider id is already stored (redelivery): null then. */
  async insertInbound(orgId: string, m: NewInboundMessage, em: EntityManager): Promise<MessageEntity | null> {
    // The whole row comes back from the INSERT: no second statement to read it.
    this.insertInboundSql ??= `INSERT INTO messages (org_id, conversation_id, channel_account_id, direction, kind, content_type, text, attachments,
                             sender_type, private, provider_message_id, created_at)
       VALUES ($1, $2, $3, 'in', 'text', $4, $5, $6, 'customer', $7, $8, $9)
       ON CONFLICT (channel_account_id, provider_message_id) WHERE provider_message_id IS NOT NULL DO NOTHING
       RETURNING ${entityColumns(em, MessageEntity)}`;
    const [row] = await preparedQuery<Record<string, unknown>>(em, this.insertInboundSql, [
      orgId,
      m.conversationId,
      m.channelAccountId,
      m.contentType,
      m.text,
      JSON.stringify(m.attachments),
      m.private,
      m.providerMessageId,
      m.createdAt,
    ]);
    return row ? hydrateEntity(em, MessageEntity, row) : null;
  }

  /** A delivery receipt (WhatsApp statuses[]): ignored for unknown messages and for stale states. */
  async applyDeliveryStatus(channelAccountId: string, providerMessageId: string, status: DeliveryStatus, error: string | undefined, em: EntityManager): Promise<MessageEntity | null> {
    const ranks = Object.entries(STATUS_RANK);
    const rankSql = `CASE status ${ranks.map(([s, r]) => `WHEN '${s}' THEN ${r}`).join(' ')} ELSE -1 END`;
    const rows = await updateReturning<{ id: string; org_id: string }>(
      em,
      `UPDATE messages SET status = $3, error = CASE WHEN $3 = 'failed' THEN $4 ELSE error END
        WHERE channel_account_id = $1 AND provider_message_id = $2 AND direction = 'out' AND ${rankSql} < $5
        RETURNING id, org_id`,
      [channelAccountId, providerMessageId, status, error ?? null, STATUS_RANK[status]],
    );
    const [row] = rows;
    return row ? this.findById(row.org_id, row.id, em) : null;
  }

  async markSent(orgId: string, id: string, providerMessageId: string | null, attempts: number): Promise<boolean> {
    const rows = await updateReturning(
      this.em,
      `UPDATE messages SET status = 'sent', provider_message_id = coalesce($3, provider_message_id), sent_at = now(), error = NULL, attempts = $4
        WHERE org_id = $1 AND id = $2 AND status = 'queued' RETURNING id`,
      [orgId, id, providerMessageId, attempts],
    );
    return rows.length > 0;
  }

  async recordAttempt(orgId: string, id: string, attempts: number, error: string, final: boolean): Promise<boolean> {
    const rows = await updateReturning(
      this.em,
      `UPDATE messages SET attempts = $3, error = $4, status = CASE WHEN $5 THEN 'failed' ELSE status END
        WHERE org_id = $1 AND id = $2 AND status = 'queued' RETURNING id`,
      [orgId, id, attempts, error.slice(0, 1000), final],
    );
    return rows.length > 0;
  }
}
