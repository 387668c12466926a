import { createHmac, timingSafeEqual } from 'crypto';

/**
 * The signed, expiring tokens of `PUBLIC_URL/media/<token>`: providers fetch outbound media
 * by URL, without our credentials. A token names one attachment (and its org) and an expiry,
 * and is signed with HMAC-SHA256; `verify` returns null for anything forged, altered or expired.
 */
export interface MediaTokenClaims {
  orgId: string;
  attachmentId: string;
  /** Seconds since 1970. */
  expiresAt: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const b64 = (b: Buffer) => b.toString('base64url');

export class MediaTokens {
  constructor(private readonly key: Buffer) {}

  /** A key of its own for media URLs, derived from a server secret (never the secret itself). */
  static fromSecret(secret: string): MediaTokens {
    return new MediaTokens(createHmac('sha256', secret).update('omni-inbox media url v1').digest());
  }

  sign(claims: MediaTokenClaims): string {
    const payload = `${claims.attachmentId}.${claims.orgId}.${claims.expiresAt.toString(36)}`;
    return `${b64(Buffer.from(payload))}.${this.mac(payload)}`;
  }

  verify(token: string, now: Date = new Date()): MediaTokenClaims | null {
    if (typeof token !== 'string' || token.length > 400) return null;
    const dot = token.indexOf('.');
    if (dot <= 0 || dot !== token.lastIndexOf('.')) return null;
    const payload = Buffer.from(token.slice(0, dot), 'base64url').toString('utf8');
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.mac(payload), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const [attachmentId, orgId, exp, ...rest] = payload.split('.');
    if (rest.length || !UUID.test(attachmentId ?? '') || !UUID.test(orgId ?? '') || !/^[0-9a-z]{1,12}$/.test(exp ?? '')) return null;
    const expiresAt = parseInt(exp, 36);
    if (expiresAt * 1000 <= now.getTime()) return null;
    return { orgId, attachmentId, expiresAt };
  }

  private mac(payload: string): string {
    return b64(createHmac('sha256', this.key).update(payload).digest());
  }
}
