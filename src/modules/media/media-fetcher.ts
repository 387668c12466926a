import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { Readable } from 'stream';
import type { ReadableStream as WebReadableStream } from 'stream/web';
import { appConfig } from '../../infra/config/app.config';
import { ChannelType } from '../channels/channel-account.entity';
import { ProviderRef } from './attachment.entity';

/** A failed download; `retryable` false for answers a retry cannot fix (the media is gone, the token is refused). */
export class FetchError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export interface OpenedMedia {
  body: Readable;
  contentType: string | null;
  contentLength: number | null;
}

/**
 * Opens media at the provider as a stream (never buffered whole):
 * - LINE: `GET {LINE_DATA_API_BASE_URL}/v2/bot/message/{id}/content` with the channel token
 *   (or the external URL of a `contentProvider.type: external` message);
 * - WhatsApp: `GET /{media-id}` → `{url}` → the bytes, both with the token;
 * - Messenger / Instagram: the attachment's `payload.url`.
 * Every request is bounded by `signal` (the job's timeout).
 */
@Injectable()
export class MediaFetcher {
  constructor(@Inject(appConfig.KEY) private readonly cfg: ConfigType<typeof appConfig>) {}

  async open(channel: ChannelType, accessToken: string, ref: ProviderRef, signal: AbortSignal): Promise<OpenedMedia> {
    const auth = { Authorization: `Bearer ${accessToken}` };
    if (channel === 'whatsapp' && ref.providerId) {
      const { graphApiBaseUrl, graphApiVersion } = this.cfg.providers;
      const meta = await this.request(`${graphApiBaseUrl}/${graphApiVersion}/${encodeURIComponent(ref.providerId)}`, auth, signal);
      const info = (await meta.json().catch(() => null)) as { url?: unknown; mime_type?: unknown } | null;
      if (!info || typeof info.url !== 'string') throw new FetchError('WhatsApp media: no url in the media answer', false);
      const res = await this.request(info.url, auth, signal);
      return this.opened(res, typeof info.mime_type === 'string' ? info.mime_type : null);
    }
    if (channel === 'line' && ref.providerId && !ref.url) {
      const res = await this.request(`${this.cfg.media.lineDataApiBaseUrl}/v2/bot/message/${encodeURIComponent(ref.providerId)}/content`, auth, signal);
      return this.opened(res, null);
    }
    if (ref.url) return this.opened(await this.request(ref.url, {}, signal), null);
    throw new FetchError('nothing to download: no provider id or URL', false);
  }

  /** A plain GET of a public URL (profile pictures). */
  async openUrl(url: string, signal: AbortSignal, headers: Record<string, string> = {}): Promise<OpenedMedia> {
    return this.opened(await this.request(url, headers, signal), null);
  }

  private async request(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<Response> {
    if (!/^https?:\/\//i.test(url)) throw new FetchError(`not an http(s) URL`, false);
    let res: Response;
    try {
      res = await fetch(url, { headers, signal, redirect: 'follow' });
    } catch (e) {
      throw new FetchError(`network error: ${(e as Error).message}`, true);
    }
    if (res.status === 200) return res;
    await res.body?.cancel().catch(() => undefined);
    // 202: LINE is still preparing a video; 408/429/5xx: try again later.
    const retryable = res.status === 202 || res.status === 408 || res.status === 429 || res.status >= 500;
    throw new FetchError(`HTTP ${res.status} from ${new URL(url).host}`, retryable);
  }

  private opened(res: Response, mimeType: string | null): OpenedMedia {
    if (!res.body) throw new FetchError('empty answer', true);
    const length = Number(res.headers.get('content-length'));
    const type = res.headers.get('content-type')?.split(';')[0].trim() || null;
    return {
      body: Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>),
      contentType: mimeType ?? (type && type !== 'application/octet-stream' ? type : null) ?? type,
      contentLength: Number.isFinite(length) && res.headers.has('content-length') ? length : null,
    };
  }
}
