import { ExecutionContext, Injectable } from '@nestjs/common';
import { normalizeIp, ThrottlerGuard, ThrottlerOptions } from '@nestjs/throttler';
import { createHash } from 'crypto';

/** Counters per client address *and* account (per route): brute force on one account is stopped… */
export const CREDENTIALS_THROTTLER = 'credentials';
/** …and per client address over every account and credential route: one address cannot try 50 accounts. */
export const ADDRESS_THROTTLER = 'address';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * The client address the counters use: `req.ip`, which `TRUST_PROXY` decides (app.setup.ts);
 * IPv6 clients are counted per /64 (one subscriber's prefix), IPv4-mapped addresses as IPv4.
 */
export function clientAddress(req: Record<string, any>): string {
  return normalizeIp(String(req.ip ?? req.socket?.remoteAddress ?? 'unknown'));
}

/** The account a login (`email`) or signup (`adminEmail`) names. */
export function credentialAccount(req: Record<string, any>): string {
  const body = (req.body ?? {}) as { email?: unknown; adminEmail?: unknown };
  const account = body.email ?? body.adminEmail;
  return typeof account === 'string' ? account.trim().toLowerCase() : '';
}

/**
 * The two credential throttlers: `limit` per address + account per window, and `addressLimit`
 * per address, whichever account is named. Keys are hashed (no email or address in Redis).
 */
export function credentialThrottlers(cfg: { limit: number; ttlMs: number; addressLimit: number }): ThrottlerOptions[] {
  return [
    {
      name: CREDENTIALS_THROTTLER,
      ttl: cfg.ttlMs,
      limit: cfg.limit,
      getTracker: (req) => `${clientAddress(req)}|${credentialAccount(req)}`,
      generateKey: (ctx: ExecutionContext, tracker: string) => sha256(`${ctx.getClass().name}-${ctx.getHandler().name}-${tracker}`),
    },
    {
      name: ADDRESS_THROTTLER,
      ttl: cfg.ttlMs,
      limit: cfg.addressLimit,
      getTracker: (req) => clientAddress(req),
      generateKey: (_ctx: ExecutionContext, tracker: string) => sha256(`address-${tracker}`),
    },
  ];
}

/**
 * Rate limit for credential endpoints (login, signup), counted in Redis so every API process
 * shares the counters (RedisThrottlerStorage). Tracked per client address *and* account, so one
 * office behind a NAT does not lock everyone out while brute force on one account is stopped,
 * and per address across accounts, so spraying many accounts from one address is stopped too.
 */
@Injectable()
export class CredentialThrottlerGuard extends ThrottlerGuard {}
