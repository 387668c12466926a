import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ACCESS_RULE, AccessRule, RequestWithViewer } from './access.decorators';
import { AccessPolicy } from './access.policy';
import { TokenService } from './token.service';

/** Global guard: authenticates the bearer token and enforces each route's declared AccessRule. */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly policy: AccessPolicy,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [ctx.getHandler(), ctx.getClass()]);
    // A route that forgot to declare its rule is closed, not open.
    if (!rule) throw new ForbiddenException('This route declares no access rule');
    if (rule.kind === 'public') return true;

    const req = ctx.switchToHttp().getRequest<RequestWithViewer>();
    const header = req.headers['authorization'];
    const token = typeof header === 'string' && /^Bearer\s+/i.test(header) ? header.replace(/^Bearer\s+/i, '').trim() : undefined;
    const viewer = await this.tokens.resolve(token);
    if (!viewer) throw new UnauthorizedException('Missing, invalid or expired access token');
    req.viewer = viewer;

    if (rule.kind === 'permission') this.policy.assertPermissions(viewer, rule.permissions);
    return true;
  }
}
