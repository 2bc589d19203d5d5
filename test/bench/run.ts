import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { BenchReport, DEFAULT_RUN, fullRun, MachineInfo, renderBenchmarks } from './benchmarks-md';
import { BenchApp, createContext, formatRows, machineNote, ROOT, Row, sampleMachine, Scenario } from './harness';
import { SCENARIOS } from './scenarios';

// `npm run bench [-- <name>...] [--duration=10] [--connections=64] [--role=split|all] [--json] [--report=FILE]`: builds, boots the app on a
// fresh database, runs the scenarios, prints each figure next to its limit, drops the database. Without --role
// it runs both process shapes (design.md): every scenario as deployed (an APP_ROLE=api process + an
// APP_ROLE=worker process), then the storms again in one APP_ROLE=all process, as `npm start` runs it. The app
// runs at the default configuration (LOG_LEVEL=info, NODE_ENV=production).
// Exit code 1 when a target is missed.
// A full run (every scenario, both shapes, default --duration and --connections) writes BENCHMARKS.md at the
// repo root (benchmarks-md.ts); any other run leaves it alone, so a partial run never replaces the full
// report. --report=FILE writes the report of any run to FILE instead (marked partial when it is).

type Shape = 'split' | 'all';

function parseArgs(argv: string[]) {
  const options = { names: [] as string[], ...DEFAULT_RUN, json: false, roles: ['split', 'all'] as Shape[], report: undefined as string | undefined };
  for (const arg of argv) {
    const [key, value] = arg.split('=');
    if (key === '--duration') options.duration = Number(value);
    else if (key === '--connections') options.connections = Number(value);
    else if (key === '--json') options.json = true;
    else if (key === '--role' && (value === 'split' || value === 'all')) options.roles = [value];
    else if (key === '--report' && value) options.report = resolve(value);
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
    else options.names.push(arg);
  }
  if (!(options.duration > 0) || !(options.connections > 0)) throw new Error('--duration and --connections must be positive numbers');
  return options;
}

const SHAPE_NOTE: Record<Shape, string> = {
  split: 'as deployed: APP_ROLE=api under load (the RSS rows are its own) + APP_ROLE=worker delivering the mails',
  all: 'as `npm start` runs it: one APP_ROLE=all process (api and worker together; the RSS rows are its own)',
};

async function runShape(role: Shape, scenarios: Scenario[], options: ReturnType<typeof parseArgs>): Promise<Row[]> {
  const app = new BenchApp(role);
  const stopOnSignal = () => void app.stop().finally(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  const rows: Row[] = [];
  try {
    await app.start();
    const ctx = createContext(app, await app.login(), options);
    const processes = role === 'split' ? `api pid ${app.pid} + worker pid ${app.workerPid}` : `app pid ${app.pid}`;
    console.error(`Bench --role=${role} (${SHAPE_NOTE[role]}): ${processes} at ${app.baseUrl}, LOG_LEVEL=info, ${options.connections} connections, ${options.duration} s per measurement`);
    for (const scenario of scenarios) {
      console.error(`- ${scenario.name}: ${scenario.description}`);
      // Rows that do not say how busy the machine was get the state just before their scenario began.
      const before = machineNote(await sampleMachine());
      rows.push(...(await scenario.run(ctx)).map((r) => ({ ...r, machine: r.machine ?? `${before} (scenario start)` })));
    }
  } finally {
    process.removeListener('SIGINT', stopOnSignal);
    process.removeListener('SIGTERM', stopOnSignal);
    await app.stop();
  }
  return rows;
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const unknown = options.names.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length) {
    console.error(`Unknown scenario ${unknown.join(', ')}; available: ${SCENARIOS.map((s) => s.name).join(', ')}`);
    return 2;
  }
  const chosen = options.names.length ? SCENARIOS.filter((s) => options.names.includes(s.name)) : SCENARIOS;
  const started = new Date();
  const cpuAtStart = cpuTimes();
  const results: { role: Shape; rows: Row[] }[] = [];
  const plan: BenchReport['plan'] = chosen.map((s) => ({ scenario: s.name, shapes: [] }));
  for (const role of options.roles) {
    // Both shapes by default: everything as deployed, the storms (bothShapes) in `all` too.
    const scenarios = options.roles.length > 1 && role === 'all' ? chosen.filter((s) => s.bothShapes) : chosen;
    for (const s of scenarios) plan.find((p) => p.scenario === s.name)!.shapes.push(role);
    if (scenarios.length) results.push({ role, rows: await runShape(role, scenarios, options) });
  }
  const cpuAtEnd = cpuTimes();
  if (options.json) console.log(JSON.stringify(results.flatMap(({ role, rows }) => rows.map((r) => ({ role, ...r }))), null, 2));
  else {
    for (const { role, rows } of results) {
      console.log(`\n--role=${role}: ${SHAPE_NOTE[role]}; LOG_LEVEL=info (the default)`);
      console.log(formatRows(rows));
    }
    console.log(
      `\nratio = value / limit; "raw" is test/bench/limit-server.ts (node:http + pg, the product's own statements, same pool size, ` +
        `same generator and connections, same run). "machine before": idle CPU and load average sampled just before the measurements ` +
        `(BUSY when other work used the CPU: figures are then lower and noisier, compare the ratios).`,
    );
  }
  await writeReport(options, { started, plan, results, runIdlePct: idleBetween(cpuAtStart, cpuAtEnd) });
  return results.some(({ rows }) => rows.some((r) => r.pass === false)) ? 1 : 0;
}

