import { QueryFailedError } from 'typeorm';

/** The fields of a PostgreSQL error that code may rely on (never `detail`: it is for logs, not clients). */
export interface PgErrorFields {
  /** SQLSTATE, e.g. 23505. */
  code: string;
  constraint?: string;
  table?: string;
  column?: string;
  /** PostgreSQL's message, e.g. `insert or update on table "x" violates foreign key constraint "y"`. */
  message?: string;
}

export const PG = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  exclusionViolation: '23P01',
  checkViolation: '23514',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
} as const;

/**
 * The PostgreSQL error inside `err`: TypeORM's QueryFailedError wraps it as
 * `driverError`; a query on the pg pool throws it as is.
 */
export function pgErrorOf(err: unknown): PgErrorFields | undefined {
  const raw = err instanceof QueryFailedError ? err.driverError : err;
  if (!raw || typeof raw !== 'object') return undefined;
  const e = raw as { code?: unknown; constraint?: unknown; table?: unknown; column?: unknown; message?: unknown };
  // SQLSTATEs are five characters; Node's own errors (ECONNREFUSED...) are not PostgreSQL's.
  if (typeof e.code !== 'string' || !/^[0-9A-Z]{5}$/.test(e.code)) return undefined;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return { code: e.code, constraint: str(e.constraint), table: str(e.table), column: str(e.column), message: str(e.message) };
}

/** Deadlock or serialization failure: PostgreSQL aborted the transaction and running it again may succeed. */
export function isTransientTransactionError(err: unknown): boolean {
  const code = pgErrorOf(err)?.code;
  return code === PG.deadlockDetected || code === PG.serializationFailure;
}
