import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';
import { OrgScopedRepository } from '../../infra/database/org-scoped.repository';
import { entityColumns, hydrateEntity, preparedQuery } from '../../infra/database/prepared';
import { updateReturning } from '../../infra/database/returning';
import { UnitOfWork } from '../events/unit-of-work';
import { DeliveryStatus, MessageEntity } from './message.entity';

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
  /** Outbound media (docs/media.md): the attachment views the message carries. */
  attachments?: Record<string, unknown>[];
  /** A WhatsApp template reply. */
  template?: { name: string; language: string; components?: unknown[] } | null;
}

/** The system message that closes a private session (SPEC §4). */
export const PRIVATE_SESSION_ENDED = 'private_session_ended';

// Later delivery states never move a message back (a late `sent` after `read` is ignored).
const STATUS_RANK: Record<DeliveryStatus, number> = { queued: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

/**
 * Owner of `messages`. Every write records its event in the unit of work (`message.created`,
 * `message.updated`), so whoever writes a message cannot forget to tell the sockets.
 */
@Injectable()
export class MessageRepository extends OrgScopedRepository<MessageEntity> {
  private insertInboundSql?: string;
  private byIdsSql?: string;
  private returning?: string;

  constructor(
    db: Db,
    private readonly uow: UnitOfWork,
  ) {
    super(db, MessageEntity);
  }

  /** Messages by id (a folder page's previews): one prepared statement, not a query built per page. */
  async findManyById(orgId: string, ids: readonly string[]): Promise<MessageEntity[]> {
    if (ids.length === 0) return [];
    this.byIdsSql ??= `SELECT ${entityColumns(this.em, MessageEntity)} FROM messages WHERE org_id = $1 AND id = ANY($2::uuid[])`;
    const rows = await preparedQuery<Record<string, unknown>>(this.em, this.byIdsSql, [orgId, ids]);
    return rows.map((r) => hydrateEntity(this.em, MessageEntity, r));
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
  async insertOutgoing(orgId: string, m: OutgoingMessage): Promise<MessageEntity> {
    const repo = this.db.txManager.getRepository(MessageEntity);
    const saved = await repo.save(
      repo.create({
        orgId,
        conversationId: m.conversationId,
        channelAccountId: m.channelAccountId,
        direction: 'out',
        kind: m.kind,
        contentType: m.contentType ?? (m.kind === 'system' ? 'system' : 'text'),
        text: m.text,
        attachments: m.attachments ?? [],
        template: m.template ?? null,
        senderType: m.senderMemberId ? 'member' : 'system',
        senderMemberId: m.senderMemberId,
        private: m.private,
        status: m.status,
        attempts: 0,
        mentionIds: m.mentionIds ?? [],
        createdAt: m.createdAt ?? new Date(),
      }),
    );
    this.uow.messageCreated(saved, m.senderMemberId);
    return saved;
  }

  /** Inserts a customer message unless its provider id is already stored (redelivery): null then. */
  async insertInbound(orgId: string, m: NewInboundMessage): Promise<MessageEntity | null> {
    const em = this.db.txManager;
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
    if (!row) return null;
    const saved = hydrateEntity(em, MessageEntity, row);
    this.uow.messageCreated(saved, null);
    return saved;
  }

  /** Sets the private flag of a message written in this unit of work (its session turned out private under the lock). */
  async markPrivate(orgId: string, m: MessageEntity): Promise<void> {
    await preparedQuery(this.db.txManager, `UPDATE messages SET private = true WHERE org_id = $1 AND id = $2`, [orgId, m.id]);
    m.private = true;
  }

  /**
   * Closes private sessions (SPEC §4): for each ended holding that had a private message
   * since it started, one `private_session_ended` system message. One statement for one
   * holding or thousands (staff departure).
   */
  async closePrivateSessions(orgId: string, sessions: readonly { conversationId: string; startedAt: Date }[]): Promise<MessageEntity[]> {
    if (sessions.length === 0) return [];
    const em = this.db.txManager;
    this.returning ??= entityColumns(em, MessageEntity);
    const rows = await preparedQuery<Record<string, unknown>>(
      em,
      `INSERT INTO messages (org_id, conversation_id, channel_account_id, direction, kind, content_type, text, sender_type, created_at)
       SELECT c.org_id, c.id, c.channel_account_id, 'out', 'system', 'system', '${PRIVATE_SESSION_ENDED}', 'system', clock_timestamp()
         FROM conversations c JOIN unnest($2::uuid[], $3::timestamptz[]) AS e(id, started_at) ON e.id = c.id
        WHERE c.org_id = $1 AND EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.private AND m.created_at >= e.started_at)
       RETURNING ${this.returning}`,
      [orgId, sessions.map((s) => s.conversationId), sessions.map((s) => s.startedAt)],
    );
    const saved = rows.map((r) => hydrateEntity(em, MessageEntity, r));
    for (const m of saved) this.uow.messageCreated(m, null);
    return saved;
  }

  /** A delivery receipt (WhatsApp statuses[]): ignored for unknown messages and for stale states. */
  async applyDeliveryStatus(channelAccountId: string, providerMessageId: string, status: DeliveryStatus, error: string | undefined): Promise<MessageEntity | null> {
    const ranks = Object.entries(STATUS_RANK);
    const rankSql = `CASE status ${ranks.map(([s, r]) => `WHEN '${s}' THEN ${r}`).join(' ')} ELSE -1 END`;
    return this.updated(
      `UPDATE messages SET status = $3, error = CASE WHEN $3 = 'failed' THEN $4 ELSE error END,
              failed_at = CASE WHEN $3 = 'failed' THEN now() ELSE failed_at END
        WHERE channel_account_id = $1 AND provider_message_id = $2 AND direction = 'out' AND ${rankSql} < $5`,
      [channelAccountId, providerMessageId, status, error ?? null, STATUS_RANK[status]],
    );
  }

  async markSent(orgId: string, id: string, providerMessageId: string | null, attempts: number): Promise<MessageEntity | null> {
    return this.updated(
      `UPDATE messages SET status = 'sent', provider_message_id = coalesce($3, provider_message_id), sent_at = now(), error = NULL, attempts = $4
        WHERE org_id = $1 AND id = $2 AND status = 'queued'`,
      [orgId, id, providerMessageId, attempts],
    );
  }

  /** A failed delivery attempt; `final` records the message `failed`. The message when it changed. */
  async recordAttempt(orgId: string, id: string, attempts: number, error: string, final: boolean): Promise<MessageEntity | null> {
    return this.updated(
      `UPDATE messages SET attempts = $3, error = $4, status = CASE WHEN $5 THEN 'failed' ELSE status END,
              failed_at = CASE WHEN $5 THEN now() ELSE failed_at END
        WHERE org_id = $1 AND id = $2 AND status = 'queued'`,
      [orgId, id, attempts, error.slice(0, 1000), final],
      // Only the final attempt changes what viewers see (the status); retries in between stay quiet.
      final,
    );
  }

  /**
   * Merges `patch` into one of the message's attachments (by its id): a download finished or
   * failed. Records `message.updated`, so every reader's socket gets the new status.
   */
  async patchAttachment(orgId: string, id: string, attachmentId: string, patch: Record<string, unknown>): Promise<MessageEntity | null> {
    return this.updated(
      `UPDATE messages SET attachments = (
          SELECT coalesce(jsonb_agg(CASE WHEN x.a->>'id' = $3 THEN x.a || $4::jsonb ELSE x.a END ORDER BY x.i), '[]'::jsonb)
            FROM jsonb_array_elements(attachments) WITH ORDINALITY AS x(a, i))
        WHERE org_id = $1 AND id = $2 AND attachments @> jsonb_build_array(jsonb_build_object('id', $3::text))`,
      [orgId, id, attachmentId, JSON.stringify(patch)],
    );
  }

  /**
   * An admin's retry of a failed delivery (docs/operations.md): `failed` → `queued` again, its
   * error and `failed_at` cleared; `message.updated` (status queued) sends it to the outbound
   * queue once committed. Null when the message is not a failed outbound one of the org.
   */
  async requeueFailed(orgId: string, id: string): Promise<MessageEntity | null> {
    return this.updated(
      `UPDATE messages SET status = 'queued', error = NULL, failed_at = NULL
        WHERE org_id = $1 AND id = $2 AND direction = 'out' AND status = 'failed'`,
      [orgId, id],
    );
  }

  /** An UPDATE of one message returning the whole row; records `message.updated` (unless `visible` is false). */
  private async updated(sql: string, params: unknown[], visible = true): Promise<MessageEntity | null> {
    const em = this.db.txManager;
    this.returning ??= entityColumns(em, MessageEntity);
    const [row] = await updateReturning<Record<string, unknown>>(em, `${sql} RETURNING ${this.returning}`, params);
    if (!row) return null;
    const m = hydrateEntity(em, MessageEntity, row);
    if (visible) this.uow.messageUpdated(m);
    return m;
  }
}
