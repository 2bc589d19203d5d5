import * as pg from 'pg';

/** SQLSTATE too_many_connections: the server (max_connections) or the database/role (CONNECTION LIMIT) is full. */
const TOO_MANY_CONNECTIONS = '53300';

/**
 * pg's Pool, except that a new connection PostgreSQL refuses because it is full (53300: other
 * processes hold its max_connections) is tried again after a short jittered pause, within
 * `budgetMs` of the request, instead of failing the request at once. Meanwhile the pool's open
 * connections are released by their requests and taken by the retries, so a storm on a server
 * that is merely busy is served by fewer connections rather than answered with errors (seen as
 * `sorry, too many clients already` in a 300-registration storm beside other processes). Past
 * the budget the error stands (a 503, see connection-errors.ts).
 */
export class WaitingPool extends pg.Pool {
  constructor(
    config?: pg.PoolConfig,
    private readonly budgetMs = 10_000,
  ) {
    super(config);
  }

  // Both forms of pg-pool's connect(): TypeORM uses the callback, the rest the promise.
  override connect(): Promise<pg.PoolClient>;
  override connect(callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): Promise<pg.PoolClient> | void {
    const started = Date.now();
    const attempt = (): Promise<pg.PoolClient> =>
      super.connect().catch(async (err: unknown) => {
        if ((err as { code?: unknown })?.code !== TOO_MANY_CONNECTIONS || this.ending || Date.now() - started >= this.budgetMs) throw err;
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200));
        return attempt();
      });
    if (!callback) return attempt();
    attempt().then(
      (client) => callback(undefined, client, (release?: unknown) => client.release(release as Error | boolean | undefined)),
      (err: Error) => callback(err, undefined, () => undefined),
    );
  }
}

/** The `pg` module as TypeORM loads it (its `driver` option), with WaitingPool as its Pool. */
export function pgDriverWithWaitingPool(budgetMs: number): typeof pg {
  class Pool extends WaitingPool {
    constructor(config?: pg.PoolConfig) {
      super(config, budgetMs);
    }
  }
  return Object.create(pg, { Pool: { value: Pool, enumerable: true } }) as typeof pg;
}
