import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/config';
import { listenForClientErrors, logConnectionError } from './connection-errors';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/** How long a request waits for a pooled connection before it fails (503). */
export const POOL_CONNECT_TIMEOUT_MS = 3000;

/** Options shared by the app, the TypeORM CLI and the tests: one schema, one naming. */
export function dataSourceOptions(config: Pick<AppConfig, 'databaseUrl'>): DataSourceOptions {
  return {
    type: 'postgres',
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
