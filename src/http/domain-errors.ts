/**
 * Services throw these; DomainErrorFilter maps them to HTTP once.
 * Messages say what is wrong and, where it helps, what to do.
 */
export abstract class DomainError extends Error {
  abstract readonly status: 400 | 401 | 403 | 404 | 409 | 422;
  /** Extra fields merged into the error body (e.g. `errors` for 422, `current` for 409). */
  readonly details: Record<string, unknown>;
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

export class NotFoundError extends DomainError {
  readonly status = 404 as const;
  constructor(what: string, id?: string) {
    super(id ? `${what} ${id} was not found` : `${what} was not found`);
  }
}

export class ConflictError extends DomainError {
  readonly status = 409 as const;
}

/** Credentials that do not identify anyone (a wrong e-mail or password). */
export class UnauthorizedError extends DomainError {
  readonly status = 401 as const;
}

export class ForbiddenError extends DomainError {
  readonly status = 403 as const;
}

/** Invalid input discovered by a service (not by the DTO), reported against one field. */
export class InvalidInputError extends DomainError {
  readonly status = 400 as const;
  constructor(field: string, problem: string) {
    super(`${field} ${problem}`, { field });
  }
}

export interface RowError {
  row: number;
  field: string;
  message: string;
}

export class UnprocessableFileError extends DomainError {
  readonly status = 422 as const;
  constructor(message: string, errors: RowError[]) {
    super(message, { errors });
  }
}
