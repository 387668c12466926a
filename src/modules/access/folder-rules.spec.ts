import { accessFromFolders, ConversationFacts, foldersOf, selfOrChild, strictlyBelow } from './folder-rules';
import { ALL_PERMISSIONS, Permission } from './permissions';
import type { Viewer } from './viewer';

// The seed's worked example (003 §2): HQ → 中區營業所 → 台中北屯門市, plus a second region.
const HQ = '/hq/';
const CENTRAL = '/hq/central/';
const BEITUN = '/hq/central/beitun/';
const SOUTH = '/hq/south/';

const supervisorPerms = ALL_PERMISSIONS.filter((p) => p !== Permission.FolderAll && !p.startsWith('feature.'));

function viewer(memberId: string, unitPath: string, permissions: readonly Permission[] = supervisorPerms, channels: string[] = []): Viewer {
  return {
    memberId,
    orgId: 'org',
    email: `${memberId}@x`,
    displayName: memberId,
    unitId: unitPath.split('/').filter(Boolean).pop()!,
    unitPath,
    unitDepth: unitPath.split('/').filter(Boolean).length,
    roleId: 'role',
    roleName: 'role',
    builtinRole: null,
    permissions: new Set(permissions),
    channelAccountIds: channels,
    tokenVersion: 0,
    grantsExpireAt: null,
  };
}

const facts = (over: Partial<ConversationFacts> = {}): ConversationFacts => ({
  status: 'open',
  channelAccountId: 'line-1',
  assigneeId: null,
  assigneeUnitPath: null,
  lastAssigneeId: null,
  lastAssigneeUnitPath: null,
  boundUnitPath: null,
  endedAssigneeIds: [],
  privateUnitPaths: [],
  ...over,
});

const hq = viewer('heine', HQ);
const managerA = viewer('A', CENTRAL);
const managerB = viewer('B', CENTRAL);
const store = viewer('winnie', BEITUN);
const south = viewer('south', SOUTH);

describe('unit path helpers', () => {
  it('tells self-or-child from deeper descendants', () => {
    expect(selfOrChild(CENTRAL, HQ)).toBe(true);
    expect(selfOrChild(HQ, HQ)).toBe(true);
    expect(selfOrChild(BEITUN, HQ)).toBe(false);
    expect(strictlyBelow(BEITUN, HQ)).toBe(true);
    expect(strictlyBelow(HQ, HQ)).toBe(false);
    expect(strictlyBelow('/hq/centralx/', CENTRAL)).toBe(false);
  });
});

describe('folder rules: the seed worked example', () => {
  const toA = facts({ assigneeId: 'A', assigneeUnitPath: CENTRAL, lastAssigneeId: 'A', lastAssigneeUnitPath: CENTRAL });

  it('assigned to region manager A', () => {
    expect(foldersOf(managerA, toA)).toEqual(['assigned', 'department']);
    expect(foldersOf(managerB, toA)).toEqual(['department']);
    expect(foldersOf(hq, toA)).toEqual(['department', 'subordinates']);
    expect(foldersOf(store, toA)).toEqual([]);
    expect(foldersOf(south, toA)).toEqual([]);
  });

  it('then transferred to a store member', () => {
    const toStore = facts({
      assigneeId: 'winnie',
      assigneeUnitPath: BEITUN,
      lastAssigneeId: 'winnie',
      lastAssigneeUnitPath: BEITUN,
      endedAssigneeIds: ['A'],
    });
    expect(foldersOf(store, toStore)).toEqual(['assigned', 'department']);
    expect(foldersOf(viewer('lala', BEITUN), toStore)).toEqual(['department']);
    expect(foldersOf(managerA, toStore)).toEqual(['department', 'subordinates', 'previously_handled']);
    expect(foldersOf(managerB, toStore)).toEqual(['department', 'subordinates']);
    expect(foldersOf(hq, toStore)).toEqual(['subordinates']);
    expect(foldersOf(south, toStore)).toEqual([]);
    expect(accessFromFolders(foldersOf(managerA, toStore))).toBe('write');
  });

  it('previously_handled alone is read-only', () => {
    const done = facts({ status: 'open', assigneeId: 'B', assigneeUnitPath: SOUTH, endedAssigneeIds: ['A'] });
    expect(foldersOf(managerA, done)).toEqual(['previously_handled']);
    expect(accessFromFolders(['previously_handled'])).toBe('read');
    expect(accessFromFolders([])).toBe('none');
  });
});

describe('folder rules: binding, done, trash, private, scope', () => {
  it('unassigned is visible within the bound unit subtree only', () => {
    const bound = facts({ boundUnitPath: BEITUN });
    expect(foldersOf(store, bound)).toEqual(['unassigned', 'bound']);
    expect(foldersOf(managerA, bound)).toEqual(['unassigned', 'subordinate_bound']);
    expect(foldersOf(hq, bound)).toEqual(['unassigned', 'subordinate_bound']);
    expect(foldersOf(south, bound)).toEqual([]);
    expect(foldersOf(south, facts())).toEqual(['unassigned']);
  });

  it('bound folders drop trashed conversations but keep done ones', () => {
    expect(foldersOf(store, facts({ status: 'done', boundUnitPath: BEITUN }))).toEqual(['bound', 'done']);
    expect(foldersOf(store, facts({ status: 'trashed', boundUnitPath: BEITUN }))).toEqual(['trash']);
  });

  it('done follows the last assignee unit subtree or the last assignee', () => {
    const done = facts({ status: 'done', lastAssigneeId: 'winnie', lastAssigneeUnitPath: BEITUN, endedAssigneeIds: ['winnie'] });
    expect(foldersOf(hq, done)).toEqual(['done']);
    expect(foldersOf(store, done)).toEqual(['previously_handled', 'done']);
    expect(foldersOf(south, done)).toEqual([]);
  });

  it('private needs folder.private and conversation.private.view', () => {
    const priv = facts({ privateUnitPaths: [BEITUN], assigneeId: 'x', assigneeUnitPath: SOUTH });
    expect(foldersOf(managerA, priv)).toEqual(['private']);
    const noView = viewer('nv', CENTRAL, supervisorPerms.filter((p) => p !== Permission.ConversationPrivateView));
    expect(foldersOf(noView, priv)).toEqual([]);
  });

  it('channel scope hides everything outside it, and all shows the rest', () => {
    const admin = viewer('admin', BEITUN, ALL_PERMISSIONS);
    expect(foldersOf(admin, facts({ assigneeId: 'x', assigneeUnitPath: SOUTH }))).toEqual(['all']);
    const scoped = viewer('scoped', HQ, ALL_PERMISSIONS, ['wa-1']);
    expect(foldersOf(scoped, facts())).toEqual([]);
    expect(foldersOf(scoped, facts({ channelAccountId: 'wa-1' }))).toEqual(['unassigned', 'all']);
  });

  it('without inbox.access there are no folders at all', () => {
    const noInbox = viewer('n', HQ, ALL_PERMISSIONS.filter((p) => p !== Permission.InboxAccess));
    expect(foldersOf(noInbox, facts())).toEqual([]);
  });
});
