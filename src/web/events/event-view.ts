import type { EventDto } from '../../events/dto/event.dto';
import type { SessionDto } from '../../sessions/dto/session.dto';
import { formatDateTime, formatSpan, formatTime } from '../format/office-format';
import type { Locale } from '../i18n/i18n';

/** Zones offered by the editor's select; the event's own zone is added when it is another one. */
export const TIMEZONE_CHOICES = [
  'Asia/Ho_Chi_Minh',
  'Asia/Bangkok',
  'Asia/Jakarta',
  'Asia/Singapore',
  'Asia/Kuala_Lumpur',
  'Asia/Manila',
  'Asia/Shanghai',
  'Asia/Seoul',
  'Asia/Tokyo',
  'Australia/Sydney',
  'Europe/London',
  'Europe/Paris',
  'Europe/Berlin',
  'Europe/Moscow',
  'America/New_York',
  'America/Los_Angeles',
  'UTC',
] as const;

/** `iso` as a date and time in `zone`, in the page language, e.g. `08:00, thứ Hai, ngày 10/03/2025`. */
export function formatInZone(iso: string | null, zone: string, locale: Locale): string {
  return formatDateTime(iso, zone, locale);
}

/** The time of day of `iso` in `zone`, e.g. `08:00`. */
export function timeInZone(iso: string, zone: string, _locale: Locale): string {
  return formatTime(iso, zone);
}

/** A span `start – end` in `zone`: on one local day the date is written once (the local ISO strings are kept for callers). */
export function spanInZone(startIso: string, endIso: string, _startLocal: string, _endLocal: string, zone: string, locale: Locale): string {
  return formatSpan(startIso, endIso, zone, locale);
}

/** A `datetime-local` input value (wall time in the event's zone) from a local ISO string with offset. */
export const toInputValue = (localIso: string | null | undefined): string => (localIso ? localIso.slice(0, 16) : '');

/** The title (or other bilingual text) in the page language, falling back to Vietnamese. */
export const inLanguage = (vi: string | null, en: string | null, locale: Locale): string | null => (locale === 'en' && en ? en : vi);

/** An event as the list, calendar and pages show it: display strings computed once, in its zone. */
export interface EventSummary {
  id: string;
  slug: string;
  title: string;
  status: EventDto['status'];
  kind: EventDto['kind'];
  organizationId: string;
  venue: string | null;
  when: string;
  timezone: string;
}

export function summarize(e: EventDto, locale: Locale): EventSummary {
  return {
    id: e.id,
    slug: e.slug,
    title: inLanguage(e.title, e.titleEn, locale)!,
    status: e.status,
    kind: e.kind,
    organizationId: e.organizationId,
    venue: e.venue,
    when: spanInZone(e.startsAt, e.endsAt, e.startsAtLocal, e.endsAtLocal, e.timezone, locale),
    timezone: e.timezone,
  };
}

/** A session of the agenda with its times in the event's zone. */
export interface AgendaItem {
  session: SessionDto;
  time: string;
  /** Whether it may move up / down (only among sessions starting at the same time: position orders a slot). */
  canMoveUp: boolean;
  canMoveDown: boolean;
}

export function agendaItems(sessions: SessionDto[], zone: string, locale: Locale): AgendaItem[] {
  return sessions.map((s, i) => ({
    session: s,
    time: spanInZone(s.startsAt, s.endsAt, s.startsAtLocal, s.endsAtLocal, zone, locale),
    canMoveUp: i > 0 && sessions[i - 1].startsAt === s.startsAt,
    canMoveDown: i < sessions.length - 1 && sessions[i + 1].startsAt === s.startsAt,
  }));
}

/**
 * The `position` updates that move session `id` one place up or down within its
 * time slot (sessions starting together), given the agenda in display order.
 * The slot is renumbered 0..n-1 first, so equal default positions still swap.
 * Returns [] when the move is not possible.
 */
export function reorderPlan(sessions: Pick<SessionDto, 'id' | 'startsAt' | 'position'>[], id: string, direction: 'up' | 'down'): { id: string; position: number }[] {
  const i = sessions.findIndex((s) => s.id === id);
  if (i < 0) return [];
  const slot = sessions.filter((s) => s.startsAt === sessions[i].startsAt);
  const j = slot.findIndex((s) => s.id === id);
  const k = direction === 'up' ? j - 1 : j + 1;
  if (k < 0 || k >= slot.length) return [];
  const order = slot.map((s) => s.id);
  [order[j], order[k]] = [order[k], order[j]];
  const current = new Map(slot.map((s) => [s.id, s.position]));
  return order.map((sid, position) => ({ id: sid, position })).filter((u) => current.get(u.id) !== u.position);
}
