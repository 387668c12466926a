import { unitAncestorIds } from '../units/unit.entity';
import { inSubtree, selfOrChild } from './folder-rules';
import { DirectorySnapshot } from './org-directory';
import { Permission } from './permissions';
import type { Viewer } from './viewer';

/**
 * The unit audiences (presence: a unit, its ancestors and its children; access requests: the
 * units above) come from indexes built once per snapshot. They must name exactly whom a scan of
 * every member by path would, on a tree with empty units, deep branches and siblings.
 */
describe('DirectorySnapshot unit indexes', () => {
  // hq → central → (beitun, xitun → xitunB), hq → south (no members) → tainan; hq → empty leaf.
  const paths: Record<string, string> = {
    hq: '/hq/',
    central: '/hq/central/',
    beitun: '/hq/central/beitun/',
    xitun: '/hq/central/xitun/',
    xitunB: '/hq/central/xitun/xitunB/',
    south: '/hq/south/',
    tainan: '/hq/south/tainan/',
    empty: '/hq/empty/',
  };
  const staffed = ['hq', 'central', 'beitun', 'xitun', 'xitunB', 'tainan'];
  const viewers: Viewer[] = staffed.flatMap((unit, u) =>
    [0, 1].map((i) => ({
      memberId: `${unit}-${i}`,
      orgId: 'org',
      email: `${unit}-${i}@example.com`,
      displayName: `${unit} ${i}`,
      unitId: unit,
      unitPath: paths[unit],
      unitDepth: unitAncestorIds(paths[unit]).length - 1,
      roleId: 'role',
      roleName: 'role',
      builtinRole: null,
      permissions: new Set((u + i) % 2 ? [Permission.GrantIssue] : [Permission.InboxAccess]),
      channelAccountIds: [],
      tokenVersion: 0,
      grantsExpireAt: null,
    })),
  );
  const snap = new DirectorySnapshot(1, viewers);
  const ids = (vs: readonly Viewer[]) => vs.map((v) => v.memberId).sort();

  it.each(Object.keys(paths))('presence audience of a member of %s: its unit, the units above, the units directly below', (unit) => {
    const path = unitAncestorIds(paths[unit]);
    const indexed = [...snap.inUnits(path), ...snap.inChildUnits(unit)];
    const scanned = viewers.filter((v) => inSubtree(paths[unit], v.unitPath) || selfOrChild(v.unitPath, paths[unit]));
    expect(ids(indexed)).toEqual(ids(scanned));
  });

  it.each(Object.keys(paths))('units strictly above %s', (unit) => {
    const indexed = snap.inUnits(unitAncestorIds(paths[unit]).slice(0, -1));
    const scanned = viewers.filter((v) => paths[unit].startsWith(v.unitPath) && v.unitId !== unit);
    expect(ids(indexed)).toEqual(ids(scanned));
  });

  it('knows the path of a unit with members only', () => {
    expect(snap.unitPathOf('xitunB')).toBe(paths.xitunB);
    expect(snap.unitPathOf('south')).toBeNull();
    expect(ids(snap.inChildUnits('central'))).toEqual(['beitun-0', 'beitun-1', 'xitun-0', 'xitun-1']);
    // A child unit without members is skipped, its own children are not its parent's children.
    expect(ids(snap.inChildUnits('hq'))).toEqual(['central-0', 'central-1']);
  });
});
