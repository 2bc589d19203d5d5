import { Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel';
import { isTransientTransactionError, pgErrorOf } from './pg-error';

export interface TransactionOptions {
  isolation?: IsolationLevel;
  /** Runs of `work` in all, the first included (default 5). */
  attempts?: number;
  /** Upper bound of the first backoff; it doubles per retry up to maxDelayMs (defaults 10 ms and 250 ms). */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export const DEFAULT_TRANSACTION_ATTEMPTS = 5;

const logger = new Logger('Transaction');

/**
 * Runs `work` in a transaction and returns once it has committed. When
 * PostgreSQL aborts it with a deadlock (40P01) or a serialization failure
 * (40001), the whole transaction is run again from scratch after a jittered
 * backoff, up to `attempts` runs; any other error is thrown at once.
 *
 * So `work` may run more than once: it must only read and write through
 * `manager` and build its state inside the callback. Side effects outside
 * the database (nudging the outbox relay, mail.written(), logs of what was
 * done) belong after the returned promise resolves, or in an
 * afterTransactionCommit subscriber (OutboxService does this for outbox rows).
 *
 * Called with a manager that is already inside a transaction, it only runs
 * `work` there (a savepoint): the abort belongs to the outer transaction,
 * whose own helper retries it.
 */
export async function runInTransaction<T>(
  db: DataSource | EntityManager,
  work: (manager: EntityManager) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const manager = db instanceof DataSource ? db.manager : db;
  const run = () => (options.isolation ? manager.transaction(options.isolation, work) : manager.transaction(work));
  if (manager.queryRunner?.isTransactionActive) return run();
  const attempts = Math.max(1, options.attempts ?? DEFAULT_TRANSACTION_ATTEMPTS);
  const base = options.baseDelayMs ?? 10;
  const max = options.maxDelayMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (!isTransientTransactionError(err)) throw err;
      const code = pgErrorOf(err)!.code;
      if (attempt >= attempts) {
        logger.warn(`transaction aborted by PostgreSQL (${code}) ${attempt} times; giving up`);
        throw err;
      }
      // Full jitter: two transactions that clashed once should not clash again in lockstep.
      const delay = Math.random() * Math.min(max, base * 2 ** (attempt - 1));
      logger.debug(`transaction aborted by PostgreSQL (${code}); retry ${attempt} of ${attempts - 1} in ${Math.round(delay)} ms`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
