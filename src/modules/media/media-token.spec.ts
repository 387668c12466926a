import { randomUUID } from 'crypto';
import { MediaTokens } from './media-token';

describe('MediaTokens (signed media URLs)', () => {
  const tokens = MediaTokens.fromSecret('test-jwt-secret-0123456789abcdef');
  const claims = { orgId: randomUUID(), attachmentId: randomUUID(), expiresAt: Math.floor(Date.now() / 1000) + 3600 };

  it('verifies its own token and returns the claims', () => {
    const t = tokens.sign(claims);
    expect(t).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(tokens.verify(t)).toEqual(claims);
  });

  it('refuses an expired token', () => {
    const t = tokens.sign(claims);
    expect(tokens.verify(t, new Date((claims.expiresAt + 1) * 1000))).toBeNull();
    expect(tokens.verify(t, new Date(claims.expiresAt * 1000))).toBeNull();
    expect(tokens.verify(t, new Date((claims.expiresAt - 1) * 1000))).toEqual(claims);
  });

  it('refuses a token naming another attachment or a later expiry (signature mismatch)', () => {
    const t = tokens.sign(claims);
    const [, sig] = t.split('.');
    const other = Buffer.from(`${randomUUID()}.${claims.orgId}.${claims.expiresAt.toString(36)}`).toString('base64url');
    expect(tokens.verify(`${other}.${sig}`)).toBeNull();
    const later = Buffer.from(`${claims.attachmentId}.${claims.orgId}.${(claims.expiresAt + 86400).toString(36)}`).toString('base64url');
    expect(tokens.verify(`${later}.${sig}`)).toBeNull();
  });

  it('refuses tokens signed with another secret, and garbage', () => {
    const foreign = MediaTokens.fromSecret('another-secret-0123456789abcdef').sign(claims);
    expect(tokens.verify(foreign)).toBeNull();
    for (const junk of ['', '.', 'abc', 'a.b.c', 'x'.repeat(1000), `${tokens.sign(claims)}x`]) expect(tokens.verify(junk)).toBeNull();
  });
});
