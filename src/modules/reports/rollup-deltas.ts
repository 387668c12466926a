import { histogramOf } from './histogram';
import { monthOf, yearOf } from './local-day';
import { Grain, NO_MEMBER, RollupDelta } from './report.repository';
import type { Contribution } from './report-fold';

/**
 * Each contribution lands in six rollups: its member's and its unit's, per local day, month and
 * year (the query reads years for whole calendar years of a range, months for the other whole
 * months, days for the rest). Deltas with the same key are merged, so one upsert touches each
 * row once.
 */
export function rollupDeltas(contributions: readonly Contribution[]): RollupDelta[] {
  const byKey = new Map<string, RollupDelta & { frValues: number[]; resValues: number[] }>();
  for (const c of contributions) {
    const member = c.memberId ?? NO_MEMBER;
    const keys: [Grain, string, string][] = [
      [Grain.MemberDay, c.day, member],
      [Grain.UnitDay, c.day, NO_MEMBER],
      [Grain.MemberMonth, monthOf(c.day), member],
      [Grain.UnitMonth, monthOf(c.day), NO_MEMBER],
      [Grain.MemberYear, yearOf(c.day), member],
      [Grain.UnitYear, yearOf(c.day), NO_MEMBER],
    ];
    for (const [grain, period, memberId] of keys) {
      const key = `${grain}|${period}|${c.unitId}|${memberId}`;
      let d = byKey.get(key);
      if (!d) {
        d = { grain, period, unitId: c.unitId, memberId, conversations: 0, reopened: 0, messagesIn: 0, messagesOut: 0, transfers: 0, transferTimeouts: 0, completed: 0, firstResponse: [], resolution: [], frValues: [], resValues: [] };
        byKey.set(key, d);
      }
      const f = c.figures;
      d.conversations += f.conversations ?? 0;
      d.reopened += f.reopened ?? 0;
      d.messagesIn += f.messagesIn ?? 0;
      d.messagesOut += f.messagesOut ?? 0;
      d.transfers += f.transfers ?? 0;
      d.transferTimeouts += f.transferTimeouts ?? 0;
      d.completed += f.completed ?? 0;
      if (c.firstResponseSeconds !== undefined) d.frValues.push(c.firstResponseSeconds);
      if (c.resolutionSeconds !== undefined) d.resValues.push(c.resolutionSeconds);
    }
  }
  return [...byKey.values()].map(({ frValues, resValues, ...d }) => ({
    ...d,
    firstResponse: histogramOf(frValues),
    resolution: histogramOf(resValues),
  }));
}
