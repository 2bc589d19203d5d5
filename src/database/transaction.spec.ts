import { Logger } from '@nestjs/common';
import { EntityManager, QueryFailedError } from 'typeorm';
import { runInTransaction } from './transaction';

/** A manager whose transaction() just calls the work, counting the transactions it opened. */
function fakeManager(opts: { inTransaction?: boolean } = {}) {
  const m = {
    opened: 0,
    isolations: [] as (string | undefined)[],
    queryRunner: opts.inTransaction ? { isTransactionActive: true } : undefined,
    async transaction(a: unknown, b?: unknown) {
      m.opened++;
      const work = (typeof a === 'function' ? a : b) as (mgr: EntityManager) => Promise<unknown>;
      m.isolations.push(typeof a === 'string' ? a : undefined);
      return work(m as unknown as EntityManager);
    },
  };
  return m;
}

const pgError = (code: string) => new QueryFailedError('SELECT 1', [], Object.assign(new Error(`pg ${code}`), { code }));
const fast = { baseDelayMs: 1, maxDelayMs: 2 };

describe('runInTransaction', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']));

  it.each(['40P01', '40001'])('runs the work again from scratch after %s and returns what the last run returned', async (code) => {
    const m = fakeManager();
    let runs = 0;
    const result = await runInTransaction(m as unknown as EntityManager, async () => {
      runs++;
      if (runs < 3) throw pgError(code);
      return `run ${runs}`;
    }, fast);
    expect(result).toBe('run 3');
    expect(m.opened).toBe(3);
  });

  it('retries a bare pg error (a query on the pool) as well as a QueryFailedError', async () => {
    const m = fakeManager();
    let runs = 0;
    await runInTransaction(m as unknown as EntityManager, async () => {
      if (++runs === 1) throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
    }, fast);
    expect(runs).toBe(2);
  });

  it('gives up after `attempts` runs and throws the last abort', async () => {
    const m = fakeManager();
    const work = jest.fn(async () => {
      throw pgError('40P01');
    });
    await expect(runInTransaction(m as unknown as EntityManager, work, { ...fast, attempts: 4 })).rejects.toMatchObject({ driverError: { code: '40P01' } });
    expect(work).toHaveBeenCalledTimes(4);
  });

  it('gives up after 5 runs by default', async () => {
    const m = fakeManager();
    const work = jest.fn(async () => {
      throw pgError('40001');
    });
    await expect(runInTransaction(m as unknown as EntityManager, work, fast)).rejects.toBeInstanceOf(QueryFailedError);
    expect(work).toHaveBeenCalledTimes(5);
  });

  it.each([
    ['a unique violation', pgError('23505')],
    ['an exclusion violation', pgError('23P01')],
    ['a lost connection', Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' })],
    ['a domain error', new Error('event is full')],
  ])('does not retry %s', async (_name, error) => {
    const m = fakeManager();
    const work = jest.fn(async () => {
      throw error;
    });
    await expect(runInTransaction(m as unknown as EntityManager, work, fast)).rejects.toBe(error);
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('waits a jittered, growing, bounded time between runs', async () => {
    const m = fakeManager();
    const delays: number[] = [];
    const spy = jest.spyOn(global, 'setTimeout').mockImplementation(((fn: () => void, ms: number) => {
      delays.push(ms);
      fn();
      return 0 as unknown as NodeJS.Timeout;
    }) as typeof setTimeout);
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.999);
    try {
      await expect(
        runInTransaction(m as unknown as EntityManager, async () => {
          throw pgError('40P01');
        }, { attempts: 6, baseDelayMs: 10, maxDelayMs: 50 }),
      ).rejects.toBeInstanceOf(QueryFailedError);
    } finally {
      spy.mockRestore();
      random.mockRestore();
    }
    expect(delays.map(Math.round)).toEqual([10, 20, 40, 50, 50]);
  });

  it('passes the isolation level to every run', async () => {
    const m = fakeManager();
    let runs = 0;
    await runInTransaction(m as unknown as EntityManager, async () => {
      if (++runs === 1) throw pgError('40001');
    }, { ...fast, isolation: 'SERIALIZABLE' });
    expect(m.isolations).toEqual(['SERIALIZABLE', 'SERIALIZABLE']);
  });

  it('inside an open transaction runs the work once and leaves the retry to the outer transaction', async () => {
    const m = fakeManager({ inTransaction: true });
    const work = jest.fn(async () => {
      throw pgError('40P01');
    });
    await expect(runInTransaction(m as unknown as EntityManager, work, fast)).rejects.toBeInstanceOf(QueryFailedError);
    expect(work).toHaveBeenCalledTimes(1);
  });
});
