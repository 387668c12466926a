import { ConversationFacts, folderContains } from '../access/folder-rules';
import type { Viewer } from '../access/viewer';

// HQ → 中區營業所 → 台中北屯門市, plus 南區營業所: the unassigned rule with the home unit (docs/routing.md).
const HQ = '/hq/';
const CENTRAL = '/hq/central/';
const BEITUN = '/hq/central/beitun/';
const SOUTH = '/hq/south/';

const at = (unitPath: string) => ({ memberId: unitPath, unitPath }) as unknown as Viewer;
const waiting = (over: Partial<ConversationFacts>): ConversationFacts => ({
  status: 'open',
  channelAccountId: 'line',
  assigneeId: null,
  assigneeUnitPath: null,
  lastAssigneeId: null,
  lastAssigneeUnitPath: null,
  boundUnitPath: null,
  endedAssigneeIds: [],
  privateUnitPaths: [],
  ...over,
});
const unassignedFor = (c: ConversationFacts) => [HQ, CENTRAL, BEITUN, SOUTH].filter((u) => folderContains('unassigned', at(u), c));

describe('unassigned with a home unit', () => {
  it('without a home unit: everyone (with the folder)', () => {
    expect(unassignedFor(waiting({ homeUnitPath: null }))).toEqual([HQ, CENTRAL, BEITUN, SOUTH]);
  });

  it('with a home unit: that unit and its ancestors only', () => {
    expect(unassignedFor(waiting({ homeUnitPath: BEITUN }))).toEqual([HQ, CENTRAL, BEITUN]);
    expect(unassignedFor(waiting({ homeUnitPath: SOUTH }))).toEqual([HQ, SOUTH]);
  });

  it('the home unit wins over the binding (a transfer to another unit)', () => {
    expect(unassignedFor(waiting({ boundUnitPath: BEITUN, homeUnitPath: SOUTH }))).toEqual([HQ, SOUTH]);
  });

  it('facts without a home unit field fall back to the bound unit', () => {
    expect(unassignedFor(waiting({ boundUnitPath: CENTRAL }))).toEqual([HQ, CENTRAL]);
  });

  it('assigned or closed conversations are not unassigned', () => {
    expect(unassignedFor(waiting({ homeUnitPath: null, assigneeId: 'm', assigneeUnitPath: BEITUN }))).toEqual([]);
    expect(unassignedFor(waiting({ homeUnitPath: null, status: 'done' }))).toEqual([]);
  });
});
