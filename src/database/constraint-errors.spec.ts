import { QueryFailedError } from 'typeorm';
import { ConflictError, InvalidInputError } from '../http/domain-errors';
import { constraintError, isUniqueViolation } from './constraint-errors';

/** A QueryFailedError as TypeORM throws it, with the fields PostgreSQL sends. */
const violation = (fields: { code: string; constraint?: string; table?: string; column?: string; message: string; detail?: string }) =>
  new QueryFailedError('INSERT ...', [], Object.assign(new Error(fields.message), fields));

const body = (e: unknown) => JSON.stringify({ message: (e as Error).message, ...(e as ConflictError).details });

describe('constraintError', () => {
  it('names the field of a missing reference: an insert that violates a foreign key is a 400', () => {
    const e = constraintError(
      violation({
        code: '23503',
        constraint: 'registration_organization_id_fkey',
        table: 'registration',
        message: 'insert or update on table "registration" violates foreign key constraint "registration_organization_id_fkey"',
        detail: 'Key (organization_id)=(7d0c7a4e-0000-4000-8000-000000000000) is not present in table "organization".',
      }),
    );
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e).toMatchObject({ status: 400, details: { field: 'organizationId' } });
    expect(e!.message).toBe('organizationId refers to an organization that does not exist (any more); reload and choose another');
  });

  it('derives the field from an unlisted foreign key named <table>_<column>_fkey', () => {
    const e = constraintError(
      violation({ code: '23503', constraint: 'article_checked_by_id_fkey', table: 'article', message: 'insert or update on table "article" violates foreign key constraint "article_checked_by_id_fkey"' }),
    );
    expect(e).toMatchObject({ status: 400, details: { field: 'checkedById' } });
  });

  it('makes deleting a row that is still referenced a 409 that says what uses it', () => {
    const e = constraintError(
      violation({
        code: '23503',
        constraint: 'session_speaker_speaker_id_fkey',
        table: 'session_speaker',
        message: 'update or delete on table "speaker" violates foreign key constraint "session_speaker_speaker_id_fkey" on table "session_speaker"',
        detail: 'Key (id)=(x) is still referenced from table "session_speaker".',
      }),
    );
    expect(e).toBeInstanceOf(ConflictError);
    expect(e!.message).toBe('the speaker is still used by agenda sessions; remove those first');
  });

  it('maps known unique indexes to their domain error, quoting the values the service gives', () => {
    const dup = violation({ code: '23505', constraint: 'uq_registration_event_email', table: 'registration', message: 'duplicate key value violates unique constraint "uq_registration_event_email"', detail: 'Key (event_id, lower(email::text))=(…) already exists.' });
    expect(constraintError(dup, { email: 'an@example.vn' })).toMatchObject({
      status: 409,
      message: 'an@example.vn is already registered for this event; edit or cancel that registration instead',
      details: { field: 'email' },
    });
    const user = violation({ code: '23505', constraint: 'uq_user_account_email', table: 'user_account', message: 'duplicate key value violates unique constraint "uq_user_account_email"' });
    expect(constraintError(user, { email: 'b@x.vn' })).toMatchObject({ status: 409, message: 'a user with the e-mail b@x.vn already exists', details: { field: 'email' } });
  });

  it.each([
    ['an unknown unique index', { code: '23505', constraint: 'uq_something_new', table: 'something', message: 'duplicate key value violates unique constraint "uq_something_new"', detail: 'Key (a)=(1) already exists.' }, 409],
    ['an unknown check constraint', { code: '23514', constraint: 'thing_positive', table: 'thing', message: 'new row for relation "thing" violates check constraint "thing_positive"', detail: 'Failing row contains (1, -1).' }, 409],
    ['an exclusion constraint', { code: '23P01', constraint: 'session_speaker_no_overlap', table: 'session_speaker', message: 'conflicting key value violates exclusion constraint "session_speaker_no_overlap"', detail: 'Key (speaker_id, during)=(…) conflicts with existing key (…).' }, 409],
    ['a not-null violation', { code: '23502', table: 'event', column: 'title', message: 'null value in column "title" of relation "event" violates not-null constraint', detail: 'Failing row contains (…).' }, 400],
    ['a foreign key on a server with translated messages', { code: '23503', constraint: 'event_organization_id_fkey', table: 'event', message: 'insert or update sur la table « event » viole la contrainte', detail: 'La clé (organization_id)=(…) n’est pas présente dans la table « organization ».' }, 409],
  ])('answers %s without PostgreSQL detail, table or constraint names', (_name, given, status) => {
    const fields = given as { code: string; constraint?: string; table: string; message: string };
    const e = constraintError(violation(fields));
    expect(e).toMatchObject({ status });
    const text = body(e);
    expect(text).not.toContain('Key (');
    expect(text).not.toContain('Failing row');
    expect(text).not.toContain(fields.table);
    if (fields.constraint) expect(text).not.toContain(fields.constraint);
  });

  it('names the field of a not-null violation in the API spelling', () => {
    expect(constraintError(violation({ code: '23502', table: 'event', column: 'reminder_hours_before', message: 'null value …' }))).toMatchObject({ status: 400, details: { field: 'reminderHoursBefore' } });
  });

  it('is undefined for errors that are not integrity violations', () => {
    expect(constraintError(violation({ code: '40P01', message: 'deadlock detected' }))).toBeUndefined();
    expect(constraintError(violation({ code: '22P02', message: 'invalid input syntax for type uuid' }))).toBeUndefined();
    expect(constraintError(new Error('boom'))).toBeUndefined();
    expect(constraintError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBeUndefined();
  });

  it('reads a bare pg error (pool queries) as well as a QueryFailedError', () => {
    const raw = Object.assign(new Error('duplicate key value violates unique constraint "uq_user_account_email"'), { code: '23505', constraint: 'uq_user_account_email' });
    expect(constraintError(raw, { email: 'c@x.vn' })).toMatchObject({ status: 409, details: { field: 'email' } });
  });
});

describe('isUniqueViolation', () => {
  const slug = violation({ code: '23505', constraint: 'uq_event_slug', message: 'duplicate key' });
  it('recognises a unique violation, by constraint when one is named', () => {
    expect(isUniqueViolation(slug)).toBe(true);
    expect(isUniqueViolation(slug, 'uq_event_slug')).toBe(true);
    expect(isUniqueViolation(slug, 'uq_registration_code')).toBe(false);
    expect(isUniqueViolation(violation({ code: '23503', constraint: 'uq_event_slug', message: 'fk' }), 'uq_event_slug')).toBe(false);
  });
});
