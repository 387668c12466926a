import { InboundEvent, isObject, ParsedWebhook } from './inbound-event';
import { id, identifier, INBOUND_LIMITS, metaEntries, optId, optText, own, put, reject, rejectedKey, seconds, text, typeName, WebhookReader } from './normalise';

const STATUSES = new Set(['sent', 'delivered', 'read', 'failed']);
/** Message types whose body is an object we read fields of (`contacts` is an array; unknown types are kept by name). */
const OBJECT_BODIES = new Set(['text', 'button', 'interactive', 'image', 'video', 'audio', 'document', 'sticker', 'location', 'reaction']);

/**
 * WhatsApp Cloud API webhook → events. Routed by `metadata.phone_number_id`; messages are
 * deduplicated by wamid, statuses by (wamid, status). Timestamps are strings of seconds. Each
 * message and status is read on its own: a malformed one is rejected with a reason, only a
 * body that is not this envelope (`object`, `entry[]`) is refused as a whole.
 */
export function parseWhatsAppWebhook(body: unknown, phoneNumberId: string): ParsedWebhook {
  const reader = new WebhookReader();
  for (const { entry, path: ep } of metaEntries(body, 'whatsapp_business_account', reader)) {
    if (entry.changes === undefined) continue;
    if (!Array.isArray(entry.changes)) {
      reader.rejectItem(entry, `${ep}.changes`, `expected an array, got ${typeName(entry.changes)}`);
      continue;
    }
    const changes: unknown[] = entry.changes;
    for (let j = 0; j < changes.length; j++) change(reader, changes[j], `${ep}.changes[${j}]`, phoneNumberId);
  }
  return reader.finish();
}

function change(reader: WebhookReader, c: unknown, cp: string, phoneNumberId: string): void {
  if (!isObject(c)) return reader.rejectItem(c, cp, `expected an object, got ${typeName(c)}`);
  const v = c.value;
  if (!isObject(v)) return reader.rejectItem(c, `${cp}.value`, `expected an object, got ${typeName(v)}`);
  if (v.metadata !== undefined) {
    const number = isObject(v.metadata) ? v.metadata.phone_number_id : undefined;
    if (typeof number !== 'string' && typeof number !== 'number') return reader.rejectItem(c, `${cp}.value.metadata.phone_number_id`, `expected a string id, got ${typeName(number)}`);
    if (String(number) !== phoneNumberId) return;
  }
  const names = new Map<string, string>();
  if (Array.isArray(v.contacts)) {
    // Names only help; a malformed contact is passed over.
    for (const ct of v.contacts.slice(0, INBOUND_LIMITS.events)) {
      if (!isObject(ct) || !isObject(ct.profile) || typeof ct.profile.name !== 'string' || typeof ct.wa_id !== 'string' || ct.wa_id.length > INBOUND_LIMITS.id) continue;
      names.set(ct.wa_id, text(ct.profile.name, '', INBOUND_LIMITS.label));
    }
  }
  for (const [field, read, keyOf] of [
    ['messages', (m: unknown, p: string) => message(m, p, names), messageKey],
    ['statuses', status, statusKey],
  ] as const) {
    const list = v[field];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      reader.rejectItem(c, `${cp}.value.${field}`, `expected an array, got ${typeName(list)}`);
      continue;
    }
    for (let k = 0; k < list.length; k++) {
      const item: unknown = list[k];
      const path = `${cp}.value.${field}[${k}]`;
      reader.read(item, path, () => keyOf(item), () => read(item, path));
    }
  }
}

const messageKey = (m: unknown) => (isObject(m) ? rejectedKey(m.id, (wamid) => `wamid:${wamid}`) : null);
const statusKey = (s: unknown) =>
  isObject(s) && typeof s.status === 'string' && /^[a-z_]{1,32}$/.test(s.status) ? rejectedKey(s.id, (wamid) => `status:${wamid}:${s.status}`) : null;

