import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'crypto';
import type { Viewer } from './viewer';
import { ViewerRepository } from './viewer.repository';

export interface AccessTokenClaims {
  sub: string;
  org: string;
  /** The member's token version when issued; bumping it revokes every older token. */
  tv: number;
  /** Random per token: lets a password change keep the session that made it. */
  jti?: string;
}

/** Clock difference tolerated between the issuing and the verifying process. */
export const TOKEN_CLOCK_SKEW_SECONDS = 60;

/**
 * jsonwebtoken only checks `exp` when present: a token without one (signed by hand or another
 * tool with the same secret) would never expire. Ours always carry `iat` and `exp`; anything
 * else, or one issued in the future beyond the skew, or expiring before it was issued, is refused.
 */
export function hasSaneLifetime(claims: { iat?: unknown; exp?: unknown }, nowSeconds = Date.now() / 1000): boolean {
  const { iat, exp } = claims;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return false;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) return false;
  return iat <= nowSeconds + TOKEN_CLOCK_SKEW_SECONDS && exp > iat && exp > nowSeconds;
}

/** Issues and resolves access tokens; REST and the socket handshake resolve them the same way. */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly viewers: ViewerRepository,
  ) {}

  issue(member: { id: string; orgId: string; tokenVersion: number }): Promise<string> {
    const claims: AccessTokenClaims = { sub: member.id, org: member.orgId, tv: member.tokenVersion, jti: randomUUID() };
    return this.jwt.signAsync(claims);
  }

  /** The `jti` of a token this service issued (already verified by the caller), or null. */
  jtiOf(token: string): string | null {
    const claims = this.jwt.decode<AccessTokenClaims | null>(token);
    return typeof claims?.jti === 'string' ? claims.jti : null;
  }

  /** The active member behind a token, or null for a bad, expired, revoked or deactivated one. */
  async resolve(token: string | undefined): Promise<Viewer | null> {
    if (!token) return null;
    let claims: AccessTokenClaims & { iat?: unknown; exp?: unknown };
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims & { iat?: unknown; exp?: unknown }>(token);
    } catch {
      return null;
    }
    if (!hasSaneLifetime(claims)) return null;
    if (typeof claims.sub !== 'string' || typeof claims.org !== 'string') return null;
    if (!/^[0-9a-f-]{36}$/i.test(claims.sub) || !/^[0-9a-f-]{36}$/i.test(claims.org)) return null;
    const viewer = await this.viewers.findActive(claims.org, claims.sub);
    if (!viewer) return null;
    if (viewer.tokenVersion === claims.tv) return viewer;
    const kept = !!viewer.tokenKeepJti && claims.jti === viewer.tokenKeepJti && claims.tv === viewer.tokenVersion - 1;
    return kept ? viewer : null;
  }
}
