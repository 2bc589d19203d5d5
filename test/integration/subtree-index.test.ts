import type { AuthUser } from '../../src/auth/auth-user';
import { CheckInsRepository } from '../../src/check-ins/check-ins.repository';
import { EventsRepository } from '../../src/events/events.repository';
import { OrganizationsService } from '../../src/organizations/organizations.service';
import { OrganizationsRepository } from '../../src/organizations/organizations.repository';
import { RegistrationsRepository } from '../../src/registrations/registrations.repository';
import { RegistrationPageQueries } from '../../src/web/registrations/registration-page-queries';
import { startTestApp, TestApp } from '../support/test-app';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const nodesOf = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodesOf)];

/**
 * The subtree test is `id = X OR path @> ARRAY[X]`: the GIN index on
 * organization.path (idx_organization_path, array_ops) answers `@>`, while
 * `X = ANY(path)` can only be a sequential scan of every unit. Checked on the
 * SQL the app really sends (captured from TypeORM's logger and the pg pool),
 * on a tree of a few thousand units, after ANALYZE.
 */
describe('subtree queries use the GIN index on organization.path', () => {
  let t: TestApp;
  let province: string;
  let leaf: string;
  let deep: string;
  let sent: { sql: string; params: unknown[] }[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    // 40 provinces x 10 districts x 10 communes (4,440 units), and a chain 60 deep under province 1.
    await t.dataSource.query(`INSERT INTO organization (name, path) SELECT 'Tỉnh ' || g, '{}' FROM generate_series(1, 40) g`);
    await t.dataSource.query(
      `INSERT INTO organization (name, parent_id, path)
       SELECT 'Huyện ' || g, p.id, p.path || p.id FROM organization p, generate_series(1, 10) g WHERE p.name LIKE 'Tỉnh %'`,
    );
    await t.dataSource.query(
      `INSERT INTO organization (name, parent_id, path)
       SELECT 'Xã ' || g, d.id, d.path || d.id FROM organization d, generate_series(1, 10) g WHERE d.name LIKE 'Huyện %'`,
    );
    await t.dataSource.query(`
      DO $$
      DECLARE parent organization;
      BEGIN
        SELECT * INTO parent FROM organization WHERE name = 'Tỉnh 1';
        FOR i IN 1..60 LOOP
          INSERT INTO organization (name, parent_id, path) VALUES ('Cấp ' || i, parent.id, parent.path || parent.id) RETURNING * INTO parent;
        END LOOP;
      END $$`);
    // One event per unit, so that lists filtered by scope have rows to choose from.
    await t.dataSource.query(
      `INSERT INTO event (slug, kind, title, organization_id, starts_at, ends_at)
       SELECT 'su-kien-' || row_number() OVER (), 'training', 'Sự kiện', id, now(), now() + interval '1 hour' FROM organization`,
    );
    // VACUUM as well as ANALYZE, as autovacuum would: rows bulk-inserted into a GIN index wait in its pending
    // list, which the planner charges for until a vacuum merges it (then the index looks 15 times dearer).
    await t.dataSource.query('VACUUM ANALYZE organization');
    await t.dataSource.query('VACUUM ANALYZE event');
    [{ id: province }] = await t.dataSource.query(`SELECT id FROM organization WHERE name = 'Tỉnh 7'`);
    [{ id: leaf }] = await t.dataSource.query(`SELECT id FROM organization WHERE path[1] = $1 AND cardinality(path) = 2 LIMIT 1`, [province]);
    [{ id: deep }] = await t.dataSource.query(`SELECT id FROM organization WHERE name = 'Cấp 30'`);

    jest.spyOn(t.dataSource.logger, 'logQuery').mockImplementation((sql: string, params?: unknown) => {
      sent.push({ sql, params: Array.isArray(params) ? params : [] });
    });
  }, 120_000);
  afterAll(async () => {
    jest.restoreAllMocks();
    await t?.close();
  });
  beforeEach(() => {
    sent = [];
  });

  /** The statements just sent that read the organization tree. */
  const organizationQueries = () => sent.filter((q) => /\borganization\b/.test(q.sql) && !/^(START|COMMIT|ROLLBACK|SET)/i.test(q.sql.trim()));

  const planOf = async (sql: string, params: unknown[]): Promise<PlanNode[]> => {
    const [row] = await t.dataSource.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
    const plan = typeof row['QUERY PLAN'] === 'string' ? JSON.parse(row['QUERY PLAN']) : row['QUERY PLAN'];
    return nodesOf(plan[0].Plan);
  };

  /** No Seq Scan on organization; with `gin`, a Bitmap Index Scan on idx_organization_path (the SQL is shown on failure). */
  const expectIndexed = async (q: { sql: string; params: unknown[] }, { gin = true } = {}) => {
    const nodes = await planOf(q.sql, q.params);
    const seqScans = nodes.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'organization').length;
    const ginScans = nodes.filter((n) => n['Node Type'] === 'Bitmap Index Scan' && n['Index Name'] === 'idx_organization_path').length;
    expect({ sql: q.sql, seqScans, usesGin: ginScans > 0 }).toEqual({ sql: q.sql, seqScans: 0, usesGin: gin ? true : ginScans > 0 });
  };

  it('lists a unit subtree (organizations list) with a Bitmap Index Scan on idx_organization_path', async () => {
    const units = await t.app.get(OrganizationsRepository).findInSubtree(province);
    expect(units).toHaveLength(1 + 10 + 100);
    const queries = organizationQueries();
    expect(queries).toHaveLength(1);
    await expectIndexed(queries[0]);

    const chain = await t.app.get(OrganizationsRepository).findInSubtree(deep);
    expect(chain.map((u) => u.name)).toEqual(Array.from({ length: 31 }, (_, i) => `Cấp ${30 + i}`));
  });

  it('limits a non-admin list to the subtree (the scope condition of the events list) through the GIN index', async () => {
    const organizer: AuthUser = { id: '00000000-0000-0000-0000-000000000001', email: 'o@test.local', fullName: 'O', role: 'organizer', organizationId: province };
    const [rows, total] = await t.app.get(EventsRepository).findPageVisibleTo(organizer, { page: 1, pageSize: 20 });
    expect(total).toBe(111);
    expect(rows).toHaveLength(20);
    const queries = organizationQueries();
    expect(queries.length).toBeGreaterThan(0);
    for (const q of queries) await expectIndexed(q);
  });

  it('checks one unit against a scope without scanning the tree', async () => {
    const repo = t.app.get(OrganizationsRepository);
    expect(await repo.isInSubtree(leaf, province)).toBe(true);
    expect(await repo.isInSubtree(province, province)).toBe(true);
    expect(await repo.isInSubtree(province, leaf)).toBe(false);
    const queries = organizationQueries();
    expect(queries).toHaveLength(3);
    // One row by primary key: the planner rightly reads it through the primary key, not the GIN index.
    for (const q of queries) await expectIndexed(q, { gin: false });
  });

  it('finds the descendants to re-path after a move through the GIN index', async () => {
    const repo = t.app.get(OrganizationsRepository);
    // Explained inside a transaction that is rolled back: the statement is captured, nothing changes.
    await t.dataSource
      .transaction(async (m) => {
        await repo.repathDescendants(m, province, 1, [province]);
        throw new Error('rollback');
      })
      .catch((err: Error) => expect(err.message).toBe('rollback'));
    const update = organizationQueries().find((q) => /^\s*UPDATE organization/i.test(q.sql));
    expect(update).toBeDefined();
    await expectIndexed(update!);
  });

  it('reads the units of a subtree for pages and imports through the GIN index', async () => {
    expect(await t.app.get(RegistrationPageQueries).unitsOfSubtree(province)).toHaveLength(111);
    expect(await t.app.get(OrganizationsService).unitsInSubtree(province)).toHaveLength(111);
    const queries = organizationQueries();
    expect(queries).toHaveLength(2);
    for (const q of queries) await expectIndexed(q);
  });

  it('checks the scanner scope in the check-in statement without scanning the tree', async () => {
    const [{ id: eventId }] = await t.dataSource.query(`SELECT id FROM event WHERE organization_id = $1`, [leaf]);
    const pool = (t.dataSource.driver as unknown as { master: { query: (q: unknown) => Promise<unknown> } }).master;
    const statements: { text: string; values: unknown[] }[] = [];
    const spy = jest.spyOn(pool, 'query').mockImplementation(((q: { text: string; values: unknown[] }) => {
      statements.push(q);
      return Promise.resolve({ rows: [] });
    }) as never);
    try {
      await t.app.get(CheckInsRepository).attempt({
        eventId,
        by: { code: 'NO-SUCH-CODE' },
        sessionId: null,
        scannedAt: new Date(),
        userId: '00000000-0000-0000-0000-000000000001',
        nonce: null,
        scopeRoot: province,
      });
    } finally {
      spy.mockRestore();
    }
    expect(statements).toHaveLength(1);
    expect(statements[0].text).toMatch(/\borganization\b/);
    await expectIndexed({ sql: statements[0].text, params: statements[0].values }, { gin: false });
  });
});
