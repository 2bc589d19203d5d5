import type { EventDto } from '../../events/dto/event.dto';
import { toLocalIso } from '../../events/event-time';
import { DomainError, InvalidInputError } from '../../http/domain-errors';
import { EmptyAs, FieldError, FieldErrors, readForm } from '../forms';
import { errorMessage } from '../i18n/error-text';
import type { Locale } from '../i18n/i18n';
import { toInputValue } from './event-view';

const TEXTS = ['title', 'titleEn', 'venue', 'description', 'descriptionEn', 'audience', 'audienceEn'] as const;
const CHOICES = ['kind', 'organizationId', 'registrationMode', 'timezone'] as const;
const TIMES = ['startsAt', 'endsAt', 'registrationOpensAt', 'registrationClosesAt'] as const;
const NUMBERS = ['capacity', 'reminderHoursBefore'] as const;

// Creating: empty inputs are absent (service defaults). Editing: an emptied optional field is
// cleared (null), an emptied required one is kept as '' so that validation names it.
const CREATE: Record<string, EmptyAs> = Object.fromEntries([...TEXTS, ...CHOICES, ...TIMES, ...NUMBERS].map((f) => [f, 'omit']));
const EDIT: Record<string, EmptyAs> = {
  ...Object.fromEntries([...TEXTS, 'capacity', 'registrationOpensAt', 'registrationClosesAt'].map((f) => [f, 'null'])),
  title: 'keep',
  startsAt: 'keep',
  endsAt: 'keep',
  reminderHoursBefore: 'omit',
  ...Object.fromEntries(CHOICES.map((f) => [f, 'omit'])),
};

/** A whole number typed in a number input becomes a number; anything else stays text so that validation refuses it. */
const toNumber = (v: string | null | undefined) => (typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : v);

/** The event editor's inputs: what to show again (`values`) and what to validate (`input`). */
export function readEventForm(body: Record<string, unknown>, mode: 'create' | 'edit'): { values: Record<string, string | null>; input: Record<string, unknown> } {
  const values = readForm(body, mode === 'create' ? CREATE : EDIT);
  const waitlist = body.waitlist === 'on' || body.waitlist === 'true';
  const input: Record<string, unknown> = { ...values, waitlist };
  for (const f of NUMBERS) if (f in values) input[f] = toNumber(values[f]);
  return { values: { ...values, waitlist: waitlist ? 'on' : '' }, input };
}

const localIn = (iso: string, zone: string) => toLocalIso(new Date(iso), zone);

/** The editor's initial values for an existing event (times as wall times in its zone). */
export function eventFormValues(e: EventDto): Record<string, string | null> {
  return {
    title: e.title,
    titleEn: e.titleEn,
    kind: e.kind,
    organizationId: e.organizationId,
    venue: e.venue,
    startsAt: toInputValue(e.startsAtLocal),
    endsAt: toInputValue(e.endsAtLocal),
    timezone: e.timezone,
    capacity: e.capacity === null ? '' : String(e.capacity),
    waitlist: e.waitlist ? 'on' : '',
    registrationMode: e.registrationMode,
    registrationOpensAt: e.registrationOpensAt ? toInputValue(localIn(e.registrationOpensAt, e.timezone)) : '',
    registrationClosesAt: e.registrationClosesAt ? toInputValue(localIn(e.registrationClosesAt, e.timezone)) : '',
    reminderHoursBefore: String(e.reminderHoursBefore),
    description: e.description,
    descriptionEn: e.descriptionEn,
    audience: e.audience,
    audienceEn: e.audienceEn,
  };
}

// Problems the services report against one field, as messages a person can act on in either language.
const PROBLEM_KEYS: [RegExp, string][] = [
  [/must be after startsAt$/, 'events.error.endAfterStart'],
  [/must be after registrationOpensAt$/, 'events.error.closeAfterOpen'],
  [/is not a valid time$/, 'form.invalid'],
  [/must be within the event's time/, 'agenda.error.outsideSpan'],
];

/**
 * A service refusal tied to one field (InvalidInputError, or a 409 whose details
 * name a field) as a field error; null when it concerns the whole form.
 */
export function serviceFieldError(e: DomainError, params: Record<string, string | number> = {}, locale: Locale = 'vi'): { field: string; error: FieldError } | null {
  const field = typeof e.details.field === 'string' ? e.details.field : null;
  if (!field) return null;
  if (e instanceof InvalidInputError) {
    const key = PROBLEM_KEYS.find(([re]) => re.test(e.message))?.[1];
    return { field, error: key ? { key, params } : errorMessage(e, locale) };
  }
  if (e.status === 409 && field === 'capacity' && typeof e.details.confirmedCount === 'number') {
    return { field, error: { key: 'events.error.capacityBelow', params: { count: e.details.confirmedCount } } };
  }
  if (e.status === 409 && typeof e.details.sessionsOutside === 'number') {
    return { field, error: { key: 'events.error.sessionsOutside', params: { count: e.details.sessionsOutside } } };
  }
  return null;
}

export const withFieldError = (errors: FieldErrors, f: { field: string; error: FieldError }): FieldErrors => ({ ...errors, [f.field]: [...(errors[f.field] ?? []), f.error] });
