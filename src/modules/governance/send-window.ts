/**
 * Send windows (seed 002: some roles may only reply in office hours or on the night shift).
 * `days` are ISO weekdays (1 = Monday … 7 = Sunday) and `from`/`to` local wall-clock times in
 * the org's time zone, so daylight-saving shifts move the window with the clock. A window whose
 * `to` is earlier than its `from` runs overnight and belongs to the day it starts on
 * (Fri 22:00–06:00 covers Saturday 03:00).
 */
export interface SendWindow {
  days: number[];
  from: string;
  to: string;
}

export const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
const DAY_NAMES = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const WEEKDAY: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The ISO weekday and minute of the day of `at` on the wall clock of `timeZone`. */
export function localClock(at: Date, timeZone: string): { weekday: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { weekday: WEEKDAY[get('weekday')], minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

export function withinSendWindow(w: SendWindow, timeZone: string, at = new Date()): boolean {
  const { weekday, minute } = localClock(at, timeZone);
  const from = minutes(w.from);
  const to = minutes(w.to);
  if (from < to) return w.days.includes(weekday) && minute >= from && minute < to;
  // Overnight: the evening part on a listed day, or the early-morning part after one.
  const yesterday = weekday === 1 ? 7 : weekday - 1;
  return (w.days.includes(weekday) && minute >= from) || (w.days.includes(yesterday) && minute < to);
}

/** "Mon–Fri 09:00–18:00 (Asia/Taipei)", for the 403 that names the window. */
export function describeSendWindow(w: SendWindow, timeZone: string): string {
  const days = [...new Set(w.days)].sort((a, b) => a - b);
  const contiguous = days.length > 2 && days.every((d, i) => i === 0 || d === days[i - 1] + 1);
  const dayText = days.length === 7 ? 'every day' : contiguous ? `${DAY_NAMES[days[0]]}–${DAY_NAMES[days[days.length - 1]]}` : days.map((d) => DAY_NAMES[d]).join(', ');
  return `${dayText} ${w.from}–${w.to} (${timeZone})`;
}