/** BENCHMARKS.md after a full run, or the --report file; says which on stderr, and why a partial run writes nothing. */
async function writeReport(
  options: ReturnType<typeof parseArgs>,
  run: { started: Date; plan: BenchReport['plan']; results: BenchReport['results']; runIdlePct: number | null },
): Promise<void> {
  const { full, why } = fullRun(options, SCENARIOS.map((s) => s.name));
  if (!full && !options.report) {
    console.error(`\nBENCHMARKS.md not written: a partial run (${why}). A full \`npm run bench\` writes it; --report=FILE writes this run's.`);
    return;
  }
  const file = options.report ?? join(ROOT, 'BENCHMARKS.md');
  const args = process.argv.slice(2);
  const markdown = renderBenchmarks({
    date: run.started,
    command: `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`,
    code: codeVersion(),
    durationS: (Date.now() - run.started.getTime()) / 1000,
    machine: await readMachine(run.runIdlePct),
    plan: run.plan,
    results: run.results,
    partial: full ? undefined : why,
  });
  writeFileSync(`${file}.tmp`, markdown);
  renameSync(`${file}.tmp`, file);
  console.error(`\n${full ? 'Full run' : 'Partial run'}: report written to ${file}`);
}

async function readMachine(runIdlePct: number | null): Promise<MachineInfo> {
  const pg = new Client({ connectionString: `${process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432'}/postgres` });
  const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
  let postgres = 'unknown';
  let redisVersion = 'unknown';
  try {
    await pg.connect();
    postgres = (await pg.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
  } catch {
    // The report says unknown rather than failing a finished run.
  } finally {
    await pg.end().catch(() => undefined);
  }
  try {
    await redis.connect();
    redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown';
  } catch {
    // as above
  } finally {
    redis.disconnect();
  }
  return { cpuModel: cpus()[0]?.model.trim() ?? 'unknown', cores: cpus().length, memoryGiB: totalmem() / 2 ** 30, node: process.version, postgres, redis: redisVersion, runIdlePct };
}

/** The commit measured, and whether the checkout had changes beside it. */
function codeVersion(): string | null {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = git('status', '--porcelain', '--untracked-files=no', '--', 'src', 'migrations', 'test/bench', 'package-lock.json') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted changes' : ''}`;
  } catch {
    return null;
  }
}

function cpuTimes(): { idle: number; total: number } | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return { idle: fields[3] + (fields[4] ?? 0), total: fields.slice(0, 8).reduce((a, b) => a + b, 0) };
  } catch {
    return null;
  }
}

function idleBetween(a: ReturnType<typeof cpuTimes>, b: ReturnType<typeof cpuTimes>): number | null {
  return a && b && b.total > a.total ? (100 * (b.idle - a.idle)) / (b.total - a.total) : null;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
