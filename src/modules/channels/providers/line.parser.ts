import { InboundEvent, isObject, MalformedPayloadError } from './inbound-event';

const MEDIA = new Set(['image', 'video', 'audio', 'file', 'location', 'sticker']);

/**
 * LINE Messaging API webhook → events. `webhookEventId` is the dedup key (a redelivery is
 * identical but for `deliveryContext.isRedelivery`); `mode: standby` events belong to another
 * channel's module and are skipped; events are ordered by `timestamp`.
 */
export function parseLineWebhook(body: unknown): InboundEvent[] {
  if (!isObject(body) || !Array.isArray(body.events)) throw new MalformedPayloadError('LINE webhook: events[] is required');
  const out: InboundEvent[] = [];
  for (const e of body.events) {
    if (!isObject(e) || e.mode === 'standby') continue;
    const userId = isObject(e.source) && typeof e.source.userId === 'string' ? e.source.userId : null;
    if (!userId) continue; // group/room events without a user are not customer conversations
    const eventKey = typeof e.webhookEventId === 'string' ? e.webhookEventId : null;
    const timestamp = new Date(typeof e.timestamp === 'number' ? e.timestamp : Date.now());
    if (e.type === 'message' && isObject(e.message) && typeof e.message.id === 'string') {
      const m = e.message;
      const type = String(m.type ?? 'unknown');
      const attachment: Record<string, unknown> = { type, providerId: m.id };
      if (type === 'location') Object.assign(attachment, { title: m.title, address: m.address, latitude: m.latitude, longitude: m.longitude });
      if (type === 'sticker') Object.assign(attachment, { packageId: m.packageId, stickerId: m.stickerId });
      if (type === 'file') Object.assign(attachment, { fileName: m.fileName, fileSize: m.fileSize });
      if (type === 'image' || type === 'video' || type === 'audio') Object.assign(attachment, { contentProvider: m.contentProvider, duration: m.duration });
      out.push({
        kind: 'message',
        eventKey: eventKey ?? `message:${m.id}`,
        timestamp,
        userId,
        providerMessageId: m.id,
        contentType: type,
        text: type === 'text' && typeof m.text === 'string' ? m.text : null,
        attachments: type === 'text' ? [] : MEDIA.has(type) ? [attachment] : [attachment],
      });
    } else if (e.type === 'postback' && isObject(e.postback) && typeof e.postback.data === 'string') {
      out.push({ kind: 'postback', eventKey: eventKey ?? `postback:${userId}:${e.timestamp}`, timestamp, userId, data: e.postback.data });
    } else if (e.type === 'follow' || e.type === 'unfollow') {
      out.push({ kind: e.type, eventKey: eventKey ?? `${e.type}:${userId}:${e.timestamp}`, timestamp, userId });
    }
  }
  return out.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
}
