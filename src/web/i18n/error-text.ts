import { DEFAULT_TIMEZONE } from '../../events/event-time';
import type { DomainError, ErrorParams, RowError } from '../../http/domain-errors';
import { formatDateTime, formatNumber } from '../format/office-format';
import type { FieldError } from '../forms';
import { Locale, translator } from './i18n';

/** An error as pages receive it: a DomainError, or the `{code, params, status}` of an error body. */
export interface ErrorLike {
  code?: unknown;
  params?: unknown;
  status?: number;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
/** Parameters that name a status or role, and the catalog group that words them. */
const WORDED: Record<string, string> = {
  eventStatus: 'statuses.event.',
  status: 'statuses.registration.',
  needed: 'role.',
  role: 'role.',
};

/**
 * The parameters of an error in the page language: statuses and roles by their
 * catalog words, instants (`…At`) in the error's `timezone` (office style),
 * numbers with the language's grouping; the rest (names, titles) as given.
 */
export function localParams(params: ErrorParams | undefined, locale: Locale): Record<string, string> {
  const t = translator(locale);
  const zone = typeof params?.timezone === 'string' ? params.timezone : DEFAULT_TIMEZONE;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    if (value === null || value === undefined) out[name] = '';
    else if (typeof value === 'number') out[name] = formatNumber(value, locale);
    else if (WORDED[name]) {
      const worded = t(`${WORDED[name]}${value}`);
      // A registration role (delegate, press) is not a user role: its words are the registrations'.
      out[name] = worded === `${WORDED[name]}${value}` ? t(`registrations.role.${value}`) : worded;
    } else if (name.endsWith('At') && ISO_INSTANT.test(value)) out[name] = formatDateTime(value, zone, locale);
    else out[name] = value;
  }
  return out;
}

const GENERIC_BY_STATUS: Record<number, string> = { 400: 'invalid', 401: 'unauthorized', 403: 'forbidden', 404: 'notFound.generic', 409: 'conflict', 422: 'invalid' };

/** The catalog key and local parameters of an error: `errors.<code>`, or the generic text of its status. */
export function errorMessage(e: ErrorLike, locale: Locale): FieldError {
  const t = translator(locale);
  const code = typeof e.code === 'string' ? e.code : '';
  const key = `errors.${code}`;
  const known = code !== '' && t(key) !== key;
  const params = localParams(e.params && typeof e.params === 'object' ? (e.params as ErrorParams) : undefined, locale);
  if (known) return { key, params };
  return { key: `errors.${GENERIC_BY_STATUS[e.status ?? 0] ?? 'generic'}`, params: {} };
}

/** The error in the page language, as one sentence. */
export function errorText(e: ErrorLike | DomainError, locale: Locale): string {
  const m = errorMessage(e, locale);
  return translator(locale)(m.key, m.params);
}

/** One row problem of an import in the page language: the column's name and the message. */
export function rowErrorText(e: RowError, locale: Locale): { column: string; message: string } {
  const t = translator(locale);
  const columnKey = `errors.column.${e.field}`;
  const column = t(columnKey) === columnKey ? e.field : t(columnKey);
  const key = `errors.importRow.${e.code ?? 'other'}`;
  const message = t(key) === key ? t('errors.importRow.other') : t(key, localParams(e.params, locale));
  return { column, message };
}
