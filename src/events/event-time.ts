/**
 * Time-zone helpers for events: stored in UTC, shown in the event's IANA zone.
 * luxon does the zone arithmetic (every IANA zone and its DST rules, through Intl).
 */
import { DateTime, IANAZone } from 'luxon';

export const DEFAULT_TIMEZONE = 'Asia/Ho_Chi_Minh';

/** ISO 8601 with an explicit offset or Z, e.g. `2025-03-10T08:00:00+07:00`. */
export const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/i;
/** ISO 8601 local wall time without an offset, read in the event's zone. */
export const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/;

/** What request DTOs accept: a time with an offset, or a wall time in the event's zone. */
export const REQUEST_TIME = new RegExp(`(${ISO_WITH_OFFSET.source})|(${ISO_LOCAL.source})`, 'i');

export function isValidTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/** The zone's offset from UTC at `instant`, in minutes (e.g. +420 for Asia/Ho_Chi_Minh). */
export function offsetMinutes(instant: Date, zone: string): number {
  return DateTime.fromJSDate(instant, { zone }).offset;
}

/** `instant` as the zone's wall time with its offset, e.g. `2025-03-10T08:00:00+07:00`. */
export function toLocalIso(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ssZZ");
}

/**
 * Reads a request time: with an offset (or Z) it is exact; without one it is a
 * wall time in `zone` (a DST gap moves it forward, an ambiguous hour takes the
 * earlier instant). Returns null when the text is not a valid time.
 */
export function parseEventTime(text: string, zone: string): Date | null {
  if (ISO_WITH_OFFSET.test(text)) {
    // luxon refuses impossible calendar dates (2025-02-30) and hours (24:00) instead of rolling them over.
    // ISO's 24:00 (the end of a day) is not a time a person types for an event, nor is an offset beyond ±14:00
    // (luxon would accept +99:99).
    if (text.slice(11, 13) === '24') return null;
    const offset = /([+-])(\d{2}):?(\d{2})$/.exec(text);
    if (offset && (+offset[2] > 14 || +offset[3] > 59)) return null;
    const d = DateTime.fromISO(text, { setZone: true });
    return d.isValid ? d.toJSDate() : null;
  }
  if (!ISO_LOCAL.test(text) || text.slice(11, 13) === '24') return null;
  const d = DateTime.fromISO(text, { zone });
  if (!d.isValid) return null;
  // In the hour that repeats when clocks go back, luxon picks one offset; take the earlier instant.
  const earliest = d.getPossibleOffsets().reduce((a, b) => (b.toMillis() < a.toMillis() ? b : a), d);
  return earliest.toJSDate();
}
