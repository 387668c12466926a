import { createParamDecorator, ExecutionContext, SetMetadata, UnauthorizedException } from '@nestjs/common';
import type { Permission } from './permissions';
import type { Viewer } from './viewer';

export const ACCESS_RULE = 'omni:access-rule';

/**
 * How a route is authorized. Every route declares exactly one (a test enumerates them):
 * - `public`: no token (signup, login, provider webhooks, health);
 * - `authenticated`: any active member;
 * - `permission`: the member's role holds all the permissions, checked by the guard;
 * - `resource`: the permission applies to one conversation/customer and is checked by the
 *   AccessPolicy after readability, so an unreadable resource answers 404 before 403.
 */
export type AccessRule =
  | { kind: 'public' }
  | { kind: 'authenticated' }
  | { kind: 'permission'; permissions: Permission[] }
  | { kind: 'resource'; resource: 'conversation' | 'customer'; permission?: Permission };

export const Public = () => SetMetadata(ACCESS_RULE, { kind: 'public' } satisfies AccessRule);
export const Authenticated = () => SetMetadata(ACCESS_RULE, { kind: 'authenticated' } satisfies AccessRule);
export const RequirePermissions = (...permissions: Permission[]) =>
  SetMetadata(ACCESS_RULE, { kind: 'permission', permissions } satisfies AccessRule);
export const ResourceAccess = (resource: 'conversation' | 'customer', permission?: Permission) =>
  SetMetadata(ACCESS_RULE, { kind: 'resource', resource, permission } satisfies AccessRule);

export interface RequestWithViewer {
  viewer?: Viewer;
  headers: Record<string, string | string[] | undefined>;
}

export const CurrentViewer = createParamDecorator((_: unknown, ctx: ExecutionContext): Viewer => {
  const viewer = ctx.switchToHttp().getRequest<RequestWithViewer>().viewer;
  if (!viewer) throw new UnauthorizedException();
  return viewer;
});
