import { randomBytes } from 'crypto';

// Crockford base32 without look-alikes: easy to read aloud, safe in URLs and chat text.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newBindingToken(): string {
  const bytes = randomBytes(12);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % 32];
  return `OMNI-${out}`;
}

const TOKEN_IN_TEXT = /\bOMNI-([0-9A-HJKMNP-TV-Z]{12})\b/i;
export const POSTBACK_PREFIX = 'omni-bind=';

/** The text a customer sends to bind (and what we look for in inbound messages). */
export const bindingText = (token: string, unitName: string) => `我要綁定「${unitName}」 ${token}`;
export const bindingPostback = (token: string) => `${POSTBACK_PREFIX}${token}`;

/** A binding token carried by a message text or a postback payload, if any. */
export function findBindingToken(text: string | null | undefined): string | null {
  if (!text) return null;
  if (text.startsWith(POSTBACK_PREFIX)) {
    const t = text.slice(POSTBACK_PREFIX.length).trim();
    return TOKEN_IN_TEXT.test(t) ? t.toUpperCase() : null;
  }
  const m = TOKEN_IN_TEXT.exec(text);
  return m ? `OMNI-${m[1].toUpperCase()}` : null;
}

export const bindingConfirmation = (unitName: string) => `您好,已成功與「${unitName}」綁定,謝謝`;
