import { Injectable, UnprocessableEntityException } from '@nestjs/common';
import { AttachmentRepository } from './attachment.repository';
import { AttachmentView, presentAttachment } from './attachment.view';
import { AttachmentsService } from './attachments.service';

/** What the outbound worker hands a provider for one attachment. */
export interface OutboundMedia {
  type: 'image' | 'video' | 'audio' | 'file';
  /** `PUBLIC_URL/media/<signed token>`, expiring. */
  url: string;
  fileName: string | null;
  mimeType: string | null;
  duration?: number;
}

/** At most this many attachments per reply (LINE pushes at most 5 messages: the text and 4). */
export const MAX_ATTACHMENTS_PER_MESSAGE = 4;

/** Uploads becoming part of a reply, and the URLs providers fetch them from. */
@Injectable()
export class MediaOutboundService {
  constructor(
    private readonly attachments: AttachmentRepository,
    private readonly reads: AttachmentsService,
  ) {}

  /** Locks the viewer's own unsent uploads (in the unit of work); any other id → 422. */
  async claim(orgId: string, memberId: string, ids: readonly string[]): Promise<AttachmentView[]> {
    const unique = [...new Set(ids)];
    const rows = await this.attachments.lockUnsent(orgId, unique, memberId);
    if (rows.length !== unique.length) {
      const found = new Set(rows.map((r) => r.id));
      throw new UnprocessableEntityException(
        `These attachments are not uploads of yours waiting to be sent: ${unique.filter((id) => !found.has(id)).join(', ')}`,
      );
    }
    return rows.map(presentAttachment);
  }

  async link(orgId: string, ids: readonly string[], messageId: string, channelAccountId: string): Promise<void> {
    await this.attachments.linkToMessage(orgId, [...new Set(ids)], messageId, channelAccountId);
  }

  /** The message's attachments as the provider fetches them (signed URLs minted now). */
  forDelivery(orgId: string, views: readonly Record<string, unknown>[]): OutboundMedia[] {
    return views
      .filter((v) => typeof v.id === 'string' && ['image', 'video', 'audio', 'file'].includes(String(v.type)))
      .map((v) => ({
        type: v.type as OutboundMedia['type'],
        url: this.reads.publicUrl(orgId, v.id as string),
        fileName: (v.fileName as string | null) ?? null,
        mimeType: (v.mimeType as string | null) ?? null,
        ...(typeof v.duration === 'number' ? { duration: v.duration } : {}),
      }));
  }
}
