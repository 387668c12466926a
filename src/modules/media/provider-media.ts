import type { ChannelType } from '../channels/channel-account.entity';
import type { OutboundMedia } from './media-outbound.service';

/** One send-API call: the path under the provider's base URL and its JSON body. */
export interface ProviderCall {
  api: 'line' | 'graph';
  path: string;
  body: Record<string, unknown>;
}

/** A WhatsApp message template (approved in WhatsApp Manager). */
export interface TemplateMessage {
  name: string;
  language: string;
  components?: unknown[];
}

const LINE_AUDIO_DEFAULT_MS = 60_000;

/**
 * A reply with media (and/or a WhatsApp template) as the providers' send calls, in their
 * documented shapes; media is fetched by the provider from its signed URL:
 * - LINE: one push of up to 5 messages: the text, then image / video / audio messages
 *   (LINE bots cannot send files: a file goes as a text with its name and link);
 * - Messenger / Instagram: the text, then one attachment message each (`image|video|audio|file`);
 * - WhatsApp: one media message each (`image|video|audio|document`), the text as the first one's
 *   caption when it can carry one, else a text message first; a template is its own message.
 */
export function providerMediaCalls(
  type: ChannelType,
  externalId: string,
  to: string,
  text: string,
  media: readonly OutboundMedia[],
  graphVersion: string,
  template?: TemplateMessage,
): ProviderCall[] {
  const graphPath = `/${graphVersion}/${externalId}/messages`;
  switch (type) {
    case 'line': {
      const messages: Record<string, unknown>[] = [];
      if (text) messages.push({ type: 'text', text });
      for (const m of media) {
        if (m.type === 'image') messages.push({ type: 'image', originalContentUrl: m.url, previewImageUrl: m.url });
        else if (m.type === 'video') messages.push({ type: 'video', originalContentUrl: m.url, previewImageUrl: m.url });
        else if (m.type === 'audio') messages.push({ type: 'audio', originalContentUrl: m.url, duration: m.duration ?? LINE_AUDIO_DEFAULT_MS });
        else messages.push({ type: 'text', text: `${m.fileName ?? 'file'}\n${m.url}` });
      }
      return [{ api: 'line', path: '/v2/bot/message/push', body: { to, messages: messages.slice(0, 5) } }];
    }
    case 'messenger':
    case 'instagram': {
      const envelope = (message: Record<string, unknown>) =>
        type === 'messenger' ? { recipient: { id: to }, messaging_type: 'RESPONSE', message } : { recipient: { id: to }, message };
      const calls: ProviderCall[] = [];
      if (text) calls.push({ api: 'graph', path: graphPath, body: envelope({ text }) });
      for (const m of media) {
        const payload = type === 'messenger' ? { url: m.url, is_reusable: false } : { url: m.url };
        calls.push({ api: 'graph', path: graphPath, body: envelope({ attachment: { type: m.type, payload } }) });
      }
      return calls;
    }
    case 'whatsapp': {
      const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to };
      const calls: ProviderCall[] = [];
      if (template) {
        calls.push({
          api: 'graph',
          path: graphPath,
          body: { ...base, type: 'template', template: { name: template.name, language: { code: template.language }, ...(template.components ? { components: template.components } : {}) } },
        });
      }
      let caption: string | undefined = text || undefined;
      if (caption && (media.length === 0 || media[0].type === 'audio')) {
        calls.push({ api: 'graph', path: graphPath, body: { ...base, type: 'text', text: { preview_url: false, body: caption } } });
        caption = undefined;
      }
      for (const m of media) {
        const kind = m.type === 'file' ? 'document' : m.type;
        const obj: Record<string, unknown> = { link: m.url };
        if (caption && kind !== 'audio') obj.caption = caption;
        if (kind === 'document' && m.fileName) obj.filename = m.fileName;
        caption = undefined;
        calls.push({ api: 'graph', path: graphPath, body: { ...base, type: kind, [kind]: obj } });
      }
      return calls;
    }
  }
}
