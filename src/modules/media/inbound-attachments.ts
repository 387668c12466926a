import { randomUUID } from 'crypto';
import { AttachmentStatus, AttachmentType, ProviderRef } from './attachment.entity';
import { attachmentUrl, AttachmentView, lineStickerUrl } from './attachment.view';

/** An attachment row to insert with its message. */
export interface NewAttachment {
  id: string;
  type: AttachmentType;
  mimeType: string | null;
  size: number | null;
  fileName: string | null;
  status: AttachmentStatus;
  providerRef: ProviderRef;
}

export interface PreparedAttachments {
  /** What the message row keeps (and clients see) in `attachments`. */
  views: AttachmentView[];
  rows: NewAttachment[];
}

/** Provider type names → ours (WhatsApp `document` is a file); others (fallback, template, share, reactions…) are not attachments. */
const TYPES: Record<string, AttachmentType> = {
  image: 'image',
  video: 'video',
  audio: 'audio',
  file: 'file',
  document: 'file',
  sticker: 'sticker',
  location: 'location',
};

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * The parsers' attachments (src/modules/channels/providers/*.parser.ts, provider ids kept) →
 * attachment rows and the views the message keeps. Media with a provider source start
 * `pending` (a job downloads them); a LINE sticker (LINE's public image) and a location have
 * no bytes to fetch. Ids are made here so the message is written once, already pointing at them.
 */
export function prepareInboundAttachments(raw: readonly Record<string, unknown>[]): PreparedAttachments {
  const out: PreparedAttachments = { views: [], rows: [] };
  for (const a of raw) {
    const type = TYPES[String(a.type)];
    if (!type) continue;
    const id = randomUUID();
    const ref: ProviderRef = {};
    const provider = a.contentProvider as { type?: string; originalContentUrl?: string } | undefined;
    if (provider?.type === 'external' && str(provider.originalContentUrl)) ref.url = provider.originalContentUrl;
    else if (str(a.url)) ref.url = a.url as string;
    else if (str(a.providerId)) ref.providerId = a.providerId as string; // LINE message id, WhatsApp media id
    const view: AttachmentView = {
      id,
      type,
      mimeType: str(a.mimeType) ?? null,
      size: num(a.fileSize) ?? null,
      fileName: str(a.fileName) ?? str(a.filename) ?? null,
      status: 'pending',
      url: attachmentUrl(id),
    };
    if (type === 'sticker') {
      if (str(a.packageId)) view.packageId = a.packageId as string;
      if (str(a.stickerId)) {
        view.stickerId = a.stickerId as string;
        view.stickerUrl = lineStickerUrl(a.stickerId as string);
      }
    }
    if (type === 'location') {
      for (const k of ['title', 'address'] as const) if (str(a[k])) view[k] = a[k] as string;
      for (const k of ['latitude', 'longitude'] as const) if (num(a[k]) !== undefined) view[k] = a[k] as number;
    }
    if (num(a.duration) !== undefined) view.duration = a.duration as number;
    // A LINE sticker carries its sticker id (LINE's public image); a WhatsApp sticker is a media file.
    const fetchable = type !== 'location' && !view.stickerId && (ref.url !== undefined || ref.providerId !== undefined);
    if (!fetchable) {
      // Nothing to download: stored as it is (a sticker shows LINE's public image).
      view.status = 'stored';
      view.url = type === 'sticker' ? (view.stickerUrl ?? null) : null;
      if (type === 'sticker') view.mimeType = view.stickerUrl ? 'image/png' : null;
    }
    out.views.push(view);
    out.rows.push({ id, type, mimeType: view.mimeType, size: view.size, fileName: view.fileName, status: view.status, providerRef: ref });
  }
  return out;
}
