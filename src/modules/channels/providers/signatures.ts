import { createHmac, timingSafeEqual } from 'crypto';

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** LINE: `X-Line-Signature` = base64(HMAC-SHA256(channel secret, raw body)). */
export function lineSignature(secret: string, raw: Buffer): string {
  return createHmac('sha256', secret).update(raw).digest('base64');
}

export function verifyLineSignature(secret: string, raw: Buffer, header: string | undefined): boolean {
  if (!header) return false;
  return safeEqual(Buffer.from(lineSignature(secret, raw)), Buffer.from(header.trim()));
}

/** Meta (Messenger, Instagram, WhatsApp): `X-Hub-Signature-256` = `sha256=` + hex(HMAC-SHA256(app secret, raw body)). */
export function metaSignature(secret: string, raw: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
}

export function verifyMetaSignature(secrets: readonly string[], raw: Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const given = Buffer.from(header.trim().toLowerCase());
  return secrets.some((s) => safeEqual(Buffer.from(metaSignature(s, raw)), given));
}
