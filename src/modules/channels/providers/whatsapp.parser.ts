import { InboundEvent, isObject, MalformedPayloadError } from './inbound-event';

const STATUSES = new Set(['sent', 'delivered', 'read', 'failed']);

function textOf(m: Record<string, any>): string | null {
  switch (m.type) {
    case 'text':
      return isObject(m.text) && typeof m.text.body === 'string' ? m.text.body : null;
    case 'button':
      return isObject(m.button) ? String(m.button.text ?? m.button.payload ?? '') : null;
    case 'interactive': {
      const i = isObject(m.interactive) ? m.interactive : {};
      const reply = isObject(i.button_reply) ? i.button_reply : isObject(i.list_reply) ? i.list_reply : null;
      return reply ? String(reply.title ?? reply.id ?? '') : null;
    }
    default:
      return isObject(m[m.type]) && typeof m[m.type].caption === 'string' ? m[m.type].caption : null;
  }
}

/**
 * WhatsApp Cloud API webhook → events. Routed by `metadata.phone_number_id`; messages are
 * deduplicated by wamid, statuses by (wamid, status). Timestamps are strings of seconds.
 */
export function parseWhatsAppWebhook(body: unknown, phoneNumberId: string): InboundEvent[] {
  if (!isObject(body) || !Array.isArray(body.entry)) throw new MalformedPayloadError('webhook: entry[] is required');
  if (body.object !== 'whatsapp_business_account') throw new MalformedPayloadError('webhook: expected object "whatsapp_business_account"');
  const out: InboundEvent[] = [];
  for (const entry of body.entry) {
    if (!isObject(entry) || !Array.isArray(entry.changes)) continue;
    for (const change of entry.changes) {
      const v = isObject(change) && isObject(change.value) ? change.value : null;
      if (!v || (isObject(v.metadata) && String(v.metadata.phone_number_id) !== phoneNumberId)) continue;
      const names = new Map<string, string>();
      for (const c of Array.isArray(v.contacts) ? v.contacts : []) {
        if (isObject(c) && typeof c.wa_id === 'string' && isObject(c.profile) && typeof c.profile.name === 'string') names.set(c.wa_id, c.profile.name);
      }
      for (const m of Array.isArray(v.messages) ? v.messages : []) {
        if (!isObject(m) || typeof m.id !== 'string' || typeof m.from !== 'string') continue;
        const type = String(m.type ?? 'unknown');
        const media = isObject(m[type]) ? m[type] : {};
        out.push({
          kind: 'message',
          eventKey: `wamid:${m.id}`,
          timestamp: new Date(Number(m.timestamp) * 1000 || Date.now()),
          userId: m.from,
          displayName: names.get(m.from),
          providerMessageId: m.id,
          contentType: type,
          text: textOf(m),
          attachments: type === 'text' ? [] : [{ type, providerId: media.id, mimeType: media.mime_type, filename: media.filename }],
        });
      }
      for (const s of Array.isArray(v.statuses) ? v.statuses : []) {
        if (!isObject(s) || typeof s.id !== 'string' || !STATUSES.has(s.status)) continue;
        const err = Array.isArray(s.errors) && isObject(s.errors[0]) ? s.errors[0] : null;
        out.push({
          kind: 'status',
          eventKey: `status:${s.id}:${s.status}`,
          timestamp: new Date(Number(s.timestamp) * 1000 || Date.now()),
          providerMessageId: s.id,
          status: s.status,
          error: err ? `${err.code ?? ''} ${err.title ?? err.message ?? ''}`.trim() : undefined,
        });
      }
    }
  }
  return out.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
}
