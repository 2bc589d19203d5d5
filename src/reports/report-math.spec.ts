import { daysBetween, defaultPeriod, isCalendarDate } from './report-math';

describe('report arithmetic', () => {
  it('only real calendar days are dates', () => {
    expect(isCalendarDate('2026-02-28')).toBe(true);
    expect(isCalendarDate('2026-02-30')).toBe(false);
    expect(isCalendarDate('2026-2-3')).toBe(false);
  });
  it('the default period is twelve whole months ending with the current month, in the zone', () => {
    // 2026-03-31T20:00Z is already 1 April in Hồ Chí Minh City.
    expect(defaultPeriod(new Date('2026-03-31T20:00:00Z'), 'Asia/Ho_Chi_Minh')).toEqual({ from: '2025-05-01', to: '2026-04-30' });
  });
  it('counts days between dates', () => {
    expect(daysBetween('2026-01-01', '2026-01-31')).toBe(30);
  });
});
