import * as argon2 from 'argon2';
import { hashPassword } from './password-hash';

describe('hashPassword', () => {
  it('stores argon2id at 19 MiB, 2 passes, 1 lane, and verifies', async () => {
    const hash = await hashPassword('台中北屯-1234');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    await expect(argon2.verify(hash, '台中北屯-1234')).resolves.toBe(true);
    await expect(argon2.verify(hash, '台中北屯-1235')).resolves.toBe(false);
  });

  it('leaves hashes made with the earlier parameters valid', async () => {
    const earlier = await argon2.hash('舊密碼-5678', { type: argon2.argon2id });
    expect(earlier).toMatch(/m=65536,p=4,t=3/);
    await expect(argon2.verify(earlier, '舊密碼-5678')).resolves.toBe(true);
  });
});
