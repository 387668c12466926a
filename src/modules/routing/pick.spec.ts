import { Candidate, pick, rank } from './pick';

const c = (memberId: string, open: number, max: number | null, lastAssignedAt: number): Candidate => ({ memberId, open, max, lastAssignedAt });

describe('routing pick', () => {
  const members = [c('a', 2, null, 300), c('b', 0, 1, 100), c('c', 1, 5, 0)];

  it('manual routes to nobody', () => {
    expect(pick('manual', members)).toBeNull();
  });

  it('round_robin takes the member whose last assignment is oldest (never assigned first)', () => {
    expect(pick('round_robin', members)?.memberId).toBe('c');
    expect(pick('round_robin', [c('a', 0, null, 200), c('b', 0, null, 100)])?.memberId).toBe('b');
  });

  it('least_busy takes the fewest open, ties by longest idle, then id', () => {
    expect(pick('least_busy', members)?.memberId).toBe('b');
    expect(pick('least_busy', [c('x', 1, null, 500), c('y', 1, null, 400)])?.memberId).toBe('y');
    expect(pick('least_busy', [c('y', 1, null, 400), c('x', 1, null, 400)])?.memberId).toBe('x');
  });

  it('skips members at capacity; nobody under capacity → nobody', () => {
    expect(pick('least_busy', [c('b', 1, 1, 0), c('a', 3, null, 900)])?.memberId).toBe('a');
    expect(pick('round_robin', [c('b', 1, 1, 0), c('z', 0, 0, 0)])).toBeNull();
  });

  it('rank lists every member under capacity, best first (routing tries their locks in this order)', () => {
    expect(rank('round_robin', [c('a', 0, null, 300), c('b', 5, 5, 0), c('d', 1, 4, 100), c('e', 0, null, 200)]).map((x) => x.memberId)).toEqual(['d', 'e', 'a']);
    expect(rank('least_busy', [c('a', 2, null, 0), c('d', 1, 4, 100), c('e', 1, null, 50)]).map((x) => x.memberId)).toEqual(['e', 'd', 'a']);
    expect(rank('manual', [c('a', 0, null, 0)])).toEqual([]);
  });
});
