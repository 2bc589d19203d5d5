import { DateTime } from 'luxon';

/** `YYYY-MM-DD` that is a real calendar day (2026-02-30 is not). */
export function isCalendarDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && DateTime.fromISO(text, { zone: 'UTC' }).isValid;
}

/** The default period: twelve whole months, from the first day of the month 11 months before `now` to the end of `now`'s month, in `zone`. */
export function defaultPeriod(now: Date, zone: string): { from: string; to: string } {
  const today = DateTime.fromJSDate(now, { zone });
  return { from: today.minus({ months: 11 }).startOf('month').toISODate()!, to: today.endOf('month').toISODate()! };
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return DateTime.fromISO(to, { zone: 'UTC' }).diff(DateTime.fromISO(from, { zone: 'UTC' }), 'days').days;
}
