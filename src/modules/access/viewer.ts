import type { BuiltinRole } from '../roles/role.entity';
import type { Permission } from './permissions';

/**
 * The authenticated member as every visibility decision sees it, loaded fresh from the
 * database on each request and socket event (so permission changes apply at once).
 */
export interface Viewer {
  memberId: string;
  orgId: string;
  email: string;
  displayName: string;
  unitId: string;
  /** Materialized path of the member's unit: `/<rootId>/…/<unitId>/`. */
  unitPath: string;
  unitDepth: number;
  roleId: string;
  roleName: string;
  builtinRole: BuiltinRole | null;
  permissions: ReadonlySet<Permission>;
  /** Channel scope; empty = every channel account of the org. */
  channelAccountIds: readonly string[];
  tokenVersion: number;
}
