/**
 * Time-zone helpers for events: stored in UTC, shown in the event's IANA zone.
 * Intl only (no date library), which knows every IANA zone and its DST rules.
 */

export const DEFAULT_TIMEZONE = 'Asia/Ho_Chi_Minh';

/** ISO 8601 with an explicit offset or Z, e.g. `2025-03-10T08:00:00+07:00`. */
export const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/i;
/** ISO 8601 local wall time without an offset, read in the event's zone. */
export const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/;

/** What request DTOs accept: a time with an offset, or a wall time in the event's zone. */
export const REQUEST_TIME = new RegExp(`(${ISO_WITH_OFFSET.source})|(${ISO_LOCAL.source})`, 'i');

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallTime(instant: Date, zone: string): WallTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(zone).formatToParts(instant)) parts[p.type] = p.value;
  return { year: +parts.year, month: +parts.month, day: +parts.day, hour: +parts.hour, minute: +parts.minute, second: +parts.second };
}

/** The zone's offset from UTC at `instant`, in minutes (e.g. +420 for Asia/Ho_Chi_Minh). */
export function offsetMinutes(instant: Date, zone: string): number {
  const w = wallTime(instant, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

const pad = (n: number, len = 2) => String(Math.abs(n)).padStart(len, '0');

/** `instant` as the zone's wall time with its offset, e.g. `2025-03-10T08:00:00+07:00`. */
export function toLocalIso(instant: Date, zone: string): string {
  const w = wallTime(instant, zone);
  const off = offsetMinutes(instant, zone);
  const sign = off < 0 ? '-' : '+';
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
}

/**
 * Reads a request time: with an offset (or Z) it is exact; without one it is a
 * wall time in `zone` (a DST gap moves it forward, an ambiguous hour takes the
 * earlier instant). Returns null when the text is not a valid time.
 */
export function parseEventTime(text: string, zone: string): Date | null {
  if (ISO_WITH_OFFSET.test(text)) {
    // Date() rolls impossible calendar dates over (2025-02-30 → March 2), so check the wall time itself.
    const [, y, mo, day, h, mi, sec] = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(text)!;
    const wall = new Date(Date.UTC(+y, +mo - 1, +day));
    if (wall.getUTCMonth() !== +mo - 1 || wall.getUTCDate() !== +day || +h > 23 || +mi > 59 || (sec !== undefined && +sec > 59)) return null;
    const d = new Date(text);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  const m = ISO_LOCAL.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac] = m;
  const guess = Date.UTC(+y, +mo - 1, +d, +h, +mi, s ? +s : 0, frac ? Math.round(+`0.${frac}` * 1000) : 0);
  const check = new Date(guess);
  if (check.getUTCMonth() !== +mo - 1 || check.getUTCDate() !== +d || +h > 23 || +mi > 59) return null;
  // Two passes settle the offset around DST changes.
  let instant = guess - offsetMinutes(new Date(guess), zone) * 60_000;
  instant = guess - offsetMinutes(new Date(instant), zone) * 60_000;
  return new Date(instant);
}
