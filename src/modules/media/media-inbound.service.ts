import { Injectable } from '@nestjs/common';
import type { MessageEntity } from '../conversations/message.entity';
import { UnitOfWork } from '../events/unit-of-work';
import { AttachmentRepository } from './attachment.repository';
import { PreparedAttachments, prepareInboundAttachments } from './inbound-attachments';

/**
 * Inbound media, inside the webhook's unit of work: the message is written already pointing
 * at its attachments (`prepare`), then their rows (`record`); pending ones get a download job
 * after commit (`attachments.pending`).
 */
@Injectable()
export class MediaInboundService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly attachments: AttachmentRepository,
  ) {}

  prepare(raw: readonly Record<string, unknown>[]): Pick<PreparedAttachments, 'rows'> & { views: Record<string, unknown>[] } {
    const prepared = prepareInboundAttachments(raw);
    return { rows: prepared.rows, views: prepared.views as unknown as Record<string, unknown>[] };
  }

  async record(message: MessageEntity, prepared: Pick<PreparedAttachments, 'rows'>): Promise<void> {
    if (prepared.rows.length === 0) return;
    await this.attachments.insertInbound(message.orgId, message.id, message.channelAccountId, prepared.rows);
    const pending = prepared.rows.filter((r) => r.status === 'pending').map((r) => r.id);
    if (pending.length === 0) return;
    this.uow.record({ type: 'attachments.pending', orgId: message.orgId, actorId: null, conversationId: message.conversationId, customerId: null, data: { attachmentIds: pending } });
  }
}
