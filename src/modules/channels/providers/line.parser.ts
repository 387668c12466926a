import { InboundEvent, isObject, MalformedPayloadError, ParsedWebhook } from './inbound-event';
import { id, identifier, INBOUND_LIMITS, millis, optId, optNumber, optText, optUrl, put, reject, rejectedKey, text, typeName, WebhookReader } from './normalise';

/** The event types that are customer conversation events; the others (join, leave, beacon, unsend…) are skipped. */
const HANDLED = new Set(['message', 'postback', 'follow', 'unfollow']);

/**
 * LINE Messaging API webhook → events. `webhookEventId` is the dedup key (a redelivery is
 * identical but for `deliveryContext.isRedelivery`); `mode: standby` events belong to another
 * channel's module and are skipped; events are ordered by `timestamp`. Each event is read on
 * its own: a malformed one is rejected with a reason (src/modules/channels/providers/normalise.ts),
 * only a body without `events[]` is refused as a whole.
 */
export function parseLineWebhook(body: unknown): ParsedWebhook {
  if (!isObject(body) || !Array.isArray(body.events)) throw new MalformedPayloadError('LINE webhook: events[] is required');
  const reader = new WebhookReader();
  const events: unknown[] = body.events;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const path = `events[${i}]`;
    reader.read(e, path, () => (isObject(e) ? rejectedKey(e.webhookEventId, (k) => k) : null), () => lineEvent(e, path));
  }
  return reader.finish();
}

function lineEvent(e: unknown, path: string): InboundEvent | null {
  if (!isObject(e)) return reject(path, `expected an event object, got ${typeName(e)}`);
  if (e.mode === 'standby') return null;
  const type = identifier(e.type, `${path}.type`);
  if (!HANDLED.has(type)) return null;
  if (!isObject(e.source)) return reject(`${path}.source`, `expected an object, got ${typeName(e.source)}`);
  if (e.source.userId === undefined) return null; // group/room events without a user are not customer conversations
  const userId = id(e.source.userId, `${path}.source.userId`);
  const webhookEventId = optId(e.webhookEventId, `${path}.webhookEventId`);
  const timestamp = millis(e.timestamp, `${path}.timestamp`);
  const at = String(e.timestamp); // the fallback keys' part, as it always was

  if (type === 'message') {
    const m = e.message;
    const mp = `${path}.message`;
    if (!isObject(m)) return reject(mp, `expected an object, got ${typeName(m)}`);
    const messageId = id(m.id, `${mp}.id`);
    const contentType = m.type === undefined ? 'unknown' : identifier(m.type, `${mp}.type`);
    return {
      kind: 'message',
      eventKey: webhookEventId ?? `message:${messageId}`,
      timestamp,
      userId,
      providerMessageId: messageId,
      contentType,
      text: contentType === 'text' ? text(m.text, `${mp}.text`) : null,
      attachments: contentType === 'text' ? [] : [attachment(m, contentType, messageId, mp)],
    };
  }
  if (type === 'postback') {
    if (!isObject(e.postback)) return reject(`${path}.postback`, `expected an object, got ${typeName(e.postback)}`);
    return { kind: 'postback', eventKey: webhookEventId ?? `postback:${userId}:${at}`, timestamp, userId, data: text(e.postback.data, `${path}.postback.data`) };
  }
  const kind = type as 'follow' | 'unfollow';
  return { kind, eventKey: webhookEventId ?? `${kind}:${userId}:${at}`, timestamp, userId };
}

/** The known fields of a non-text message, each checked: nothing else of the payload is kept. */
function attachment(m: Record<string, unknown>, type: string, providerId: string, mp: string): Record<string, unknown> {
  const a: Record<string, unknown> = { type, providerId };
  const label = (k: string) => optText(m[k], `${mp}.${k}`, INBOUND_LIMITS.label);
  const num = (k: string) => optNumber(m[k], `${mp}.${k}`);
  switch (type) {
    case 'location':
      put(a, 'title', label('title'));
      put(a, 'address', label('address'));
      put(a, 'latitude', num('latitude'));
      put(a, 'longitude', num('longitude'));
      break;
    case 'sticker':
      put(a, 'packageId', optId(m.packageId, `${mp}.packageId`));
      put(a, 'stickerId', optId(m.stickerId, `${mp}.stickerId`));
      break;
    case 'file':
      put(a, 'fileName', label('fileName'));
      put(a, 'fileSize', num('fileSize'));
      break;
    case 'image':
    case 'video':
    case 'audio':
      put(a, 'contentProvider', contentProvider(m.contentProvider, `${mp}.contentProvider`));
      put(a, 'duration', num('duration'));
      break;
  }
  return a;
}

function contentProvider(v: unknown, path: string): Record<string, unknown> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) return reject(path, `expected an object, got ${typeName(v)}`);
  const out: Record<string, unknown> = {};
  put(out, 'type', v.type === undefined ? undefined : identifier(v.type, `${path}.type`));
  put(out, 'originalContentUrl', optUrl(v.originalContentUrl, `${path}.originalContentUrl`));
  put(out, 'previewImageUrl', optUrl(v.previewImageUrl, `${path}.previewImageUrl`));
  return out;
}
