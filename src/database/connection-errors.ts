import { Logger, ServiceUnavailableException } from '@nestjs/common';
import type { ClientBase } from 'pg';

/**
 * What a lost or unreachable PostgreSQL connection looks like, and the few
 * things done about it: restarts, failovers, pg_terminate_backend, a pooler's
 * idle timeout and network cuts all end connections at any moment.
 */

// SQLSTATEs: admin_shutdown, crash_shutdown, cannot_connect_now (starting up or shutting down),
// connection_exception and its kinds, too_many_connections.
const LOST_SQLSTATES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300']);
// Node's socket errors on the way to the server.
const LOST_ERRNOS = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// pg, pg-pool and TypeORM say these in words only.
const LOST_MESSAGES = [
  /^Connection terminated/, // "... unexpectedly", "... due to connection timeout"
  /not queryable/, // "Client has encountered a connection error and is not queryable"
  /timeout exceeded when trying to connect/,
  /is not currently accepting connections/, // 55000: the database taken offline (ALLOW_CONNECTIONS false)
];
// TypeORM, after a transaction's connection died (its runner released itself on the client's
// 'error'): the transaction's next statement throws one of these instead of reaching PostgreSQL.
const LOST_ERROR_NAMES = new Set(['QueryRunnerAlreadyReleasedError', 'QueryRunnerProviderAlreadyReleasedError']);

/** Seconds a client is told to wait (Retry-After) when the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

/**
 * True when `err` (a pg error, TypeORM's QueryFailedError around one, or an
 * error whose `cause` is one) means the connection to PostgreSQL was lost or
 * could not be made: the statement may be repeated on another connection.
 * Errors PostgreSQL raised about the statement itself (23505...) are not.
 */
export function isConnectionLost(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code, message, name } = e as { code?: unknown; message?: unknown; name?: unknown };
    if (typeof code === 'string' && (LOST_SQLSTATES.has(code) || LOST_ERRNOS.has(code))) return true;
    if (typeof name === 'string' && LOST_ERROR_NAMES.has(name)) return true;
    if (typeof message === 'string' && LOST_MESSAGES.some((re) => re.test(message))) return true;
    // AggregateError (a connect that tried IPv4 and IPv6) carries the socket errors in `errors`.
    const inner = (e as { errors?: unknown[] }).errors;
    if (Array.isArray(inner) && inner.some((x) => isConnectionLost(x))) return true;
    e = (e as { driverError?: unknown }).driverError ?? (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * What a request whose database connection was lost answers: 503 with
 * Retry-After (the error filter reads `retryAfterSeconds`). Nothing partial
 * was left: a transaction cut short is rolled back by PostgreSQL itself.
 */
export class DatabaseUnavailableException extends ServiceUnavailableException {
  readonly retryAfterSeconds = DATABASE_RETRY_AFTER_SECONDS;
  constructor(cause: unknown) {
    super('The database is not reachable right now. Try again in a few seconds.', { cause });
  }
}

const logger = new Logger('Database');
const LOG_EVERY_MS = 10_000;
let lastLog = 0;
let quiet = 0;

/**
 * Logs a connection error seen outside any statement (an idle client, a
 * checked-out client between statements): at most one line per 10 s during
 * an outage. Only code and message: pg-pool attaches the client to the error,
 * and its connection parameters hold the password.
 */
export function logConnectionError(err: unknown, where: string): void {
  const now = Date.now();
  if (now - lastLog < LOG_EVERY_MS) {
    quiet++;
    return;
  }
  const e = err as { code?: string; message?: string };
  const more = quiet ? ` (${quiet} more since the last report)` : '';
  lastLog = now;
  quiet = 0;
  logger.warn(`${where}: PostgreSQL connection lost${e?.code ? ` (${e.code})` : ''}: ${e?.message ?? String(err)}${more}`);
}

/**
 * The pool's `onConnect` hook: every client gets an 'error' listener of its
 * own for its whole life. pg-pool listens only while a client is idle, and
 * TypeORM attaches its listener a promise tick after checkout, so an error
 * that arrives in the same socket read as the client's release (seen under
 * load: ReadyForQuery then 57P01 in one chunk) found no listener and ended
 * the process. Logging is all that is left to do here: the client is already
 * marked unusable, its pending queries fail, and the pool discards it when
 * it comes back.
 */
export function listenForClientErrors(client: ClientBase): void {
  client.on('error', (err) => logConnectionError(err, 'pooled client'));
}

/**
 * Runs `work` (one statement that is safe to repeat: a read, or an
 * idempotent write) and, when the connection was lost under it, once more
 * after a short pause, which gets a fresh connection: the pool discards
 * broken clients, and the pause lets it see the other clients the same
 * restart broke.
 */
export async function retryOnceIfConnectionLost<T>(work: () => Promise<T>, pauseMs = 50): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!isConnectionLost(err)) throw err;
    await new Promise((resolve) => setTimeout(resolve, pauseMs + Math.random() * pauseMs));
    return work();
  }
}
