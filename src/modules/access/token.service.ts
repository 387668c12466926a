import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { Viewer } from './viewer';
import { ViewerRepository } from './viewer.repository';

export interface AccessTokenClaims {
  sub: string;
  org: string;
  /** The member's token version when issued; bumping it revokes every older token. */
  tv: number;
}

/** Issues and resolves access tokens; REST and the socket handshake resolve them the same way. */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly viewers: ViewerRepository,
  ) {}

  issue(member: { id: string; orgId: string; tokenVersion: number }): Promise<string> {
    const claims: AccessTokenClaims = { sub: member.id, org: member.orgId, tv: member.tokenVersion };
    return this.jwt.signAsync(claims);
  }

  /** The active member behind a token, or null for a bad, expired, revoked or deactivated one. */
  async resolve(token: string | undefined): Promise<Viewer | null> {
    if (!token) return null;
    let claims: AccessTokenClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims>(token);
    } catch {
      return null;
    }
    if (typeof claims.sub !== 'string' || typeof claims.org !== 'string') return null;
    if (!/^[0-9a-f-]{36}$/i.test(claims.sub) || !/^[0-9a-f-]{36}$/i.test(claims.org)) return null;
    const viewer = await this.viewers.findActive(claims.org, claims.sub);
    if (!viewer || viewer.tokenVersion !== claims.tv) return null;
    return viewer;
  }
}
