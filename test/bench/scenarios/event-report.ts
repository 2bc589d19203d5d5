import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { EVENT_REPORT_SQL, FOLD_TALLY_SQL } from '../../../src/reports/reports.sql';
import { BenchContext, Load, machineNote, sampleMachine, Scenario, type Machine } from '../harness';

const REGISTRATIONS = 100_000;
const UNITS = 500;
const CONNECTIONS = 4;
/** Reports measured per run (a fixed number, so that a slow machine still gives figures). */
const AMOUNT = 80;

/** What the same statement achieves run directly with `pg` (no HTTP, no framework) at the same concurrency. */
export interface RawLoad {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /** Seconds the measured runs took. */
  elapsedS: number;
  /** Each run's time, ms, in the order they ended. */
  latencies: number[];
  machine: Machine;
}

/** Figures of a set of runs (`latencies`, ms) that took `elapsedS` seconds. */
function rawLoad(latencies: number[], elapsedS: number, machine: Machine): RawLoad {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { rps: sorted.length / elapsedS, p50: at(0.5), p99: at(0.99), requests: sorted.length, elapsedS, latencies, machine };
}

/** Two measurements of the same statement as one: all their runs, over both their times. */
export function joinRawLoads(a: RawLoad, b: RawLoad): RawLoad {
  return rawLoad([...a.latencies, ...b.latencies], a.elapsedS + b.elapsedS, a.machine.idlePct <= b.machine.idlePct ? a.machine : b.machine);
}

/**
 * Runs `text` with `values` on a pg pool of `connections`, that many at a time, `amount` times
 * (after one unmeasured run per connection): the statement's own limit on this machine and database.
 */
export async function measureSql(databaseUrl: string, text: string, values: unknown[], connections: number, amount: number): Promise<RawLoad> {
  const pool = new Pool({ connectionString: databaseUrl, max: connections });
  try {
    const runTimes = async (n: number, latencies: number[] | null) => {
      let left = n;
      await Promise.all(
        Array.from({ length: connections }, async () => {
          while (left-- > 0) {
            const t0 = performance.now();
            await pool.query(text, values);
            latencies?.push(performance.now() - t0);
          }
        }),
      );
    };
    await runTimes(connections, null);
    const machine = await sampleMachine();
    const latencies: number[] = [];
    const started = performance.now();
    await runTimes(amount, latencies);
    return rawLoad(latencies, (performance.now() - started) / 1_000, machine);
  } finally {
    await pool.end();
  }
}

/** A leader of `organizationId`, logged in: reports are measured as a leader reads them (scope checks included). */
export async function leaderToken(ctx: BenchContext, organizationId: string): Promise<string> {
  const password = `bench-${randomBytes(6).toString('hex')}`;
  const leader = await ctx.api('POST', '/api/v1/users', { email: `leader-${randomBytes(3).toString('hex')}@bench.local`, password, fullName: 'Lãnh đạo', role: 'leader', organizationId });
  return (await ctx.api('POST', '/api/v1/auth/login', { email: leader.email, password })).accessToken;
}

/** The report's data, set-based: 500 units under `rootId` (20 districts x 24 communes), quotas, registrations, check-ins, sessions. */
export async function seedEventReport(sql: BenchContext['sql'], rootId: string, eventId: string): Promise<void> {
  const run = randomBytes(3).toString('hex');
  // 20 districts x 24 communes + the districts + the province = 501 units.
  await sql(`INSERT INTO organization (name, parent_id, path) SELECT 'Huyện ' || $2 || '-' || g, $1, ARRAY[$1::uuid] FROM generate_series(1, 20) g`, [rootId, run]);
  await sql(
    `INSERT INTO organization (name, parent_id, path)
     SELECT 'Xã ' || d.name || '-' || g, d.id, d.path || d.id FROM organization d, generate_series(1, 24) g WHERE d.parent_id = $1`,
    [rootId],
  );
  await sql(
    `WITH units AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM organization WHERE id = $2 OR path @> ARRAY[$2::uuid])
     INSERT INTO event_quota (event_id, organization_id, seats) SELECT $1, id, 150 + (n % 100) FROM units`,
    [eventId, rootId],
  );
  await sql(
    `WITH units AS (SELECT array_agg(id ORDER BY id) AS ids FROM organization WHERE id = $2 OR path @> ARRAY[$2::uuid])
     INSERT INTO registration (event_id, full_name, email, role, status, source, token_hash, code, organization_id, confirmed_at)
     SELECT $1, 'Đại biểu ' || i, 'r' || i || '-' || $3 || '@bench.local',
            CASE WHEN i % 20 = 0 THEN 'official' ELSE 'delegate' END,
            CASE WHEN i % 10 = 0 THEN 'declined' ELSE 'confirmed' END, 'import',
            decode(md5($3 || 't' || i) || md5($3 || 'u' || i), 'hex'), upper(substr(md5($3), 1, 4)) || lpad(upper(to_hex(i)), 6, '0'),
            units.ids[1 + i % cardinality(units.ids)], now()
       FROM units, generate_series(1, $4::int) AS i`,
    [eventId, rootId, run, REGISTRATIONS],
  );
  const start = Date.now() + 7 * 86_400_000;
  await sql(
    `INSERT INTO session (event_id, title, starts_at, ends_at) SELECT $1, 'Phiên ' || g, to_timestamp($2 / 1000.0) + (g - 1) * interval '1 hour', to_timestamp($2 / 1000.0) + g * interval '1 hour' FROM generate_series(1, 3) g`,
    [eventId, start],
  );
  await sql(
    `INSERT INTO check_in (event_id, registration_id, checked_in_at)
     SELECT $1, r.id, now() FROM registration r WHERE r.event_id = $1 AND r.status = 'confirmed' AND abs(hashtext(r.id::text)) % 10 < 7`,
    [eventId],
  );
  await sql(
    `INSERT INTO check_in (event_id, registration_id, session_id, checked_in_at)
     SELECT c.event_id, c.registration_id, s.id, now() FROM check_in c JOIN session s ON s.event_id = c.event_id
      WHERE c.event_id = $1 AND c.session_id IS NULL AND abs(hashtext(c.registration_id::text || s.id::text)) % 2 = 0`,
    [eventId],
  );
  // The tally as the reports keep it (the first report would fold it anyway), then the statistics autovacuum would gather.
  await sql(FOLD_TALLY_SQL, [eventId]);
  for (const table of ['organization', 'event_quota', 'registration', 'registration_tally', 'check_in', 'session']) await sql(`VACUUM ANALYZE ${table}`);
}

