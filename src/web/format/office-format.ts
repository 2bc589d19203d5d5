import { DateTime } from 'luxon';
import { DEFAULT_TIMEZONE } from '../../events/event-time';
import type { Locale } from '../i18n/i18n';
import { translator } from '../i18n/i18n';

/**
 * Dates, times and counts as offices write them, one place for every page:
 * - vi: `07:30, thứ Ba, ngày 15/12/2026`, zone `giờ Việt Nam (GMT+7)`, `40 người đăng ký`;
 * - en: `Tue 15 Dec 2026, 07:30 (GMT+7)`, `40 registrations`.
 * Built on luxon (IANA zones and their DST rules); the words (weekdays, zone
 * names, counted things) come from the catalogs (`format.*`).
 */

type When = Date | string | null | undefined;

function inZone(when: Exclude<When, null | undefined>, zone: string): DateTime {
  const d = typeof when === 'string' ? DateTime.fromISO(when, { setZone: false }) : DateTime.fromJSDate(when);
  return d.setZone(zone || DEFAULT_TIMEZONE);
}

/** `GMT+7`, `GMT+5:30`, `GMT` (UTC). */
export function gmtOffset(d: DateTime): string {
  const m = d.offset;
  if (m === 0) return 'GMT';
  const sign = m < 0 ? '-' : '+';
  const h = Math.floor(Math.abs(m) / 60);
  const min = Math.abs(m) % 60;
  return `GMT${sign}${h}${min ? `:${String(min).padStart(2, '0')}` : ''}`;
}

const time = (d: DateTime) => d.toFormat('HH:mm');

const dateOnly = (d: DateTime, locale: Locale) => (locale === 'vi' ? d.toFormat('dd/MM/yyyy') : d.setLocale('en-GB').toFormat('d LLL yyyy'));

/** `thứ Ba, ngày 15/12/2026` · `Tue 15 Dec 2026` (order and words from `format.day`, `format.weekday.*`). */
function dayText(d: DateTime, locale: Locale): string {
  const t = translator(locale);
  return t('format.day', { weekday: t(`format.weekday.${d.weekday}`), date: dateOnly(d, locale) });
}

/** `07:30, thứ Ba, ngày 15/12/2026` · `Tue 15 Dec 2026, 07:30` (no zone). */
export function formatDateTime(when: When, zone: string, locale: Locale): string {
  if (!when) return '';
  const d = inZone(when, zone);
  return translator(locale)('format.dateTime', { time: time(d), day: dayText(d, locale) });
}

/** The date only: `15/12/2026` · `15 Dec 2026`. */
export function formatDate(when: When, zone: string, locale: Locale): string {
  return when ? dateOnly(inZone(when, zone), locale) : '';
}

/** The time of day: `07:30`. */
export function formatTime(when: When, zone: string): string {
  return when ? time(inZone(when, zone)) : '';
}

/** The zone as a person reads it: `giờ Việt Nam (GMT+7)` · `Vietnam time (GMT+7)`; another zone by its city. */
export function zoneLabel(zone: string, locale: Locale, at: When = new Date()): string {
  const d = inZone(at ?? new Date(), zone);
  const t = translator(locale);
  if ((zone || DEFAULT_TIMEZONE) === DEFAULT_TIMEZONE) return t('format.zoneDefault', { offset: gmtOffset(d) });
  const city = zone.split('/').pop()!.replace(/_/g, ' ');
  return zone === 'UTC' ? 'UTC' : t('format.zoneOther', { city, offset: gmtOffset(d) });
}

/** A date and time with its zone: `07:30, thứ Ba, ngày 15/12/2026 (GMT+7)` · `Tue 15 Dec 2026, 07:30 (GMT+7)`. */
export function formatDateTimeWithZone(when: When, zone: string, locale: Locale): string {
  if (!when) return '';
  return `${formatDateTime(when, zone, locale)} (${gmtOffset(inZone(when, zone))})`;
}

/**
 * A span: on one local day `07:30–11:30, thứ Ba, ngày 15/12/2026` · `Tue 15 Dec 2026, 07:30–11:30`;
 * across days both ends in full, joined by an en dash.
 */
export function formatSpan(start: When, end: When, zone: string, locale: Locale): string {
  if (!start) return '';
  if (!end) return formatDateTime(start, zone, locale);
  const a = inZone(start, zone);
  const b = inZone(end, zone);
  if (a.hasSame(b, 'day')) {
    return translator(locale)('format.dateTime', { time: `${time(a)}–${time(b)}`, day: dayText(a, locale) });
  }
  return `${formatDateTime(start, zone, locale)} – ${formatDateTime(end, zone, locale)}`;
}

/** A number with the language's grouping: `1.234` · `1,234`. */
export function formatNumber(n: number, locale: Locale): string {
  return new Intl.NumberFormat(locale === 'vi' ? 'vi-VN' : 'en-GB').format(n);
}

const plural = { vi: new Intl.PluralRules('vi'), en: new Intl.PluralRules('en') };

/** `40 người đăng ký` · `40 registrations`: `format.count.<thing>.one|other` with `{n}`. */
export function formatCount(n: number, thing: string, locale: Locale): string {
  const t = translator(locale);
  const form = plural[locale].select(n) === 'one' ? 'one' : 'other';
  return t(`format.count.${thing}.${form}`, { n: formatNumber(n, locale) });
}
