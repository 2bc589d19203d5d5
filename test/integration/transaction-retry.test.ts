import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ensureDatabase } from '../../src/database/database-setup';
import { pgErrorOf } from '../../src/database/pg-error';
import { runInTransaction } from '../../src/database/transaction';
import { dropDatabase, testConfig } from '../support/test-app';

/** Resolves for everyone once `parties` callers have arrived. */
function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return () => {
    if (++arrived === parties) open();
    return opened;
  };
}

/** The shared transaction helper against a real PostgreSQL: real deadlocks and serialization failures. */
describe('runInTransaction on PostgreSQL', () => {
  let url: string;
  let db: DataSource;

  beforeAll(async () => {
    Logger.overrideLogger(['error', 'warn']);
    url = testConfig().databaseUrl;
    await ensureDatabase(url);
    db = new DataSource({ type: 'postgres', url, extra: { max: 4 } });
    await db.initialize();
    await db.query('CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)');
  });
  afterAll(async () => {
    await db?.destroy();
    if (url) await dropDatabase(url);
  });
  beforeEach(async () => {
    await db.query('TRUNCATE counter');
    await db.query('INSERT INTO counter VALUES (1, 0), (2, 0)');
  });

  it('runs the victim of a real deadlock (40P01) again, and both transactions commit once', async () => {
    const bothHoldFirstRow = barrier(2);
    const runs = { a: 0, b: 0 };
    const aborts: string[] = [];
    const bump = (name: 'a' | 'b', first: number, second: number) =>
      runInTransaction(db, async (manager) => {
        runs[name]++;
        await manager.query('UPDATE counter SET n = n + 1 WHERE id = $1', [first]);
        // Only the first runs meet: each then waits for the row the other holds.
        if (runs[name] === 1) await bothHoldFirstRow();
        try {
          await manager.query('UPDATE counter SET n = n + 1 WHERE id = $1', [second]);
        } catch (err) {
          aborts.push(pgErrorOf(err)?.code ?? String(err));
          throw err;
        }
      });

    await Promise.all([bump('a', 1, 2), bump('b', 2, 1)]);

    expect(aborts).toEqual(['40P01']);
    expect(runs.a + runs.b).toBe(3);
    // Each transaction's two increments landed exactly once: the aborted run left nothing behind.
    expect(await db.query('SELECT id, n FROM counter ORDER BY id')).toEqual([
      { id: 1, n: 2 },
      { id: 2, n: 2 },
    ]);
  });

  it('runs a SERIALIZABLE transaction again after a real serialization failure (40001), so write skew cannot happen', async () => {
    // The rule: at most one counter may be set. Each transaction checks, then sets its own.
    const bothHaveRead = barrier(2);
    const runs = { a: 0, b: 0 };
    const claim = (name: 'a' | 'b', id: number) =>
      runInTransaction(
        db,
        async (manager) => {
          runs[name]++;
          const [{ set }] = await manager.query('SELECT count(*)::int AS set FROM counter WHERE n > 0');
          if (runs[name] === 1) await bothHaveRead();
          if (set === 0) await manager.query('UPDATE counter SET n = 1 WHERE id = $1', [id]);
          return set === 0;
        },
        { isolation: 'SERIALIZABLE' },
      );

    const results = await Promise.all([claim('a', 1), claim('b', 2)]);

    expect(runs.a + runs.b).toBe(3);
    expect(results.sort()).toEqual([false, true]);
    const [{ set }] = await db.query('SELECT count(*)::int AS set FROM counter WHERE n > 0');
    expect(set).toBe(1);
  });

  it('does not run again on other errors (a unique violation reaches the caller at once)', async () => {
    let runs = 0;
    await expect(
      runInTransaction(db, async (manager) => {
        runs++;
        await manager.query('INSERT INTO counter VALUES (1, 5)');
      }),
    ).rejects.toMatchObject({ driverError: expect.objectContaining({ code: '23505' }) });
    expect(runs).toBe(1);
  });
});
