import { lineSignature, metaSignature, verifyLineSignature, verifyMetaSignature } from './signatures';

// Test vectors from ../shared/CHANNELS.md (LINE's from the official Node SDK's tests).
describe('provider signatures', () => {
  it('LINE: base64 HMAC-SHA256 of the raw body', () => {
    const body = Buffer.from('{"hello":"world"}');
    expect(lineSignature('test_secret', body)).toBe('t7Hn4ZDHqs6e+wdvI5TyQIvzie0DmMUmuXEBqyyE/tM=');
    expect(verifyLineSignature('test_secret', body, 't7Hn4ZDHqs6e+wdvI5TyQIvzie0DmMUmuXEBqyyE/tM=')).toBe(true);
    expect(verifyLineSignature('test_secret', body, 't7Hn4ZDHqs6e+wdvI5TyQIvzie0DmMUmuXEBqyyE/tN=')).toBe(false);
    expect(verifyLineSignature('other', body, 't7Hn4ZDHqs6e+wdvI5TyQIvzie0DmMUmuXEBqyyE/tM=')).toBe(false);
    expect(verifyLineSignature('test_secret', body, undefined)).toBe(false);
    expect(verifyLineSignature('test_secret', body, 'short')).toBe(false);
  });

  it('Meta: sha256=<hex> of the raw body, either configured secret', () => {
    const body = Buffer.from('test');
    const expected = 'sha256=0c61947b610d4f45e65f3d680e26027121ec2413e77598bcb6cfc6e0d9888221';
    expect(metaSignature('TEST_APP_SECRET', body)).toBe(expected);
    expect(verifyMetaSignature(['TEST_APP_SECRET'], body, expected)).toBe(true);
    expect(verifyMetaSignature(['other', 'TEST_APP_SECRET'], body, expected)).toBe(true);
    expect(verifyMetaSignature(['other'], body, expected)).toBe(false);
    expect(verifyMetaSignature(['TEST_APP_SECRET'], Buffer.from('test '), expected)).toBe(false);
    expect(verifyMetaSignature(['TEST_APP_SECRET'], body, undefined)).toBe(false);
  });
});
