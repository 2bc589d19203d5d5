import { formatDateTime, formatSpan } from '../format/office-format';
import type { Locale } from '../i18n/i18n';

/** `iso` as a date and time in the event's `zone`, in the page language (office style, see format/office-format.ts). */
export function dateTimeInZone(iso: string | Date | null | undefined, zone: string, locale: Locale): string {
  return formatDateTime(iso, zone, locale);
}

/** A span `start – end` in `zone`; on one local day the date is written once. */
export function spanInZone(start: string, end: string, zone: string, locale: Locale): string {
  return formatSpan(start, end, zone, locale);
}

/** Vietnamese text, or the English one on English pages when there is one. */
export const inLanguage = (vi: string, en: string | null | undefined, locale: Locale): string => (locale === 'en' && en ? en : vi);

/** `7KQ2-9MXD-4F` → groups for reading aloud and typing: `['7KQ2', '9MXD', '4F']`. */
export const codeGroups = (code: string): string[] => code.split('-');
