import { ConflictError, DomainError, InvalidInputError } from '../http/domain-errors';
import { PG, pgErrorOf } from './pg-error';

/**
 * The one place where a violated database constraint becomes a domain error.
 * PostgreSQL decides the races (unique indexes, foreign keys, exclusion and
 * check constraints); services and the HTTP filter ask here what the
 * violation means to the client. PostgreSQL's own `detail` and message name
 * tables, columns and key values: they go to the logs, never into an answer.
 */

export const SPEAKER_OVERLAP_CONSTRAINT = 'session_speaker_no_overlap';

/** Request values a message may quote (e.g. `email`), given by the service that knows them. */
export type ConstraintValues = Record<string, string | undefined>;

const quoted = (v: string | undefined, fallback: string) => (v ? v : fallback);

/** Unique indexes a request can run into, by name. */
const UNIQUE: Record<string, (v: ConstraintValues) => DomainError> = {
  uq_user_account_email: (v) => new ConflictError(`a user with the e-mail ${quoted(v.email, 'given')} already exists`, { field: 'email' }, { code: 'user.emailTaken' }),
  uq_registration_event_email: (v) =>
    new ConflictError(`${quoted(v.email, 'this e-mail')} is already registered for this event; edit or cancel that registration instead`, { field: 'email' }, { code: 'registration.duplicateEmail' }),
  uq_event_slug: () => new ConflictError('another event took the same address (slug) at the same moment; send the request again', { field: 'title' }, { code: 'event.slugTaken' }),
};

/** Foreign keys by name: the request field holding the reference, what it refers to, and what refers to it. */
const REFERENCES: Record<string, { field: string; what: string; usedBy: string }> = {
  organization_parent_id_fkey: { field: 'parentId', what: 'organization', usedBy: 'its child units' },
  user_account_organization_id_fkey: { field: 'organizationId', what: 'organization', usedBy: 'user accounts' },
  event_organization_id_fkey: { field: 'organizationId', what: 'organization', usedBy: 'events' },
  speaker_organization_id_fkey: { field: 'organizationId', what: 'organization', usedBy: 'speakers' },
  event_quota_organization_id_fkey: { field: 'organizationId', what: 'organization', usedBy: 'event quotas' },
  event_quota_event_id_fkey: { field: 'eventId', what: 'event', usedBy: 'quotas' },
  registration_organization_id_fkey: { field: 'organizationId', what: 'organization', usedBy: 'registrations' },
  registration_event_id_fkey: { field: 'eventId', what: 'event', usedBy: 'registrations' },
  session_event_id_fkey: { field: 'eventId', what: 'event', usedBy: 'agenda sessions' },
  session_speaker_speaker_id_fkey: { field: 'speakers', what: 'speaker', usedBy: 'agenda sessions' },
  session_speaker_session_id_fkey: { field: 'sessionId', what: 'session', usedBy: 'speakers' },
  check_in_registration_id_fkey: { field: 'registrationId', what: 'registration', usedBy: 'check-ins' },
  check_in_session_id_fkey: { field: 'sessionId', what: 'session', usedBy: 'check-ins' },
  check_in_event_id_fkey: { field: 'eventId', what: 'event', usedBy: 'check-ins' },
};

/** Exclusion and check constraints a request can run into, by name. */
const RULES: Record<string, () => DomainError> = {
  [SPEAKER_OVERLAP_CONSTRAINT]: () => new ConflictError('a speaker is already in an overlapping session; reload the agenda and try again', { field: 'speakers' }, { code: 'session.speakerOverlap' }),
  event_capacity_not_exceeded: () => new ConflictError('the event is full; cancel another delegate first or raise the capacity', { field: 'capacity' }, { code: 'event.full' }),
  event_ends_after_start: () => new InvalidInputError('endsAt', 'must be after startsAt', { code: 'endsAfterStart' }),
  session_ends_after_start: () => new InvalidInputError('endsAt', 'must be after startsAt', { code: 'endsAfterStart' }),
};

const camel = (snake: string) => snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** `<table>_<column>_fkey` (PostgreSQL's and SnakeNamingStrategy's name) → the column as a request field. */
function referenceOf(constraint: string | undefined, table: string | undefined): { field: string; what: string; usedBy: string } | undefined {
  if (!constraint) return undefined;
  const known = REFERENCES[constraint];
  if (known) return known;
  const m = /^(.+)_fkey$/.exec(constraint);
  if (!m) return undefined;
  const column = table && m[1].startsWith(`${table}_`) ? m[1].slice(table.length + 1) : m[1];
  return { field: camel(column), what: column.replace(/_id$/, '').replace(/_/g, ' ') || 'record', usedBy: 'other records' };
}

/**
 * A foreign-key violation either inserts a reference to a missing row (the
 * request named something that does not exist: 400 on its field) or deletes
 * a row still referenced (409). PostgreSQL tells them apart only in the
 * message's wording ("insert or update on table ..." vs "update or delete on
 * table ..."); a server with translated messages gets the generic 409.
 */
function foreignKeyError(message: string | undefined, constraint: string | undefined, table: string | undefined): DomainError {
  const ref = referenceOf(constraint, table);
  if (message?.startsWith('insert or update on table') && ref) {
    const article = /^[aeiou]/.test(ref.what) ? 'an' : 'a';
    return new InvalidInputError(ref.field, `refers to ${article} ${ref.what} that does not exist (any more); reload and choose another`, { code: 'missingReference' });
  }
  if (message?.startsWith('update or delete on table') && ref) {
    return new ConflictError(`the ${ref.what} is still used by ${ref.usedBy}; remove those first`, {}, { code: 'stillUsed' });
  }
  return new ConflictError('the change refers to, or removes, a record that other records depend on; reload and try again', {}, { code: 'reload' });
}

/**
 * The domain error for a violated integrity constraint (SQLSTATE class 23)
 * in `err`, or undefined when `err` is not one. Known constraints get their
 * own message (quoting `values` where given); others a generic one by kind.
 */
export function constraintError(err: unknown, values: ConstraintValues = {}): DomainError | undefined {
  const pg = pgErrorOf(err);
  if (!pg || !pg.code.startsWith('23')) return undefined;
  const name = pg.constraint;
  switch (pg.code) {
    case PG.uniqueViolation:
      return (name && UNIQUE[name]?.(values)) || new ConflictError('a record with the same values already exists; reload and try again', {}, { code: 'duplicate' });
    case PG.foreignKeyViolation:
      return foreignKeyError(pg.message, name, pg.table);
    case PG.exclusionViolation:
      return (name && RULES[name]?.()) || new ConflictError('the change overlaps with another record; reload and try again', {}, { code: 'reload' });
    case PG.checkViolation:
      return (name && RULES[name]?.()) || new ConflictError('the change breaks a rule of the stored data; reload and try again', {}, { code: 'reload' });
    case '23502':
      return new InvalidInputError(pg.column ? camel(pg.column) : 'body', 'is required', { code: 'required' });
    default:
      return new ConflictError('the change conflicts with the stored data; reload and try again', {}, { code: 'reload' });
  }
}

/** Whether `err` violates a unique index (the named one, when given). */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const pg = pgErrorOf(err);
  return pg?.code === PG.uniqueViolation && (constraint === undefined || pg.constraint === constraint);
}
