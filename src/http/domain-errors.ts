/**
 * Services throw these; DomainErrorFilter maps them to HTTP once.
 * Messages say what is wrong and, where it helps, what to do — in English, for
 * the API. Pages and the desk speak the person's language instead: every error
 * carries a `code` (a key under `errors.` in the catalogs, src/web/i18n) and the
 * `params` its text needs; both are also in the API body, beside `message`.
 */

/** Values a catalog text fills in (`{capacity}`); statuses and times are rendered by the page. */
export type ErrorParams = Record<string, string | number | null>;

/** The catalog code of an error and its parameters. */
export interface ErrorCode {
  code: string;
  params?: ErrorParams;
}

export abstract class DomainError extends Error {
  abstract readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422;
  /** Extra fields merged into the error body (e.g. `errors` for 422, `current` for 409; always `code` and `params`). */
  readonly details: Record<string, unknown>;
  /** Key under `errors.` in the catalogs, e.g. `checkIn.notConfirmed`. */
  readonly code: string;
  readonly params: ErrorParams;
  constructor(message: string, details: Record<string, unknown> = {}, code?: ErrorCode) {
    // A domain error is an answer (a 4xx), never logged with a stack: capturing one cost more than
    // the rest of a refusal (the registration storm's 4,000 "event full" answers).
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = stackTraceLimit;
    this.name = new.target.name;
    this.code = code?.code ?? 'generic';
    this.params = code?.params ?? {};
    this.details = { ...details, code: this.code, params: this.params };
  }
}

/** `Mail message` → `mailMessage`, `Check-in` → `checkIn`: the catalog key of a thing not found. */
const thingKey = (what: string): string =>
  what
    .split(/[\s-]+/)
    .map((w, i) => (i ? w.charAt(0).toUpperCase() + w.slice(1).toLowerCase() : w.toLowerCase()))
    .join('');

export class NotFoundError extends DomainError {
  readonly status = 404 as const;
  /** `what` is a thing's name (`Event`, `Registration`): its code is `notFound.event` unless one is given. */
  constructor(what: string, id?: string, code?: ErrorCode) {
    super(id ? `${what} ${id} was not found` : `${what} was not found`, {}, code ?? { code: /^[A-Z][a-z]*([ -][A-Za-z][a-z]*)*$/.test(what) ? `notFound.${thingKey(what)}` : 'notFound.generic' });
  }
}

export class ConflictError extends DomainError {
  readonly status = 409 as const;
  constructor(message: string, details: Record<string, unknown> = {}, code: ErrorCode = { code: 'conflict' }) {
    super(message, details, code);
  }
}

/** Credentials that do not identify anyone (a wrong e-mail or password). */
export class UnauthorizedError extends DomainError {
  readonly status = 401 as const;
  constructor(message: string, details: Record<string, unknown> = {}, code: ErrorCode = { code: 'unauthorized' }) {
    super(message, details, code);
  }
}

export class ForbiddenError extends DomainError {
  readonly status = 403 as const;
  constructor(message: string, details: Record<string, unknown> = {}, code: ErrorCode = { code: 'forbidden' }) {
    super(message, details, code);
  }
}

/** Invalid input discovered by a service (not by the DTO), reported against one field. */
export class InvalidInputError extends DomainError {
  readonly status = 400 as const;
  constructor(field: string, problem: string, code: ErrorCode = { code: 'invalid' }) {
    super(`${field} ${problem}`, { field }, code);
  }
}

export interface RowError {
  row: number;
  field: string;
  message: string;
  /** Catalog key under `errors.import.` and its parameters, for the import page. */
  code?: string;
  params?: ErrorParams;
}

export class UnprocessableFileError extends DomainError {
  readonly status = 422 as const;
  constructor(message: string, errors: RowError[], code: ErrorCode = { code: 'import.problems', params: { count: errors.length } }) {
    super(message, { errors }, code);
  }
}
