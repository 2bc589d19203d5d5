import { Client } from 'pg';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { WaitingPool } from '../../src/database/waiting-pool';
import { uniqueSuffix } from '../support/test-app';

const PG_BASE = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

/**
 * PostgreSQL full (53300, "sorry, too many clients already": other processes hold its
 * max_connections) is waited out by the pool instead of failing the requests that needed a new
 * connection. Seen as the 300-registration storms of registrations.test.ts failing beside other
 * tests; here a role with CONNECTION LIMIT 3 stands for the full server (superusers are exempt).
 */
describe('a pool on a PostgreSQL that refuses new connections because it is full', () => {
  const role = `td_limited_${uniqueSuffix()}`;
  let admin: Client;

  beforeAll(async () => {
    admin = new Client({ connectionString: `${PG_BASE}/postgres` });
    await admin.connect();
    await admin.query(`CREATE ROLE "${role}" LOGIN CONNECTION LIMIT 3`);
  });
  afterAll(async () => {
    await admin?.query(`DROP ROLE IF EXISTS "${role}"`).catch(() => undefined);
    await admin?.end();
  });

  const url = () => {
    const u = new URL(`${PG_BASE}/postgres`);
    u.username = role;
    u.password = '';
    return u.toString();
  };
  const storm = async (pool: { query: (sql: string) => Promise<unknown> }) =>
    Promise.allSettled(Array.from({ length: 60 }, () => pool.query('SELECT pg_sleep(0.02)')));

  it('serves 60 concurrent queries on 10 pooled connections of which the server allows 3, and the app uses that pool', async () => {
    const pool = new WaitingPool({ connectionString: url(), max: 10 });
    try {
      const results = await storm(pool);
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(refused.map((r) => (r.reason as Error).message)).toEqual([]);
    } finally {
      await pool.end();
    }
    // The app's DataSource makes its pool from this driver.
    const driver = dataSourceOptions({ databaseUrl: url() }) as { driver?: { Pool: unknown } };
    expect(new (driver.driver!.Pool as typeof WaitingPool)({ connectionString: url() })).toBeInstanceOf(WaitingPool);
  });

  it('past its budget the refusal stands (an outage still answers 503)', async () => {
    const holders = await Promise.all(Array.from({ length: 3 }, async () => {
      const c = new Client({ connectionString: url() });
      await c.connect();
      return c;
    }));
    const pool = new WaitingPool({ connectionString: url(), max: 2 }, 500);
    try {
      await expect(pool.query('SELECT 1')).rejects.toMatchObject({ code: '53300' });
    } finally {
      await pool.end();
      await Promise.all(holders.map((c) => c.end()));
    }
  });
});