/** One report path measured through HTTP and the same statement with pg, both at `connections` at a time. */
export interface ReportAt {
  connections: number;
  load: Load;
  raw: RawLoad;
  rps: number;
}

/**
 * Measures `path` (as the leader `token`) `amount` times at `connections` concurrent (after one
 * unmeasured run per connection), and `text` with `values` directly with pg, the same way: half of
 * the statement's runs just before the requests and half just after, as one limit. The same
 * statement, measured twice in a row on this shared machine, took 20 ms and then 30 ms (p50, one at
 * a time, a 25 ms report): measured only after the requests, the limit took whatever the machine
 * did next; on both sides, a drift over the measurement weighs on both figures alike.
 */
export async function measureReportAt(ctx: BenchContext, path: string, token: string, text: string, values: unknown[], connections: number, amount: number): Promise<ReportAt> {
  const headers = { Authorization: `Bearer ${token}` };
  await ctx.load({ path, headers, connections, amount: connections, warmup: false });
  const before = await measureSql(ctx.databaseUrl, text, values, connections, Math.ceil(amount / 2));
  const load = await ctx.load({ path, headers, connections, amount, warmup: false });
  const after = await measureSql(ctx.databaseUrl, text, values, connections, Math.floor(amount / 2));
  return { connections, load, raw: joinRawLoads(before, after), rps: load.requests / load.durationS };
}

/**
 * design.md: the per-unit attendance report of an event with 100,000 registrations in 500 units,
 * ≥ 70 % of the same SQL run directly, p50 ≤ 150 ms. The data is written set-based
 * (generate_series): a province, 20 districts of 24 communes each, every unit with a quota,
 * 90 % of registrations confirmed, 70 % of those checked in, 3 sessions.
 *
 * Measured at two concurrencies, each next to the same statement (EVENT_REPORT_SQL, imported) run
 * with pg at the same concurrency: 1 at a time (one leader opening one report: the latency a
 * person sees) and 4 at a time (four leaders at once on this 2-core machine: each report then
 * waits for CPU behind the others, so its p50 is about twice its own run time). design.md does not
 * say at what concurrency its p50 is meant; the verdict takes both: each p50 row and each ratio row
 * has the target, so a miss at either concurrency fails the run (neither figure hides the other).
 */
export const eventReport: Scenario = {
  name: 'event-report',
  description: `GET /reports/events/:id over ${REGISTRATIONS.toLocaleString('en-US')} registrations in ${UNITS} units (${AMOUNT} at 1 and at ${CONNECTIONS} concurrent), and the same SQL with pg`,
  async run(ctx) {
    const root = await ctx.createOrganization({ name: 'LĐLĐ tỉnh bench báo cáo' });
    const event = await ctx.createEvent(root.id, { capacity: null });
    await ctx.api('POST', `/api/v1/events/${event.id}/publish`);
    await seedEventReport(ctx.sql, root.id, event.id);
    const [{ units }] = await ctx.sql<{ units: number }>(`SELECT count(*)::int AS units FROM organization WHERE id = $1 OR path @> ARRAY[$1::uuid]`, [root.id]);

    const token = await leaderToken(ctx, root.id);
    const path = `/api/v1/reports/events/${event.id}`;
    const at = [];
    for (const connections of [1, CONNECTIONS]) at.push(await measureReportAt(ctx, path, token, EVENT_REPORT_SQL, [event.id], connections, AMOUNT));
    const report = await ctx.api('GET', path, undefined, token);
    const scenario = this.name;
    return [
      ctx.row({ scenario, metric: 'units in the report (with a quota)', unit: 'units', value: report.byOrganization.length, limit: units, target: `all ${units} units`, pass: report.byOrganization.length === units }),
      ...at.flatMap(({ connections, load, raw, rps }) => {
        const machine = machineNote(load.machine, raw.machine);
        const c = connections === 1 ? '1 at a time' : `${connections} concurrent`;
        return [
          ctx.row({ scenario, metric: `event reports/s vs the same SQL with pg, ${c}`, unit: 'req/s', value: rps, limit: raw.rps, target: '≥ 70 % of raw', pass: rps >= 0.7 * raw.rps, machine }),
          ctx.row({ scenario, metric: `event report p50, ${c}`, unit: 'ms', value: load.p50, limit: 150, target: '≤ 150 ms', pass: load.p50 <= 150, machine }),
          ctx.row({ scenario, metric: `event report p50 vs raw SQL p50, ${c}`, unit: 'ms', value: load.p50, limit: raw.p50, target: '', pass: null, machine }),
          ctx.row({ scenario, metric: `event report p99 vs raw SQL p99, ${c}`, unit: 'ms', value: load.p99, limit: raw.p99, target: '', pass: null, machine }),
        ];
      }),
    ];
  },
};
