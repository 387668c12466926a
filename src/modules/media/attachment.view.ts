import { AttachmentEntity, AttachmentStatus, AttachmentType } from './attachment.entity';

/**
 * An attachment as clients see it (inside `message.attachments[]` and from POST /attachments).
 * `url` is `/api/v1/attachments/:id` for bytes we store; a LINE sticker's is LINE's public
 * image, a location has none.
 */
export interface AttachmentView {
  id: string;
  type: AttachmentType;
  mimeType: string | null;
  size: number | null;
  fileName: string | null;
  status: AttachmentStatus;
  url: string | null;
  /** Stickers. */
  packageId?: string;
  stickerId?: string;
  stickerUrl?: string;
  /** Locations. */
  title?: string;
  address?: string;
  latitude?: number;
  longitude?: number;
  /** Audio and video, milliseconds, when the provider says. */
  duration?: number;
}

export const attachmentUrl = (id: string) => `/api/v1/attachments/${id}`;

/** LINE's public sticker image (no token needed). */
export const lineStickerUrl = (stickerId: string) => `https://stickershop.line-scdn.net/stickershop/v1/sticker/${encodeURIComponent(stickerId)}/android/sticker.png`;

/** Has bytes behind `/api/v1/attachments/:id` (or will have, once downloaded). */
export function hasBytes(a: Pick<AttachmentView, 'type' | 'url' | 'id'> | Pick<AttachmentEntity, 'type' | 'storageKey' | 'status'>): boolean {
  if ('storageKey' in a) return a.type !== 'location' && (a.status === 'pending' || a.storageKey !== null);
  return a.url === attachmentUrl(a.id);
}

/** The upload answer (POST /attachments). */
export function presentAttachment(a: AttachmentEntity): AttachmentView {
  return {
    id: a.id,
    type: a.type,
    mimeType: a.mimeType,
    size: a.size,
    fileName: a.fileName,
    status: a.status,
    url: attachmentUrl(a.id),
  };
}
