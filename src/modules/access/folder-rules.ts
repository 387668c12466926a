import { Folder, FOLDER_PERMISSION, FOLDERS, Permission } from './permissions';
import type { Viewer } from './viewer';

export type ConversationStatus = 'open' | 'done' | 'trashed';

/**
 * What the folder rules need to know about one conversation. Unit references are
 * materialized paths (`/<root>/…/<unit>/`) so subtree tests are prefix tests, exactly as
 * the folder SQL and the socket audience query do them.
 */
export interface ConversationFacts {
  status: ConversationStatus;
  channelAccountId: string;
  assigneeId: string | null;
  assigneeUnitPath: string | null;
  /** The most recent assignment (current or ended): decides `done` / `trash` scope. */
  lastAssigneeId: string | null;
  lastAssigneeUnitPath: string | null;
  boundUnitPath: string | null;
  /**
   * Routing's home unit (the unit transferred to, else the bound unit, else the channel
   * account's routing unit): a waiting conversation is `unassigned` for that unit and its
   * ancestors only. Absent in hand-built facts: the bound unit.
   */
  homeUnitPath?: string | null;
  /** Members who held an assignment of this conversation that has ended. */
  endedAssigneeIds: readonly string[];
  /** Units of members who sent private messages or held private sessions here. */
  privateUnitPaths: readonly string[];
  /** The org's directory version when these facts were read (see OrgDirectory); absent in hand-built facts. */
  directoryVersion?: number;
}

/** The unit whose subtree's ancestors see a waiting conversation in `unassigned`. */
export function homeOf(c: ConversationFacts): string | null {
  return c.homeUnitPath === undefined ? c.boundUnitPath : c.homeUnitPath;
}

/** `path` is `unitPath` or below it. */
export function inSubtree(path: string | null, unitPath: string): boolean {
  return path !== null && path.startsWith(unitPath);
}

/** `path` is strictly below `unitPath`. */
export function strictlyBelow(path: string | null, unitPath: string): boolean {
  return path !== null && path.length > unitPath.length && path.startsWith(unitPath);
}

/** `path` is `unitPath` itself or one of its direct children. */
export function selfOrChild(path: string | null, unitPath: string): boolean {
  if (path === null || !path.startsWith(unitPath)) return false;
  const rest = path.slice(unitPath.length);
  return rest === '' || rest.indexOf('/') === rest.length - 1;
}

export function withinChannelScope(viewer: Pick<Viewer, 'channelAccountIds'>, channelAccountId: string): boolean {
  return viewer.channelAccountIds.length === 0 || viewer.channelAccountIds.includes(channelAccountId);
}

/** The folders the viewer's role opens, whatever their content (for /me and GET /folders). */
export function availableFolders(viewer: Pick<Viewer, 'permissions'>): Folder[] {
  const p = viewer.permissions;
  if (!p.has(Permission.InboxAccess)) return [];
  return FOLDERS.filter((f) => {
    if (!p.has(FOLDER_PERMISSION[f])) return false;
    return f !== 'private' || p.has(Permission.ConversationPrivateView);
  });
}

/** Whether one conversation belongs to one folder for this viewer, ignoring role and channel scope. */
export function folderContains(folder: Folder, viewer: Viewer, c: ConversationFacts): boolean {
  const U = viewer.unitPath;
  const open = c.status === 'open';
  switch (folder) {
    case 'unassigned':
      return open && c.assigneeId === null && (homeOf(c) === null || inSubtree(homeOf(c), U));
    case 'assigned':
      return open && c.assigneeId === viewer.memberId;
    case 'department':
      return open && c.assigneeId !== null && selfOrChild(c.assigneeUnitPath, U);
    case 'subordinates':
      return open && c.assigneeId !== null && strictlyBelow(c.assigneeUnitPath, U);
    case 'bound':
      return c.status !== 'trashed' && c.boundUnitPath === U;
    case 'subordinate_bound':
      return c.status !== 'trashed' && strictlyBelow(c.boundUnitPath, U);
    case 'previously_handled':
      return c.endedAssigneeIds.includes(viewer.memberId) && c.assigneeId !== viewer.memberId;
    case 'private':
      return c.privateUnitPaths.some((p) => inSubtree(p, U));
    case 'done':
    case 'trash':
      return (
        c.status === (folder === 'done' ? 'done' : 'trashed') &&
        (inSubtree(c.lastAssigneeUnitPath, U) || inSubtree(c.boundUnitPath, U) || c.lastAssigneeId === viewer.memberId)
      );
    case 'all':
      return true;
  }
}

/** SPEC §3: the viewer's folders that hold this conversation. Empty = the viewer cannot read it. */
export function foldersOf(viewer: Viewer, c: ConversationFacts): Folder[] {
  if (!withinChannelScope(viewer, c.channelAccountId)) return [];
  return availableFolders(viewer).filter((f) => folderContains(f, viewer, c));
}

export type ConversationAccess = 'none' | 'read' | 'write';

/** Read-only when `previously_handled` is the only way in; write when any other folder holds it. */
export function accessFromFolders(folders: readonly Folder[]): ConversationAccess {
  if (folders.length === 0) return 'none';
  return folders.some((f) => f !== 'previously_handled') ? 'write' : 'read';
}
