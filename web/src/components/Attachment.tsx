import { useEffect, useState } from 'react';
import { type Schemas, tokenStore } from '../api/client';
import { useI18n } from '../i18n';

export type AttachmentData = Schemas['AttachmentResponseDto'];

/** Our own attachment URLs (`/api/v1/attachments/:id`) need the bearer token; other URLs (LINE stickers) are public. */
const needsToken = (url: string) => url.startsWith('/api/');

async function fetchBlob(url: string): Promise<Blob> {
  const token = tokenStore.get();
  const res = await fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (!res.ok) throw new Error(String(res.status));
  return res.blob();
}

/**
 * The bytes behind an attachment URL as something an <img> can show: an <img src> cannot send
 * the Authorization header, so the console fetches the bytes with it and shows a local blob URL.
 */
function useViewableUrl(url: string | null, enabled: boolean): string | null | 'failed' {
  const [src, setSrc] = useState<string | null | 'failed'>(url && !needsToken(url) ? url : null);
  useEffect(() => {
    if (!url || !enabled || !needsToken(url)) return;
    let objectUrl: string | null = null;
    let live = true;
    fetchBlob(url)
      .then((b) => {
        objectUrl = URL.createObjectURL(b);
        if (live) setSrc(objectUrl);
      })
      .catch(() => live && setSrc('failed'));
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [url, enabled]);
  return src;
}

/** Opens a file attachment: fetched with the token, then handed to the browser as a download. */
async function download(a: AttachmentData): Promise<void> {
  if (!a.url) return;
  const href = needsToken(a.url) ? URL.createObjectURL(await fetchBlob(a.url)) : a.url;
  const link = document.createElement('a');
  link.href = href;
  link.download = a.fileName ?? 'attachment';
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  if (href !== a.url) window.setTimeout(() => URL.revokeObjectURL(href), 60000);
}

/** One attachment inside a message: images and stickers inline, other media as a named link. */
export function Attachment({ a }: { a: AttachmentData }) {
  const { t } = useI18n();
  const src = useViewableUrl(a.url, a.type === 'image' && a.status === 'stored');
  const sticker = a.type === 'sticker' ? (a.stickerUrl ?? a.url) : null;
  if (sticker) return <img className="attachment sticker" src={sticker} alt="sticker" data-attachment={a.id} />;
  if (a.type === 'location') {
    return (
      <span className="attachment location">
        📍 {a.title ?? ''} {a.address ?? ''}
      </span>
    );
  }
  if (a.status === 'pending') return <span className="attachment pending">{t('inbox.attachmentPending')}</span>;
  if (a.status === 'failed' || src === 'failed') return <span className="attachment failed">{t('inbox.attachmentFailed')}</span>;
  if (a.type === 'image') return src ? <img className="attachment" src={src} alt={a.fileName ?? t('inbox.image')} data-attachment={a.id} /> : <span className="attachment pending">…</span>;
  return (
    <a
      className="attachment file"
      href={a.url ?? '#'}
      data-attachment={a.id}
      onClick={(e) => {
        e.preventDefault();
        download(a).catch(() => undefined);
      }}
    >
      📎 {a.fileName ?? t(`inbox.kind.${a.type}`)}
      {a.size ? ` (${Math.ceil(a.size / 1024)} KB)` : ''}
    </a>
  );
}
