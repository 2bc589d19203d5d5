import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { ensureDatabase } from '../../src/database/database-setup';
import { dropDatabase, testConfig } from '../support/test-app';

/** What the schema holds besides TypeORM's own bookkeeping (and objects owned by extensions). */
async function schemaObjects(ds: DataSource): Promise<string[]> {
  const rows: { kind: string; name: string }[] = await ds.query(`
    SELECT 'table' AS kind, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND c.relname NOT IN ('migrations', 'migrations_id_seq')
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
    UNION ALL
    SELECT 'type', t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd', 'c') AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind <> 'c')
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = t.oid AND d.deptype = 'e')
    UNION ALL
    SELECT 'function', p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
    ORDER BY 1, 2`);
  return rows.map((r) => `${r.kind} ${r.name}`);
}

describe('migrations', () => {
  const config = testConfig();
  let ds: DataSource;

  beforeAll(async () => {
    await ensureDatabase(config.databaseUrl);
    ds = new DataSource(dataSourceOptions(config));
    await ds.initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await dropDatabase(config.databaseUrl);
  });

  it('run up, all the way down, and up again on a fresh database, leaving nothing behind when down', async () => {
    const total = ds.migrations.length;
    expect(total).toBeGreaterThanOrEqual(2);

    const applied = await ds.runMigrations({ transaction: 'each' });
    expect(applied).toHaveLength(total);
    const upObjects = await schemaObjects(ds);
    expect(upObjects).toEqual(expect.arrayContaining(['table organization', 'table user_account', 'table event']));
    expect(await ds.showMigrations()).toBe(false);

    let reverted = 0;
    while ((await ds.query('SELECT count(*)::int AS n FROM migrations'))[0].n > 0) {
      await ds.undoLastMigration({ transaction: 'each' });
      reverted++;
      if (reverted > total) throw new Error('more reverts than migrations: a down() does not remove its row');
    }
    expect(reverted).toBe(total);
    expect(await schemaObjects(ds)).toEqual([]);

    const again = await ds.runMigrations({ transaction: 'each' });
    expect(again).toHaveLength(total);
    expect(await schemaObjects(ds)).toEqual(upObjects);
  });
});
