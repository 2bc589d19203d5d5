import type { DataSource } from 'typeorm';

/**
 * Resolves once some backend of this test's database waits for another transaction's lock (a row,
 * or an exclusion or unique check): the moment a concurrency test has set up its race.
 */
export async function waitForLockWait(db: DataSource, what = 'the request never waited for the other transaction', timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE NOT l.granted AND l.locktype IN ('transactionid', 'tuple') AND a.datname = current_database()`,
    );
    if (n > 0) return;
    if (Date.now() > deadline) throw new Error(what);
    await new Promise((r) => setTimeout(r, 20));
  }
}
