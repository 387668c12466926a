import { randomBytes } from 'crypto';
import { decryptSecret, encryptSecret } from './secrets-cipher';

describe('secrets at rest (AES-256-GCM)', () => {
  const key = randomBytes(32);

  it('round-trips and never stores the plaintext', () => {
    const sealed = encryptSecret(key, 'channel-secret-123');
    expect(sealed).not.toContain('channel-secret-123');
    expect(sealed.startsWith('v1:')).toBe(true);
    expect(decryptSecret(key, sealed)).toBe('channel-secret-123');
  });

  it('uses a fresh IV each time', () => {
    expect(encryptSecret(key, 'same')).not.toBe(encryptSecret(key, 'same'));
  });

  it('refuses a tampered ciphertext or the wrong key', () => {
    const sealed = encryptSecret(key, 'token');
    const parts = sealed.split(':');
    const ct = Buffer.from(parts[3], 'base64');
    ct[0] ^= 1;
    parts[3] = ct.toString('base64');
    expect(() => decryptSecret(key, parts.join(':'))).toThrow();
    expect(() => decryptSecret(randomBytes(32), sealed)).toThrow();
  });
});
