import { DataSource, DataSourceOptions } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { ensureDatabase } from '../../src/database/database-setup';
import { dropDatabase, testConfig } from '../support/test-app';

/** Every constraint, index and column of the given tables, as PostgreSQL itself prints them. */
async function schemaLines(ds: DataSource, tables: string[]): Promise<string[]> {
  const rows: { line: string }[] = await ds.query(
    `SELECT c.relname || ' constraint ' || con.conname || ': ' || pg_get_constraintdef(con.oid) AS line
       FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relname = ANY($1)
     UNION ALL
     SELECT tablename || ' index ' || indexname || ': ' || indexdef FROM pg_indexes
      WHERE schemaname = 'public' AND tablename = ANY($1)
     UNION ALL
     SELECT table_name || ' column ' || column_name || ': ' ||
            concat_ws(' ', udt_name, character_maximum_length, CASE is_nullable WHEN 'NO' THEN 'NOT NULL' END, column_default)
       FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ANY($1)
     ORDER BY 1`,
    [tables],
  );
  return rows.map((r) => r.line);
}

/**
 * The migrations are the truth about the schema; the entities must describe
 * them, or an organizer's next `migration:generate` proposes dropping foreign
 * keys, CHECKs and the speaker exclusion constraint.
 */
describe('schema drift between the entities and the migrations', () => {
  const migratedConfig = testConfig();
  const synchronizedConfig = testConfig();
  let migrated: DataSource;

  beforeAll(async () => {
    await ensureDatabase(migratedConfig.databaseUrl);
    migrated = new DataSource(dataSourceOptions(migratedConfig));
    await migrated.initialize();
    await migrated.runMigrations({ transaction: 'each' });
  });
  afterAll(async () => {
    await migrated?.destroy();
    await dropDatabase(migratedConfig.databaseUrl);
    await dropDatabase(synchronizedConfig.databaseUrl);
  });

  it('after all migrations, the schema builder has nothing to change (migration:generate would propose nothing)', async () => {
    const { upQueries } = await migrated.driver.createSchemaBuilder().log();
    const pending = upQueries.map((q) => q.query);
    if (pending.length > 0) {
      throw new Error(`The entities and the migrations disagree: migration:generate would propose ${pending.length} statements:\n${pending.join('\n')}`);
    }
    expect(pending).toEqual([]);
  });

  // The schema builder compares CHECKs and exclusions by name only, and indexes by
  // name, columns and type: a wrong expression under the right name would pass the
  // test above. Building a second database from the entities alone and comparing
  // what PostgreSQL prints catches that.
  it('a database built from the entities alone has the same columns, keys, CHECKs, exclusions and indexes, but for the indexes TypeORM must leave alone', async () => {
    await ensureDatabase(synchronizedConfig.databaseUrl);
    // pgcrypto: gen_random_uuid() as the migrations write it (uuid-ossp's uuid_generate_v4() otherwise).
    const options = { ...dataSourceOptions(synchronizedConfig), uuidExtension: 'pgcrypto' } as DataSourceOptions;
    const synchronized = new DataSource(options);
    await synchronized.initialize();
    try {
      await synchronized.synchronize();
      const tables = migrated.entityMetadatas.map((m) => m.tableName);
      const unsynchronized = migrated.entityMetadatas.flatMap((m) => m.indices.filter((i) => i.synchronize === false).map((i) => `${m.tableName} index ${i.name}:`));
      const migratedLines = await schemaLines(migrated, tables);
      // Each index that TypeORM must leave alone exists, made by a migration.
      expect(unsynchronized.filter((prefix) => !migratedLines.some((line) => line.startsWith(prefix)))).toEqual([]);

      const fromMigrations = migratedLines.filter((line) => !unsynchronized.some((prefix) => line.startsWith(prefix)));
      const fromEntities = await schemaLines(synchronized, tables);

      expect({ onlyInMigrations: fromMigrations.filter((l) => !fromEntities.includes(l)), onlyInEntities: fromEntities.filter((l) => !fromMigrations.includes(l)) }).toEqual({
        onlyInMigrations: [],
        onlyInEntities: [],
      });
    } finally {
      await synchronized.destroy();
    }
  });
});
