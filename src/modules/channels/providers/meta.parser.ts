import { InboundEvent, isObject, ParsedWebhook } from './inbound-event';
import { id, identifier, INBOUND_LIMITS, metaEntries, millis, optId, optText, optUrl, put, reject, rejectedKey, text, typeName, WebhookReader } from './normalise';

/**
 * Messenger (`object: "page"`) and Instagram (`object: "instagram"`) webhooks → events.
 * Only entries for this account's page / IG id are taken; echoes of our own sends,
 * deletions and unsupported messages are skipped. `message.mid` is the dedup key. Each
 * messaging item is read on its own: a malformed one is rejected with a reason, only a body
 * that is not this envelope (`object`, `entry[]`) is refused as a whole.
 */
export function parseMetaWebhook(body: unknown, object: 'page' | 'instagram', accountExternalId: string): ParsedWebhook {
  const reader = new WebhookReader();
  for (const { entry, path: ep } of metaEntries(body, object, reader)) {
    if (entry.id !== undefined) {
      if (typeof entry.id !== 'string' && typeof entry.id !== 'number') {
        reader.rejectItem(entry, `${ep}.id`, `expected a string id, got ${typeName(entry.id)}`);
        continue;
      }
      if (String(entry.id) !== accountExternalId) continue;
    }
    if (entry.messaging === undefined) continue; // `changes`, `standby`: not messages for this inbox
    if (!Array.isArray(entry.messaging)) {
      reader.rejectItem(entry, `${ep}.messaging`, `expected an array, got ${typeName(entry.messaging)}`);
      continue;
    }
    const items: unknown[] = entry.messaging;
    for (let j = 0; j < items.length; j++) {
      const m = items[j];
      const path = `${ep}.messaging[${j}]`;
      reader.read(m, path, () => keyOf(m), () => messagingEvent(m, path, accountExternalId));
    }
  }
  return reader.finish();
}

function keyOf(m: unknown): string | null {
  if (!isObject(m)) return null;
  if (isObject(m.message)) return rejectedKey(m.message.mid, (mid) => `mid:${mid}`);
  if (isObject(m.postback)) return rejectedKey(m.postback.mid, (mid) => `postback:${mid}`);
  return null;
}

function messagingEvent(m: unknown, path: string, accountExternalId: string): InboundEvent | null {
  if (!isObject(m)) return reject(path, `expected an object, got ${typeName(m)}`);
  if (!isObject(m.sender)) return reject(`${path}.sender`, `expected an object, got ${typeName(m.sender)}`);
  const userId = id(m.sender.id, `${path}.sender.id`);
  if (userId === accountExternalId) return null; // our own page speaking
  const timestamp = millis(m.timestamp, `${path}.timestamp`);

  if (m.message !== undefined) {
    const msg = m.message;
    const mp = `${path}.message`;
    if (!isObject(msg)) return reject(mp, `expected an object, got ${typeName(msg)}`);
    if (msg.is_echo || msg.is_deleted || msg.is_unsupported) return null;
    const mid = id(msg.mid, `${mp}.mid`);
    const body = optText(msg.text, `${mp}.text`);
    const attachments = attachmentsOf(msg.attachments, `${mp}.attachments`);
    return {
      kind: 'message',
      eventKey: `mid:${mid}`,
      timestamp,
      userId,
      providerMessageId: mid,
      contentType: body !== undefined ? 'text' : String(attachments[0]?.type ?? 'unknown'),
      text: body ?? null,
      attachments,
    };
  }
  if (m.postback !== undefined) {
    const p = m.postback;
    if (!isObject(p)) return reject(`${path}.postback`, `expected an object, got ${typeName(p)}`);
    const ref = isObject(p.referral) && typeof p.referral.ref === 'string' ? ` ${text(p.referral.ref, `${path}.postback.referral.ref`, INBOUND_LIMITS.label)}` : '';
    const data = text(p.payload, `${path}.postback.payload`) + ref;
    const key = optId(p.mid, `${path}.postback.mid`) ?? `${userId}:${String(m.timestamp)}`;
    return { kind: 'postback', eventKey: `postback:${key}`, timestamp, userId, data };
  }
  // Opening the chat from an m.me / ig.me link with `?ref=` (binding without typing, docs/media.md):
  // `referral` (messaging_referrals) or a Get Started postback's `referral`. Applied as a postback carrying the ref.
  const referral = isObject(m.referral) ? m.referral : undefined;
  if (referral && referral.ref !== undefined && referral.ref !== null) {
    const ref = text(referral.ref, `${path}.referral.ref`, INBOUND_LIMITS.label);
    return { kind: 'postback', eventKey: `referral:${userId}:${String(m.timestamp)}:${ref}`, timestamp, userId, data: ref };
  }
  return null; // deliveries, reads, reactions…
}

/** At most `INBOUND_LIMITS.attachments`, each `{type, url}` checked; nothing else of the payload is kept. */
function attachmentsOf(v: unknown, path: string): Record<string, unknown>[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return reject(path, `expected an array, got ${typeName(v)}`);
  return v.slice(0, INBOUND_LIMITS.attachments).map((a: unknown, i) => {
    const ap = `${path}[${i}]`;
    if (!isObject(a)) return reject(ap, `expected an object, got ${typeName(a)}`);
    const out: Record<string, unknown> = { type: a.type === undefined ? 'file' : identifier(a.type, `${ap}.type`) };
    if (a.payload !== undefined && a.payload !== null) {
      if (!isObject(a.payload)) return reject(`${ap}.payload`, `expected an object, got ${typeName(a.payload)}`);
      put(out, 'url', optUrl(a.payload.url, `${ap}.payload.url`));
    }
    return out;
  });
}
