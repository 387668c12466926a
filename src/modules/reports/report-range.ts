import { BadRequestException } from '@nestjs/common';

/** The longest range a report covers (two years and a day). */
export const MAX_RANGE_DAYS = 732;
/** An empty period range: BETWEEN these matches nothing. */
export const NONE: [string, string] = ['9999-12-31', '0001-01-01'];

const DAY_MS = 86_400_000;

export function parseDay(value: string, name: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const t = m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) : NaN;
  if (!m || Number.isNaN(t) || formatDay(t) !== value) throw new BadRequestException(`${name} must be a date YYYY-MM-DD`);
  return t;
}

export function formatDay(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

/** Every local day from `from` to `to`, both included. */
export function daysOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = parseDay(from, 'from'); t <= parseDay(to, 'to'); t += DAY_MS) out.push(formatDay(t));
  return out;
}

/**
 * A range of local days split into what the rollups hold: the whole calendar months inside it
 * (read from monthly rollups: first-of-month dates) and the days before and after them (read
 * from daily rollups). Without a whole month, all of it is days.
 */
export function splitRange(from: string, to: string): { headDays: [string, string]; months: [string, string]; tailDays: [string, string] } {
  const f = parseDay(from, 'from');
  const t = parseDay(to, 'to');
  if (t < f) throw new BadRequestException('to must not be before from');
  if ((t - f) / DAY_MS + 1 > MAX_RANGE_DAYS) throw new BadRequestException(`A report covers at most ${MAX_RANGE_DAYS} days`);
  const fd = new Date(f);
  const td = new Date(t);
  // First whole month: this one when `from` is its first day, else the next.
  const firstMonth = fd.getUTCDate() === 1 ? f : Date.UTC(fd.getUTCFullYear(), fd.getUTCMonth() + 1, 1);
  // Last whole month: `to`'s when `to` is its last day, else the one before.
  const toIsLast = new Date(t + DAY_MS).getUTCDate() === 1;
  const lastMonth = toIsLast ? Date.UTC(td.getUTCFullYear(), td.getUTCMonth(), 1) : Date.UTC(td.getUTCFullYear(), td.getUTCMonth() - 1, 1);
  if (lastMonth < firstMonth) return { headDays: [from, to], months: NONE, tailDays: NONE };
  const lastMonthEnd = Date.UTC(new Date(lastMonth).getUTCFullYear(), new Date(lastMonth).getUTCMonth() + 1, 1) - DAY_MS;
  return {
    headDays: firstMonth > f ? [from, formatDay(firstMonth - DAY_MS)] : NONE,
    months: [formatDay(firstMonth), formatDay(lastMonth)],
    tailDays: lastMonthEnd < t ? [formatDay(lastMonthEnd + DAY_MS), to] : NONE,
  };
}

/**
 * A range of whole months (first-of-month dates, as `splitRange` gives them) split into the
 * whole calendar years inside it (read from yearly rollups: 1 January dates) and the months
 * before and after them. Without a whole year, all of it is months.
 */
export function splitMonths(months: [string, string]): { headMonths: [string, string]; years: [string, string]; tailMonths: [string, string] } {
  const [from, to] = months;
  if (from > to) return { headMonths: NONE, years: NONE, tailMonths: NONE };
  const fromYear = +from.slice(0, 4);
  const toYear = +to.slice(0, 4);
  const firstYear = from.slice(5) === '01-01' ? fromYear : fromYear + 1;
  const lastYear = to.slice(5) === '12-01' ? toYear : toYear - 1;
  if (lastYear < firstYear) return { headMonths: months, years: NONE, tailMonths: NONE };
  const y = (year: number, monthDay: string) => `${String(year).padStart(4, '0')}-${monthDay}`;
  return {
    headMonths: firstYear > fromYear ? [from, y(fromYear, '12-01')] : NONE,
    years: [y(firstYear, '01-01'), y(lastYear, '01-01')],
    tailMonths: lastYear < toYear ? [y(toYear, '01-01'), to] : NONE,
  };
}
