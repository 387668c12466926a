import { InboundEvent, isObject, MalformedPayloadError } from './inbound-event';

/**
 * Messenger (`object: "page"`) and Instagram (`object: "instagram"`) webhooks → events.
 * Only entries for this account's page / IG id are taken; echoes of our own sends,
 * deletions and unsupported messages are skipped. `message.mid` is the dedup key.
 */
export function parseMetaWebhook(body: unknown, object: 'page' | 'instagram', accountExternalId: string): InboundEvent[] {
  if (!isObject(body) || !Array.isArray(body.entry)) throw new MalformedPayloadError('webhook: entry[] is required');
  if (body.object !== object) throw new MalformedPayloadError(`webhook: expected object "${object}"`);
  const out: InboundEvent[] = [];
  for (const entry of body.entry) {
    if (!isObject(entry) || !Array.isArray(entry.messaging)) continue;
    if (entry.id !== undefined && String(entry.id) !== accountExternalId) continue;
    for (const m of entry.messaging) {
      if (!isObject(m) || !isObject(m.sender) || typeof m.sender.id !== 'string') continue;
      const userId = m.sender.id;
      if (userId === accountExternalId) continue; // our own page speaking
      const timestamp = new Date(typeof m.timestamp === 'number' ? m.timestamp : Date.now());
      if (isObject(m.message) && typeof m.message.mid === 'string') {
        const msg = m.message;
        if (msg.is_echo || msg.is_deleted || msg.is_unsupported) continue;
        const attachments = Array.isArray(msg.attachments)
          ? msg.attachments.filter(isObject).map((a: Record<string, any>) => ({ type: String(a.type ?? 'file'), url: isObject(a.payload) ? a.payload.url : undefined }))
          : [];
        out.push({
          kind: 'message',
          eventKey: `mid:${msg.mid}`,
          timestamp,
          userId,
          providerMessageId: msg.mid,
          contentType: typeof msg.text === 'string' ? 'text' : String(attachments[0]?.type ?? 'unknown'),
          text: typeof msg.text === 'string' ? msg.text : null,
          attachments,
        });
      } else if (isObject(m.postback) && typeof m.postback.payload === 'string') {
        const key = typeof m.postback.mid === 'string' ? m.postback.mid : `${userId}:${m.timestamp}`;
        out.push({ kind: 'postback', eventKey: `postback:${key}`, timestamp, userId, data: m.postback.payload });
      }
    }
  }
  return out.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
}
