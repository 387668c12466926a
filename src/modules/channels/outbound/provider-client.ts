import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { appConfig } from '../../../infra/config/app.config';
import type { OutboundMedia } from '../../media/media-outbound.service';
import { providerMediaCalls, TemplateMessage } from '../../media/provider-media';
import { ChannelType } from '../channel-account.entity';

export interface OutboundText {
  type: ChannelType;
  /** Page id / IG id / WhatsApp phone-number id (unused for LINE push). */
  externalId: string;
  accessToken: string;
  /** The customer's provider user id. */
  to: string;
  text: string;
  /** Stable across retries of one message (LINE X-Line-Retry-Key). */
  idempotencyKey: string;
  /** Media to send with the text (docs/media.md), fetched by the provider from signed URLs. */
  media?: OutboundMedia[];
  /** A WhatsApp template message. */
  template?: TemplateMessage;
}

/** A failed provider call; `retryable` false for answers a retry cannot fix (4xx but 408/429). */
export class ProviderSendError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** Per-channel text limits of the send APIs (../shared/CHANNELS.md). */
export const TEXT_LIMITS: Record<ChannelType, { max: number; unit: 'chars' | 'bytes' }> = {
  line: { max: 5000, unit: 'chars' },
  messenger: { max: 2000, unit: 'chars' },
  instagram: { max: 1000, unit: 'bytes' },
  whatsapp: { max: 4096, unit: 'chars' },
};

export function exceedsTextLimit(type: ChannelType, text: string): boolean {
  const limit = TEXT_LIMITS[type];
  return (limit.unit === 'bytes' ? Buffer.byteLength(text, 'utf8') : [...text].length) > limit.max;
}

/** Calls each provider's real send API; base URLs come from config so tests point them at a stand-in. */
@Injectable()
export class ProviderClient {
  constructor(@Inject(appConfig.KEY) private readonly cfg: ConfigType<typeof appConfig>) {}

  async sendText(m: OutboundText): Promise<{ providerMessageId: string | null }> {
    if (m.media?.length || m.template) return this.sendMedia(m);
    const { lineApiBaseUrl, graphApiBaseUrl, graphApiVersion } = this.cfg.providers;
    const headers: Record<string, string> = { Authorization: `Bearer ${m.accessToken}`, 'Content-Type': 'application/json' };
    switch (m.type) {
      case 'line': {
        const res = await this.post(`${lineApiBaseUrl}/v2/bot/message/push`, { ...headers, 'X-Line-Retry-Key': m.idempotencyKey }, {
          to: m.to,
          messages: [{ type: 'text', text: m.text }],
        }, [409]);
        // 409 with a retry key = LINE already accepted this very request on an earlier attempt.
        const sent = (res.body as { sentMessages?: { id?: string }[] } | null)?.sentMessages?.[0]?.id;
        return { providerMessageId: sent ?? res.headers.get('x-line-accepted-request-id') ?? null };
      }
      case 'messenger': {
        const res = await this.post(`${graphApiBaseUrl}/${graphApiVersion}/${m.externalId}/messages`, headers, {
          recipient: { id: m.to },
          messaging_type: 'RESPONSE',
          message: { text: m.text },
        });
        return { providerMessageId: (res.body as { message_id?: string } | null)?.message_id ?? null };
      }
      case 'instagram': {
        const res = await this.post(`${graphApiBaseUrl}/${graphApiVersion}/${m.externalId}/messages`, headers, {
          recipient: { id: m.to },
          message: { text: m.text },
        });
        return { providerMessageId: (res.body as { message_id?: string } | null)?.message_id ?? null };
      }
      case 'whatsapp': {
        const res = await this.post(`${graphApiBaseUrl}/${graphApiVersion}/${m.externalId}/messages`, headers, {
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: m.to,
          type: 'text',
          text: { preview_url: false, body: m.text },
        });
        return { providerMessageId: (res.body as { messages?: { id?: string }[] } | null)?.messages?.[0]?.id ?? null };
      }
    }
  }

  /** Media and templates: the calls of providerMediaCalls in order; the last call's message id is kept. */
  private async sendMedia(m: OutboundText): Promise<{ providerMessageId: string | null }> {
    const { lineApiBaseUrl, graphApiBaseUrl, graphApiVersion } = this.cfg.providers;
    const headers: Record<string, string> = { Authorization: `Bearer ${m.accessToken}`, 'Content-Type': 'application/json' };
    let id: string | null = null;
    for (const call of providerMediaCalls(m.type, m.externalId, m.to, m.text, m.media ?? [], graphApiVersion, m.template)) {
      if (call.api === 'line') {
        const res = await this.post(`${lineApiBaseUrl}${call.path}`, { ...headers, 'X-Line-Retry-Key': m.idempotencyKey }, call.body, [409]);
        const sent = (res.body as { sentMessages?: { id?: string }[] } | null)?.sentMessages?.[0]?.id;
        id = sent ?? res.headers.get('x-line-accepted-request-id') ?? id;
      } else {
        const res = await this.post(`${graphApiBaseUrl}${call.path}`, headers, call.body);
        const b = res.body as { message_id?: string; messages?: { id?: string }[] } | null;
        id = b?.message_id ?? b?.messages?.[0]?.id ?? id;
      }
    }
    return { providerMessageId: id };
  }

  private async post(url: string, headers: Record<string, string>, body: unknown, acceptAlso: number[] = []) {
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(15000) });
    } catch (e) {
      throw new ProviderSendError(`network error: ${(e as Error).message}`, null, true);
    }
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      /* non-JSON error pages */
    }
    if (!res.ok && !acceptAlso.includes(res.status)) {
      const detail = (json as { error?: { message?: string }; message?: string } | null)?.error?.message ?? (json as { message?: string } | null)?.message ?? text.slice(0, 200);
      const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
      throw new ProviderSendError(`HTTP ${res.status}: ${detail}`, res.status, retryable);
    }
    return { status: res.status, headers: res.headers, body: json };
  }
}
