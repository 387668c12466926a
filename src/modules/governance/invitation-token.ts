import { createHmac, timingSafeEqual } from 'crypto';

/**
 * An invitation link's token: the invitation id and an HMAC of it under the server's signing
 * secret. Nothing secret is stored, so the email job (whose payload carries the id only) can
 * rebuild the link, and a guessed id alone is worthless.
 */
export function invitationToken(secret: string, id: string): string {
  return `${id}.${mac(secret, id)}`;
}

/** The invitation id a token names, or null when it was not issued by us. */
export function verifyInvitationToken(secret: string, token: string): string | null {
  const m = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/i.exec(token);
  if (!m) return null;
  const expected = Buffer.from(mac(secret, m[1]));
  const given = Buffer.from(m[2]);
  return expected.length === given.length && timingSafeEqual(expected, given) ? m[1].toLowerCase() : null;
}

function mac(secret: string, id: string): string {
  return createHmac('sha256', secret).update(`invitation:${id.toLowerCase()}`).digest('base64url');
}
