export type RoutingMode = 'manual' | 'round_robin' | 'least_busy';
export const ROUTING_MODES: readonly RoutingMode[] = ['manual', 'round_robin', 'least_busy'];

/** A member routing may give work to: eligible and available (checked by the caller), with their load. */
export interface Candidate {
  memberId: string;
  /** Open conversations assigned to them now. */
  open: number;
  /** Their role's maxOpenConversations; null = unlimited. */
  max: number | null;
  /** Start of their most recent assignment (µs since the epoch; 0 = never assigned). */
  lastAssignedAt: number;
}

export function underCapacity(c: Pick<Candidate, 'open' | 'max'>): boolean {
  return c.max === null || c.open < c.max;
}

/**
 * The unit's choice among its candidates (pure: unit-tested beside it):
 * - `manual`: nobody;
 * - `round_robin`: the member whose last assignment is the oldest (so the unit's members take
 *   turns, and a member who just came back is next);
 * - `least_busy`: the fewest open assigned conversations, ties by longest idle (oldest last assignment).
 * Members at capacity are skipped; remaining ties by member id (stable across processes).
 */
export function pick(mode: RoutingMode, candidates: readonly Candidate[]): Candidate | null {
  return rank(mode, candidates)[0] ?? null;
}

/** Every candidate under capacity, best first by the unit's mode (`manual`: none). */
export function rank(mode: RoutingMode, candidates: readonly Candidate[]): Candidate[] {
  if (mode === 'manual') return [];
  const byIdle = (a: Candidate, b: Candidate) => a.lastAssignedAt - b.lastAssignedAt || (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0);
  const order = mode === 'least_busy' ? (a: Candidate, b: Candidate) => a.open - b.open || byIdle(a, b) : byIdle;
  return candidates.filter(underCapacity).sort(order);
}
