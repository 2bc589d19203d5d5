import type { EventDto } from '../../events/dto/event.dto';
import { toLocalIso } from '../../events/event-time';
import type { Locale } from '../i18n/i18n';
import { inLanguage, timeInZone } from './event-view';

/** One event in a calendar cell. */
export interface CalendarEntry {
  id: string;
  title: string;
  status: EventDto['status'];
  /** Local start time on the event's first day; '' on the days it continues. */
  time: string;
}

export interface CalendarDay {
  /** YYYY-MM-DD */
  date: string;
  day: number;
  inMonth: boolean;
  entries: CalendarEntry[];
}

export interface CalendarMonth {
  /** YYYY-MM */
  month: string;
  prev: string;
  next: string;
  /** Rows of 7 days, Monday first. */
  weeks: CalendarDay[][];
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const pad = (n: number) => String(n).padStart(2, '0');
const ymd = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
const ym = (y: number, m0: number) => {
  const d = new Date(Date.UTC(y, m0, 1));
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`;
};

/** `?month=` when it is a valid YYYY-MM, else the month of `now` in the default zone. */
export function parseMonth(value: unknown, now: Date, zone = 'Asia/Ho_Chi_Minh'): string {
  if (typeof value === 'string' && MONTH.test(value)) return value;
  return toLocalIso(now, zone).slice(0, 7);
}

/** The first and last day shown by the month's grid (whole weeks, Monday first), as UTC dates. */
export function gridRange(month: string): { first: Date; last: Date } {
  const [y, m] = month.split('-').map(Number);
  const start = new Date(Date.UTC(y, m - 1, 1));
  const first = new Date(start.getTime() - ((start.getUTCDay() + 6) % 7) * 86_400_000);
  const end = new Date(Date.UTC(y, m, 0));
  const last = new Date(end.getTime() + ((7 - end.getUTCDay()) % 7) * 86_400_000);
  return { first, last };
}

/**
 * The month grid with each event on every day it covers, days being read in
 * the event's own zone (an event at 23:30 UTC is on the next day in
 * Asia/Ho_Chi_Minh). `events` may include events outside the grid.
 */
export function buildCalendar(month: string, events: EventDto[], locale: Locale): CalendarMonth {
  const [y, m] = month.split('-').map(Number);
  const { first, last } = gridRange(month);
  const days = new Map<string, CalendarDay>();
  const weeks: CalendarDay[][] = [];
  for (let t = first.getTime(); t <= last.getTime(); t += 86_400_000) {
    const d = new Date(t);
    const day: CalendarDay = { date: ymd(d), day: d.getUTCDate(), inMonth: d.getUTCMonth() === m - 1, entries: [] };
    days.set(day.date, day);
    if (weeks.length === 0 || weeks[weeks.length - 1].length === 7) weeks.push([]);
    weeks[weeks.length - 1].push(day);
  }
  const sorted = [...events].sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  for (const e of sorted) {
    const startDay = e.startsAtLocal.slice(0, 10);
    // An event ending exactly at midnight does not spill onto the next day.
    const endDay = toLocalIso(new Date(new Date(e.endsAt).getTime() - 1), e.timezone).slice(0, 10);
    const title = inLanguage(e.title, e.titleEn, locale)!;
    for (const day of days.values()) {
      if (day.date < startDay || day.date > endDay) continue;
      day.entries.push({ id: e.id, title, status: e.status, time: day.date === startDay ? timeInZone(e.startsAt, e.timezone, locale) : '' });
    }
  }
  return { month, prev: ym(y, m - 2), next: ym(y, m), weeks };
}
