import { describeSendWindow, localClock, withinSendWindow } from './send-window';

describe('send windows', () => {
  const office = { days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' };

  it('reads the wall clock of the org time zone', () => {
    // 2026-11-30 01:30 UTC is Monday 09:30 in Taipei (UTC+8).
    expect(localClock(new Date('2026-11-30T01:30:00Z'), 'Asia/Taipei')).toEqual({ weekday: 1, minute: 9 * 60 + 30 });
    expect(withinSendWindow(office, 'Asia/Taipei', new Date('2026-11-30T01:30:00Z'))).toBe(true);
    expect(withinSendWindow(office, 'Asia/Taipei', new Date('2026-11-30T00:59:00Z'))).toBe(false); // 08:59
    expect(withinSendWindow(office, 'Asia/Taipei', new Date('2026-11-30T10:00:00Z'))).toBe(false); // 18:00, end excluded
    expect(withinSendWindow(office, 'Asia/Taipei', new Date('2026-11-29T03:00:00Z'))).toBe(false); // Sunday 11:00
  });

  it('follows daylight saving time: 09:00 New York is 14:00 UTC in winter and 13:00 UTC in summer', () => {
    const ny = 'America/New_York';
    expect(withinSendWindow(office, ny, new Date('2026-01-05T14:00:00Z'))).toBe(true); // Mon 09:00 EST
    expect(withinSendWindow(office, ny, new Date('2026-01-05T13:30:00Z'))).toBe(false); // Mon 08:30 EST
    expect(withinSendWindow(office, ny, new Date('2026-07-06T13:00:00Z'))).toBe(true); // Mon 09:00 EDT
    expect(withinSendWindow(office, ny, new Date('2026-07-06T22:00:00Z'))).toBe(false); // Mon 18:00 EDT
    // The Sunday the clocks spring forward (2026-03-08): Monday's window is still 09:00 local.
    expect(withinSendWindow(office, ny, new Date('2026-03-09T13:00:00Z'))).toBe(true);
    expect(withinSendWindow(office, ny, new Date('2026-03-09T12:59:00Z'))).toBe(false);
  });

  it('an overnight window belongs to the day it starts on', () => {
    const night = { days: [5], from: '22:00', to: '06:00' }; // Friday night shift
    const tz = 'Asia/Taipei';
    expect(withinSendWindow(night, tz, new Date('2026-12-04T14:30:00Z'))).toBe(true); // Fri 22:30
    expect(withinSendWindow(night, tz, new Date('2026-12-04T19:00:00Z'))).toBe(true); // Sat 03:00
    expect(withinSendWindow(night, tz, new Date('2026-12-05T14:30:00Z'))).toBe(false); // Sat 22:30
    expect(withinSendWindow(night, tz, new Date('2026-12-03T19:00:00Z'))).toBe(false); // Fri 03:00 (Thu night)
  });

  it('names the window', () => {
    expect(describeSendWindow(office, 'Asia/Taipei')).toBe('Mon–Fri 09:00–18:00 (Asia/Taipei)');
    expect(describeSendWindow({ days: [6, 7], from: '10:00', to: '16:00' }, 'UTC')).toBe('Sat, Sun 10:00–16:00 (UTC)');
  });
});
