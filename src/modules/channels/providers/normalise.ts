import { createHash } from 'crypto';
import { InboundEvent, isObject, MalformedPayloadError, ParsedWebhook, RejectedInboundEvent } from './inbound-event';

/**
 * Bounds on what a provider payload may put in the database (docs/inbound-validation.md).
 * Text is cut to its bound; an id, key or structured field out of bounds rejects its event.
 */
export const INBOUND_LIMITS = {
  /**
   * Message, postback and caption text, in UTF-16 code units after normalisation. 4× the
   * largest documented provider limit (LINE: 5,000 characters; WhatsApp 4,096; Messenger
   * 2,000): never reached by a genuine message, longer text is cut.
   */
  text: 20_000,
  /** Provider ids and dedup keys (user ids, message ids, webhookEventId, mid, wamid). */
  id: 256,
  /** Short human text kept beside a message: names, titles, addresses, file names, MIME types, error texts (cut). */
  label: 1_000,
  /** Attachment URLs (Messenger / Instagram CDN links are a few hundred characters). */
  url: 4_096,
  /** Attachments kept per message; the rest are dropped. */
  attachments: 10,
  /** Events (and items holding events) read per webhook; WhatsApp documents batches of up to 1,000. */
  events: 1_000,
  /** Characters of a rejected event's JSON kept for investigation. */
  excerpt: 500,
  /** Characters of a rejection reason. */
  reason: 500,
} as const;

/** Thrown while reading one event: that event is rejected with this reason, the others go on. */
export class EventRejected extends Error {}

export function reject(path: string, problem: string): never {
  throw new EventRejected(`${path}: ${problem}`);
}

const NUL = /\u0000/g;
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/; // no `g`: `test` keeps no state
const CONTROL = /[\u0000-\u001F\u007F]/;
const IDENTIFIER = /^[A-Za-z0-9_.-]{1,64}$/;
/** 9999-12-31T23:59:59.999Z: later "timestamps" are not times. */
const MAX_TIME = 253_402_300_799_999;

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  const t = typeof v;
  return t === 'object' ? 'an object' : t === 'undefined' ? 'nothing' : `a ${t}`;
}

/** NUL (refused by PostgreSQL in text and jsonb) and lone surrogates (refused in jsonb) become U+FFFD. */
export function cleanText(s: string): string {
  return s.replace(NUL, '\uFFFD').replace(LONE_SURROGATES, '\uFFFD');
}

/** The first `max` UTF-16 code units, never ending inside a surrogate pair. */
export function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const c = s.charCodeAt(max - 1);
  return s.slice(0, c >= 0xd800 && c <= 0xdbff ? max - 1 : max);
}

const absent = (v: unknown): v is undefined | null => v === undefined || v === null;

/** Customer text: cut to `max`, NUL and lone surrogates replaced by U+FFFD. */
export function text(v: unknown, path: string, max: number = INBOUND_LIMITS.text): string {
  if (typeof v !== 'string') reject(path, `expected a string, got ${typeName(v)}`);
  return cleanText(cut(v, max));
}

export function optText(v: unknown, path: string, max: number = INBOUND_LIMITS.text): string | undefined {
  return absent(v) ? undefined : text(v, path, max);
}

/** A provider id or dedup key: 1–256 characters, no control characters, well-formed; anything else rejects the event. */
export function id(v: unknown, path: string): string {
  if (typeof v !== 'string') reject(path, `expected a string id, got ${typeName(v)}`);
  if (v.length === 0 || v.length > INBOUND_LIMITS.id) reject(path, `expected an id of 1 to ${INBOUND_LIMITS.id} characters, got ${v.length}`);
  if (CONTROL.test(v) || LONE_SURROGATE.test(v)) reject(path, 'an id may not hold control characters (NUL…) or lone surrogates');
  return v;
}

export function optId(v: unknown, path: string): string | undefined {
  return absent(v) ? undefined : id(v, path);
}

/** A type name (`message.type`, an attachment's type): letters, digits, `_ . -`, at most 64. */
export function identifier(v: unknown, path: string): string {
  if (typeof v !== 'string' || !IDENTIFIER.test(v)) reject(path, `expected a type name (letters, digits, _ . -; at most 64), got ${typeName(v)}`);
  return v;
}

export function optNumber(v: unknown, path: string): number | undefined {
  if (absent(v)) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) reject(path, `expected a number, got ${typeName(v)}`);
  return v;
}

export function optUrl(v: unknown, path: string): string | undefined {
  if (absent(v)) return undefined;
  if (typeof v !== 'string') reject(path, `expected a URL string, got ${typeName(v)}`);
  if (v.length > INBOUND_LIMITS.url) reject(path, `URL longer than ${INBOUND_LIMITS.url} characters`);
  if (CONTROL.test(v) || LONE_SURROGATE.test(v)) reject(path, 'a URL may not hold control characters or lone surrogates');
  return v;
}

/** Milliseconds since 1970 (LINE, Messenger, Instagram); missing = now. */
export function millis(v: unknown, path: string): Date {
  if (absent(v)) return new Date();
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_TIME) reject(path, 'expected milliseconds since 1970 (an integer up to year 9999)');
  return new Date(v);
}

/** Seconds since 1970 as a string of digits (WhatsApp) or a number; missing = now. */
export function seconds(v: unknown, path: string): Date {
  if (absent(v)) return new Date();
  const n = typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : typeof v === 'number' ? v : NaN;
  if (!Number.isInteger(n) || n < 0 || n * 1000 > MAX_TIME) reject(path, 'expected seconds since 1970 (a string of digits up to year 9999)');
  return new Date(n * 1000);
}

