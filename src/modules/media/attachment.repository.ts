import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';
import { OrgScopedRepository } from '../../infra/database/org-scoped.repository';
import { entityColumns, hydrateEntity } from '../../infra/database/prepared';
import { updateReturning } from '../../infra/database/returning';
import { ChannelType } from '../channels/channel-account.entity';
import { AttachmentEntity } from './attachment.entity';
import { NewAttachment } from './inbound-attachments';

/** What the download job needs: the row, its channel and the channel's (encrypted) token. */
export interface FetchContext {
  attachment: AttachmentEntity;
  channelType: ChannelType;
  accessTokenEnc: string;
}

/** What decides who may read an attachment: its message's conversation and privacy, or its customer. */
export interface ReadContext {
  attachment: AttachmentEntity;
  conversationId: string | null;
  messagePrivate: boolean;
}

/** Owner of `attachments`. */
@Injectable()
export class AttachmentRepository extends OrgScopedRepository<AttachmentEntity> {
  private readonly columns = new Map<string, string>();

  constructor(db: Db) {
    super(db, AttachmentEntity);
  }

  private cols(alias = ''): string {
    let c = this.columns.get(alias);
    if (!c) this.columns.set(alias, (c = entityColumns(this.em, AttachmentEntity, { alias: alias || undefined })));
    return c;
  }

  private hydrate(row: Record<string, unknown>): AttachmentEntity {
    return hydrateEntity(this.em, AttachmentEntity, row);
  }

  /** An inbound message's attachments, written with it (same unit of work). */
  async insertInbound(orgId: string, messageId: string, channelAccountId: string, rows: readonly NewAttachment[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.txManager.query(
      `INSERT INTO attachments (id, org_id, message_id, channel_account_id, purpose, direction, type, mime_type, size, file_name, status, provider_ref)
       SELECT r.id, $1, $2, $3, 'message', 'in', r.type, r.mime_type, r.size, r.file_name, r.status, r.provider_ref
         FROM jsonb_to_recordset($4::jsonb) AS r(id uuid, type text, mime_type text, size bigint, file_name text, status text, provider_ref jsonb)`,
      [
        orgId,
        messageId,
        channelAccountId,
        JSON.stringify(rows.map((r) => ({ id: r.id, type: r.type, mime_type: r.mimeType, size: r.size, file_name: r.fileName, status: r.status, provider_ref: r.providerRef }))),
      ],
    );
  }

  /** An upload (outbound, not yet sent) or an avatar, already stored. */
  async insertStored(
    orgId: string,
    a: Pick<AttachmentEntity, 'id' | 'purpose' | 'direction' | 'type' | 'mimeType' | 'size' | 'fileName' | 'storageKey'> & { customerId?: string | null; uploadedById?: string | null; providerRef?: object },
  ): Promise<AttachmentEntity> {
    const [row] = await this.db.txManager.query(
      `INSERT INTO attachments (id, org_id, customer_id, purpose, direction, type, mime_type, size, file_name, status, storage_key, uploaded_by_id, provider_ref)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'stored', $10, $11, $12) RETURNING ${this.cols()}`,
      [a.id, orgId, a.customerId ?? null, a.purpose, a.direction, a.type, a.mimeType, a.size, a.fileName, a.storageKey, a.uploadedById ?? null, JSON.stringify(a.providerRef ?? {})],
    );
    return this.hydrate(row);
  }

  async fetchContext(orgId: string, id: string): Promise<FetchContext | null> {
    const [row] = await this.em.query(
      `SELECT ${this.cols('a')}, ca.type AS channel_type, ca.access_token_enc
         FROM attachments a JOIN channel_accounts ca ON ca.org_id = a.org_id AND ca.id = a.channel_account_id
        WHERE a.org_id = $1 AND a.id = $2`,
      [orgId, id],
    );
    if (!row) return null;
    return { attachment: this.hydrate(row), channelType: row.channel_type, accessTokenEnc: row.access_token_enc };
  }

  async readContext(orgId: string, id: string): Promise<ReadContext | null> {
    const [row] = await this.em.query(
      `SELECT ${this.cols('a')}, coalesce(m.conversation_id, c.id) AS read_conversation_id, coalesce(m.private, false) AS message_private
         FROM attachments a
         LEFT JOIN messages m ON m.org_id = a.org_id AND m.id = a.message_id
         LEFT JOIN conversations c ON a.message_id IS NULL AND c.org_id = a.org_id AND c.customer_id = a.customer_id
        WHERE a.org_id = $1 AND a.id = $2`,
      [orgId, id],
    );
    if (!row) return null;
    return { attachment: this.hydrate(row), conversationId: row.read_conversation_id, messagePrivate: row.message_private };
  }

  /** pending → stored; null when it was not pending (a duplicate job). */
  async markStored(orgId: string, id: string, v: { storageKey: string; size: number; mimeType: string | null }): Promise<AttachmentEntity | null> {
    return this.updateOne(
      `UPDATE attachments SET status = 'stored', storage_key = $3, size = $4, mime_type = coalesce($5, mime_type), error = NULL, attempts = attempts + 1, updated_at = now()
        WHERE org_id = $1 AND id = $2 AND status = 'pending'`,
      [orgId, id, v.storageKey, v.size, v.mimeType],
    );
  }

  /** A failed download attempt; `final` records it `failed`. */
  async recordFailure(orgId: string, id: string, error: string, final: boolean): Promise<AttachmentEntity | null> {
    return this.updateOne(
      `UPDATE attachments SET attempts = attempts + 1, error = $3, status = CASE WHEN $4 THEN 'failed' ELSE status END, updated_at = now()
        WHERE org_id = $1 AND id = $2 AND status = 'pending'`,
      [orgId, id, error.slice(0, 1000), final],
    );
  }

  /** Uploads of this member, stored and not yet sent, locked for sending; in the order asked. */
  async lockUnsent(orgId: string, ids: readonly string[], memberId: string): Promise<AttachmentEntity[]> {
    const rows: Record<string, unknown>[] = await this.db.txManager.query(
      `SELECT ${this.cols()} FROM attachments
        WHERE org_id = $1 AND id = ANY($2::uuid[]) AND uploaded_by_id = $3 AND message_id IS NULL AND purpose = 'message' AND direction = 'out' AND status = 'stored'
        ORDER BY id FOR UPDATE`,
      [orgId, ids, memberId],
    );
    const byId = new Map(rows.map((r) => [r.id as string, this.hydrate(r)]));
    return ids.map((id) => byId.get(id)).filter((a): a is AttachmentEntity => !!a);
  }

  async linkToMessage(orgId: string, ids: readonly string[], messageId: string, channelAccountId: string): Promise<void> {
    await this.db.txManager.query(`UPDATE attachments SET message_id = $3, channel_account_id = $4, updated_at = now() WHERE org_id = $1 AND id = ANY($2::uuid[])`, [
      orgId,
      ids,
      messageId,
      channelAccountId,
    ]);
  }

  private async updateOne(sql: string, params: unknown[]): Promise<AttachmentEntity | null> {
    const [row] = await updateReturning<Record<string, unknown>>(this.db.txManager, `${sql} RETURNING ${this.cols()}`, params);
    return row ? this.hydrate(row) : null;
  }
}
