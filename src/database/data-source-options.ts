import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/config';
import { listenForClientErrors, logConnectionError } from './connection-errors';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { pgDriverWithWaitingPool } from './waiting-pool';

/**
 * How long a request waits for a pooled connection before it fails (503). It bounds two waits at
 * once (pg-pool): for a free one of the 20 connections, and for a new connection to be made. A
 * stopped or starting PostgreSQL refuses at once (ECONNREFUSED, 57P03), so an outage answers 503
 * quickly whatever this is; it only matters for a silent network. 3 s failed requests that were
 * merely queued behind a storm on a loaded machine (300 at once on 20 connections with both
 * cores busy), so it is set well above what a busy queue takes.
 */
export const POOL_CONNECT_TIMEOUT_MS = 10_000;

/** Options shared by the app, the TypeORM CLI and the tests: one schema, one naming. */
export function dataSourceOptions(config: Pick<AppConfig, 'databaseUrl'>): DataSourceOptions {
  return {
    type: 'postgres',
    // A connection refused because PostgreSQL is full (53300) is retried within the pool wait (waiting-pool.ts).
    driver: pgDriverWithWaitingPool(POOL_CONNECT_TIMEOUT_MS),
    url: config.databaseUrl,
    namingStrategy: new SnakeNamingStrategy(),
    entities: [join(__dirname, '..', '**', '*.entity.{js,ts}')],
    migrations: [join(__dirname, '..', '..', 'migrations', '*.{js,ts}')],
    migrationsTableName: 'migrations',
    // The schema changes only through migrations/ (design.md).
    synchronize: false,
    migrationsRun: false,
    extra: {
      max: 20,
      // A request waits at most this long for a connection (a new one, or a free one of the 20)
      // before it fails with a 503, instead of piling up while PostgreSQL is unreachable.
      connectionTimeoutMillis: POOL_CONNECT_TIMEOUT_MS,
      // Notices a silently dropped peer (a network cut, a NAT forgetting us) on idle connections.
      keepAlive: true,
      onConnect: listenForClientErrors,
    },
    // Idle clients report their lost connection on the pool; TypeORM's default prints every one.
    poolErrorHandler: (err: unknown) => logConnectionError(err, 'idle pooled client'),
  };
}
