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
  /** The one token (by jti) still accepted at `tokenVersion - 1`: the session that changed the password. */
  tokenKeepJti?: string | null;
  /**
   * When the earliest of the member's live temporary grants expires (epoch ms), null without
   * any: a cached copy of this Viewer is stale from then on.
   */
  grantsExpireAt: number | null;
}
