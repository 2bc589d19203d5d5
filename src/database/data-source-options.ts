import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/config';
import { SnakeNamingStrategy } from './snake-naming.strategy';

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
    extra: { max: 20 },
  };
}