/** Sets `key` only when there is a value (the stored JSON holds no nulls for missing fields). */
export function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value;
}

/** An own property only (never `__proto__`, `constructor`… from the prototype). */
export function own(o: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

/**
 * The dedup key a rejected event would have had: `make(id)` for a readable id, a hash of an
 * id out of bounds (a redelivery still finds it), null when there is no id at all.
 */
export function rejectedKey(raw: unknown, make: (id: string) => string): string | null {
  if (typeof raw !== 'string' || raw.length === 0) return null;
  try {
    return make(id(raw, ''));
  } catch {
    return make(`sha256:${createHash('sha256').update(raw).digest('hex')}`);
  }
}

/**
 * The start of a value's JSON, at most `max` characters, NUL removed. Written piece by piece
 * and stopped at `max`: a 10,000-level or 100,000-item value costs no more than a small one
 * (JSON.stringify would recurse to the bottom, and overflow the stack).
 */
export function excerpt(v: unknown, max: number = INBOUND_LIMITS.excerpt): string {
  let out = '';
  const str = (s: string) => JSON.stringify(cut(s, max).replace(NUL, ''));
  const write = (s: string): boolean => {
    out += s;
    return out.length < max;
  };
  const walk = (x: unknown, depth: number): boolean => {
    if (depth > 100) return write('…');
    if (x === null || typeof x === 'boolean') return write(String(x));
    if (typeof x === 'number') return write(Number.isFinite(x) ? String(x) : 'null');
    if (typeof x === 'string') return write(str(x));
    if (x instanceof Date) return write(Number.isNaN(x.getTime()) ? 'null' : JSON.stringify(x.toISOString()));
    if (Array.isArray(x)) {
      if (!write('[')) return false;
      for (let i = 0; i < x.length; i++) {
        if (i > 0 && !write(',')) return false;
        if (!walk(x[i], depth + 1)) return false;
      }
      return write(']');
    }
    if (typeof x === 'object') {
      if (!write('{')) return false;
      let first = true;
      for (const k in x) {
        if (!Object.prototype.hasOwnProperty.call(x, k)) continue;
        const val = (x as Record<string, unknown>)[k];
        if (val === undefined || typeof val === 'function') continue;
        if (!first && !write(',')) return false;
        first = false;
        if (!write(`${str(k)}:`)) return false;
        if (!walk(val, depth + 1)) return false;
      }
      return write('}');
    }
    return write('null');
  };
  walk(v, 0);
  return cut(out, max);
}

/** A rejection reason as stored: bounded, no NUL. */
export function reasonText(s: string): string {
  return cleanText(cut(s, INBOUND_LIMITS.reason));
}

/**
 * Collects a webhook's events one at a time: whatever goes wrong while reading one (wrong
 * types, ids out of bounds, or any exception) rejects that one only, with a reason. At most
 * `INBOUND_LIMITS.events` are read; the rest are recorded as one rejection.
 */
export class WebhookReader {
  private readonly events: InboundEvent[] = [];
  private readonly rejected: RejectedInboundEvent[] = [];
  private seen = 0;
  private over = 0;
  private firstOver: { raw: unknown; path: string } | null = null;

  /** Reads one item with `read` (null = nothing to store: standby, echoes, other accounts…). */
  read(raw: unknown, path: string, key: () => string | null, read: () => InboundEvent | null): void {
    if (this.seen >= INBOUND_LIMITS.events) {
      this.over++;
      this.firstOver ??= { raw, path };
      return;
    }
    this.seen++;
    try {
      const event = read();
      if (event) this.events.push(event);
    } catch (e) {
      const reason = e instanceof EventRejected ? e.message : `${path}: unreadable (${e instanceof Error ? e.message : String(e)})`;
      let eventKey: string | null = null;
      try {
        eventKey = key();
      } catch {
        eventKey = null;
      }
      this.rejected.push({ eventKey, reason: reasonText(reason), excerpt: excerpt(raw) });
    }
  }

  /** Rejects one item that holds events (an entry, a change) as a whole. */
  rejectItem(raw: unknown, path: string, problem: string): void {
    this.read(raw, path, () => null, () => reject(path, problem));
  }

  finish(): ParsedWebhook {
    if (this.firstOver) {
      this.rejected.push({
        eventKey: null,
        reason: reasonText(`${this.firstOver.path} and after: ${this.over} more than the ${INBOUND_LIMITS.events} events read per webhook (not read)`),
        excerpt: excerpt(this.firstOver.raw),
      });
    }
    return { events: this.events.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime()), rejected: this.rejected };
  }
}

/**
 * The entries of a Meta envelope (`{object, entry: [...]}`: Messenger, Instagram, WhatsApp).
 * A body that is not the envelope is refused whole; an entry that is not an object is
 * rejected on its own and skipped.
 */
export function* metaEntries(body: unknown, object: string, reader: WebhookReader): Generator<{ entry: Record<string, any>; path: string }> {
  if (!isObject(body) || !Array.isArray(body.entry)) throw new MalformedPayloadError('webhook: entry[] is required');
  if (body.object !== object) throw new MalformedPayloadError(`webhook: expected object "${object}"`);
  const entries: unknown[] = body.entry;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    const path = `entry[${i}]`;
    if (!isObject(entry)) {
      reader.rejectItem(entry, path, `expected an object, got ${typeName(entry)}`);
      continue;
    }
    yield { entry, path };
  }
}
