import * as argon2 from 'argon2';

/**
 * argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane) rather than the library's
 * 64 MiB × 3 × 4: a login or password change then costs a few milliseconds of one thread
 * instead of hundreds spread over the shared libuv pool, so a burst of them (throttled per
 * address and account anyway) no longer starves everything else that needs that pool. Hashes
 * made with other parameters still verify: argon2 stores them in the hash.
 */
export const PASSWORD_HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string) => argon2.hash(password, PASSWORD_HASH_OPTIONS);
