import type { Locale } from '../i18n/i18n';

const intlLocale = (locale: Locale) => (locale === 'vi' ? 'vi-VN' : 'en-GB');

/** `iso` as a date and time in the event's `zone`, in the page language. */
export function dateTimeInZone(iso: string | Date | null | undefined, zone: string, locale: Locale): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'full', timeStyle: 'short', timeZone: zone }).format(new Date(iso));
}

/** A span `start – end` in `zone`; the end shows only its time on the same local day. */
export function spanInZone(start: string, end: string, zone: string, locale: Locale): string {
  const day = (iso: string) => new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date(iso));
  const endText =
    day(start) === day(end)
      ? new Intl.DateTimeFormat(intlLocale(locale), { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: zone }).format(new Date(end))
      : dateTimeInZone(end, zone, locale);
  return `${dateTimeInZone(start, zone, locale)} – ${endText}`;
}

/** Vietnamese text, or the English one on English pages when there is one. */
export const inLanguage = (vi: string, en: string | null | undefined, locale: Locale): string => (locale === 'en' && en ? en : vi);

/** `7KQ2-9MXD-4F` → groups for reading aloud and typing: `['7KQ2', '9MXD', '4F']`. */
export const codeGroups = (code: string): string[] => code.split('-');
