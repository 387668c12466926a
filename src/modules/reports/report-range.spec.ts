import { daysOf, NONE, splitMonths, splitRange } from './report-range';

describe('report ranges', () => {
  it('reads whole months from monthly rollups and the rest from daily ones', () => {
    expect(splitRange('2026-01-15', '2026-04-10')).toEqual({ headDays: ['2026-01-15', '2026-01-31'], months: ['2026-02-01', '2026-03-01'], tailDays: ['2026-04-01', '2026-04-10'] });
    expect(splitRange('2026-01-01', '2026-12-31')).toEqual({ headDays: NONE, months: ['2026-01-01', '2026-12-01'], tailDays: NONE });
    expect(splitRange('2028-02-01', '2028-02-29')).toEqual({ headDays: NONE, months: ['2028-02-01', '2028-02-01'], tailDays: NONE });
  });

  it('keeps a range without a whole month in days', () => {
    expect(splitRange('2026-03-05', '2026-03-20')).toEqual({ headDays: ['2026-03-05', '2026-03-20'], months: NONE, tailDays: NONE });
    expect(splitRange('2026-03-05', '2026-04-20')).toEqual({ headDays: ['2026-03-05', '2026-04-20'], months: NONE, tailDays: NONE });
  });

  it('reads whole calendar years of the months from yearly rollups', () => {
    expect(splitMonths(['2025-01-01', '2025-12-01'])).toEqual({ headMonths: NONE, years: ['2025-01-01', '2025-01-01'], tailMonths: NONE });
    expect(splitMonths(['2024-11-01', '2026-02-01'])).toEqual({ headMonths: ['2024-11-01', '2024-12-01'], years: ['2025-01-01', '2025-01-01'], tailMonths: ['2026-01-01', '2026-02-01'] });
    expect(splitMonths(['2024-01-01', '2025-12-01'])).toEqual({ headMonths: NONE, years: ['2024-01-01', '2025-01-01'], tailMonths: NONE });
    expect(splitMonths(['2025-02-01', '2026-01-01'])).toEqual({ headMonths: ['2025-02-01', '2026-01-01'], years: NONE, tailMonths: NONE });
    expect(splitMonths(['2025-03-01', '2025-03-01'])).toEqual({ headMonths: ['2025-03-01', '2025-03-01'], years: NONE, tailMonths: NONE });
    expect(splitMonths(NONE)).toEqual({ headMonths: NONE, years: NONE, tailMonths: NONE });
  });

  it('refuses malformed, reversed and over-long ranges', () => {
    expect(() => splitRange('2026-02-30', '2026-03-01')).toThrow(/YYYY-MM-DD/);
    expect(() => splitRange('2026-03-02', '2026-03-01')).toThrow(/before/);
    expect(() => splitRange('2020-01-01', '2026-03-01')).toThrow(/at most/);
  });

  it('lists every day of a range', () => {
    expect(daysOf('2026-02-27', '2026-03-02')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
  });
});
