import { api, ok, type Schemas, type Unit } from '../api/client';

export type Role = Schemas['RoleDto'];

/**
 * Units and roles change rarely and every member may list them; the inbox screens share one
 * fetch per session (a failed fetch is forgotten so the next caller retries).
 */
let units: Promise<Unit[]> | null = null;
let roles: Promise<Role[]> | null = null;

export function loadUnits(): Promise<Unit[]> {
  units ??= ok(api.GET('/api/v1/units')).then((r) => r.items);
  units.catch(() => (units = null));
  return units;
}

export function loadRoles(): Promise<Role[]> {
  roles ??= ok(api.GET('/api/v1/roles')).then((r) => r.items);
  roles.catch(() => (roles = null));
  return roles;
}
