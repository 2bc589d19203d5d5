import { ArgumentsHost, Logger } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { HttpExceptionFilter } from './http-exception.filter';

/** Runs the filter on `exception` for a JSON API request and returns what it answered. */
function answer(exception: unknown): { status: number; body: Record<string, unknown> } {
  const sent: { status: number; body: Record<string, unknown> } = { status: 0, body: {} };
  // The part of a FastifyReply the filter uses.
  const res = {
    sent: false,
    raw: { headersSent: false },
    header: () => res,
    removeHeader: () => res,
    status: (s: number) => ((sent.status = s), res),
    type: () => res,
    send: (b: Record<string, unknown>) => ((sent.body = b), res),
  };
  const req = { originalUrl: '/api/v1/things', headers: { accept: 'application/json' } };
  const host = { switchToHttp: () => ({ getResponse: () => res, getRequest: () => req }) } as unknown as ArgumentsHost;
  new HttpExceptionFilter().catch(exception, host);
  return sent;
}

const pgFailure = (fields: Record<string, string>) => new QueryFailedError('INSERT ...', [], Object.assign(new Error(fields.message), fields));

describe('HttpExceptionFilter and PostgreSQL errors', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it.each([
    ['23505', { code: '23505', constraint: 'uq_something', table: 'secret_table', message: 'duplicate key value violates unique constraint "uq_something"', detail: 'Key (email)=(a@b.c) already exists.' }, 409],
    ['23503', { code: '23503', constraint: 'secret_table_owner_id_fkey', table: 'secret_table', message: 'insert or update on table "secret_table" violates foreign key constraint "secret_table_owner_id_fkey"', detail: 'Key (owner_id)=(1) is not present in table "owner_table".' }, 400],
    ['23514', { code: '23514', constraint: 'secret_check', table: 'secret_table', message: 'new row for relation "secret_table" violates check constraint "secret_check"', detail: 'Failing row contains (1, secret).' }, 409],
    ['23P01', { code: '23P01', constraint: 'secret_excl', table: 'secret_table', message: 'conflicting key value violates exclusion constraint "secret_excl"', detail: 'Key (a, b)=(1, 2) conflicts with existing key (a, b)=(1, 3).' }, 409],
    ['23502', { code: '23502', table: 'secret_table', column: 'title', message: 'null value in column "title" of relation "secret_table" violates not-null constraint', detail: 'Failing row contains (1, null).' }, 400],
  ])('answers %s without PostgreSQL detail, message or table names', (_code, fields, status) => {
    const { status: s, body } = answer(pgFailure(fields));
    expect(s).toBe(status);
    const text = JSON.stringify(body);
    for (const secret of ['Key (', 'Failing row', 'secret_table', 'owner_table', 'secret_check', 'secret_excl', 'violates']) expect(text).not.toContain(secret);
  });

  it('answers a foreign-key violation for a missing reference with 400 naming the field', () => {
    const { status, body } = answer(
      pgFailure({
        code: '23503',
        constraint: 'event_organization_id_fkey',
        table: 'event',
        message: 'insert or update on table "event" violates foreign key constraint "event_organization_id_fkey"',
        detail: 'Key (organization_id)=(1) is not present in table "organization".',
      }),
    );
    expect(status).toBe(400);
    expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request', field: 'organizationId', message: expect.stringMatching(/^organizationId refers to an organization that does not exist/) });
  });

  it('keeps a data exception (bad uuid) a 400 with its message, which names no table', () => {
    const { status, body } = answer(pgFailure({ code: '22P02', message: 'invalid input syntax for type uuid: "abc"' }));
    expect(status).toBe(400);
    expect(body.message).toBe('invalid input syntax for type uuid: "abc"');
  });

  it('still answers anything else from PostgreSQL with a plain 500', () => {
    const { status, body } = answer(pgFailure({ code: '42P01', message: 'relation "secret_table" does not exist' }));
    expect(status).toBe(500);
    expect(body).toEqual({ statusCode: 500, message: 'Internal server error', error: 'Internal Server Error' });
  });
});