function message(m: unknown, path: string, names: ReadonlyMap<string, string>): InboundEvent {
  if (!isObject(m)) return reject(path, `expected an object, got ${typeName(m)}`);
  const wamid = id(m.id, `${path}.id`);
  const from = id(m.from, `${path}.from`);
  const type = m.type === undefined ? 'unknown' : identifier(m.type, `${path}.type`);
  const raw = own(m, type);
  const bp = `${path}.${type}`;
  if (OBJECT_BODIES.has(type) && raw !== undefined && !isObject(raw)) return reject(bp, `expected an object, got ${typeName(raw)}`);
  const media: Record<string, unknown> = isObject(raw) ? raw : {};
  const attachment: Record<string, unknown> = { type };
  if (type !== 'text') {
    put(attachment, 'providerId', optId(media.id, `${bp}.id`));
    put(attachment, 'mimeType', optText(media.mime_type, `${bp}.mime_type`, INBOUND_LIMITS.label));
    put(attachment, 'filename', optText(media.filename, `${bp}.filename`, INBOUND_LIMITS.label));
  }
  return {
    kind: 'message',
    eventKey: `wamid:${wamid}`,
    timestamp: seconds(m.timestamp, `${path}.timestamp`),
    userId: from,
    displayName: names.get(from),
    providerMessageId: wamid,
    contentType: type,
    text: textOf(type, raw, bp),
    attachments: type === 'text' ? [] : [attachment],
  };
}

function textOf(type: string, body: unknown, bp: string): string | null {
  if (type === 'text') {
    if (!isObject(body)) return reject(bp, `expected an object, got ${typeName(body)}`);
    return text(body.body, `${bp}.body`);
  }
  if (!isObject(body)) return null;
  switch (type) {
    case 'button':
      return optText(body.text, `${bp}.text`) ?? optText(body.payload, `${bp}.payload`) ?? '';
    case 'interactive': {
      const reply = isObject(body.button_reply) ? body.button_reply : isObject(body.list_reply) ? body.list_reply : null;
      return reply ? (optText(reply.title, `${bp}.title`) ?? optText(reply.id, `${bp}.id`) ?? '') : null;
    }
    default:
      return optText(body.caption, `${bp}.caption`) ?? null;
  }
}

function status(s: unknown, path: string): InboundEvent | null {
  if (!isObject(s)) return reject(path, `expected an object, got ${typeName(s)}`);
  const wamid = id(s.id, `${path}.id`);
  if (typeof s.status !== 'string') return reject(`${path}.status`, `expected a string, got ${typeName(s.status)}`);
  if (!STATUSES.has(s.status)) return null;
  let error: string | undefined;
  if (s.errors !== undefined && s.errors !== null) {
    if (!Array.isArray(s.errors)) return reject(`${path}.errors`, `expected an array, got ${typeName(s.errors)}`);
    const err: unknown = s.errors[0];
    if (err !== undefined) {
      if (!isObject(err)) return reject(`${path}.errors[0]`, `expected an object, got ${typeName(err)}`);
      if (err.code !== undefined && typeof err.code !== 'number' && typeof err.code !== 'string') return reject(`${path}.errors[0].code`, `expected a code, got ${typeName(err.code)}`);
      const code = err.code === undefined ? '' : text(String(err.code), `${path}.errors[0].code`, 64);
      const title = optText(err.title, `${path}.errors[0].title`, INBOUND_LIMITS.label) ?? optText(err.message, `${path}.errors[0].message`, INBOUND_LIMITS.label) ?? '';
      error = `${code} ${title}`.trim();
    }
  }
  return {
    kind: 'status',
    eventKey: `status:${wamid}:${s.status}`,
    timestamp: seconds(s.timestamp, `${path}.timestamp`),
    providerMessageId: wamid,
    status: s.status as 'sent' | 'delivered' | 'read' | 'failed',
    error,
  };
}
