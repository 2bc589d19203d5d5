import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';

// The bench runs from dist/ with plain node (no jest, no supertest): it spawns the built app as its own
// process, so the load generator and the app do not share a CPU core or a heap, and RSS is the app's alone.

/** One measured figure, printed next to the bare limit measured in the same run. */
export interface Row {
  scenario: string;
  metric: string;
  unit: string;
  value: number;
  /** The same figure for the bare endpoint (or the fixed budget) in this run; null when none applies. */
  limit: number | null;
  /** value / limit, so results from machines of different speed compare. */
  ratio: number | null;
  /** design.md's target, in words; '' when the figure is informational. */
  target: string;
  /** Whether the target is met; null when there is no target. */
  pass: boolean | null;
  /** How busy the machine was just before the measurement(s) behind this row (see Machine), e.g. `idle 93 %`. */
  machine?: string;
}

/**
 * The machine just before a measurement, while the app under test is idle: the share of CPU time
 * nobody used over half a second (/proc/stat) and the 1-minute load average. Other work on the
 * machine (a shared CI host, other test runs) shows as idle below 100 %.
 */
export interface Machine {
  idlePct: number;
  load1: number;
}

/** What autocannon measured for one endpoint. */
export interface Load {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /** Seconds to the last answer (`amount` runs) or the run's duration. */
  durationS: number;
  /** How busy the machine was just before this measurement. */
  machine: Machine;
  /**
   * CPU time (user + system) the measured server process spent per answered request, in ms: unlike
   * req/s it hardly moves when other work shares the machine, so it compares the app with the raw
   * server even on a busy host.
   */
  cpuMsPerRequest: number;
  /**
   * The measured process's peak resident memory during this measurement, in MB: the peak is reset
   * just before it (/proc/<pid>/clear_refs), so set-up before the storm (creating users hashes
   * passwords and checks them against dictionaries) does not count as the storm's.
   */
  rssPeakMb: number;
}

export interface LoadOptions {
  path: string;
  /** Another server than the app (the raw limit server); the app's by default. */
  baseUrl?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** autocannon's per-request rewrite, for a different body per request (registration storms). */
  setupRequest?: autocannon.Request['setupRequest'];
  connections?: number;
  /** Seconds; the run's --duration by default. Ignored when `amount` is set. */
  duration?: number;
  /** A fixed number of requests instead of a duration. */
  amount?: number;
  /** Accept non-2xx answers (e.g. 409 "event full" in a capacity storm); by default they fail the scenario. */
  allowNon2xx?: boolean;
  /** Run one second of the same load first, unmeasured (JIT, connection pools). */
  warmup?: boolean;
  /** The server process whose CPU time is measured (cpuMsPerRequest); the api process by default. */
  pid?: number;
}

/** Handed to each scenario: the running app, an admin, and helpers to build data and measure. */
export interface BenchContext {
  baseUrl: string;
  /** The app's database (the raw limit server runs on it too). */
  databaseUrl: string;
  adminToken: string;
  /** `{Authorization: 'Bearer …'}` for the admin. */
  adminAuth: Record<string, string>;
  /** Defaults from the command line. */
  connections: number;
  duration: number;
  /** Calls the REST API; throws with the status and body on a non-2xx answer. */
  api<T = any>(method: string, path: string, body?: unknown, token?: string): Promise<T>;
  /** Runs SQL against the app's database (for checks such as "0 over capacity"). */
  sql<T = any>(query: string, params?: unknown[]): Promise<T[]>;
  createOrganization(fields?: Record<string, unknown>): Promise<{ id: string; name: string }>;
  /** A published-or-draft event per api.md's `POST /events`; `fields` override the defaults. */
  createEvent(organizationId: string, fields?: Record<string, unknown>): Promise<{ id: string; status: string }>;
  /** Measures one endpoint under load with autocannon. */
  load(options: LoadOptions): Promise<Load>;
  /** `GET /health/live` measured at `connections` (cached per run): the bare limit of this app on this machine. */
  bare(connections?: number): Promise<Load>;
  /** The api process's resident memory now and at its peak (VmHWM, since the last measurement began), in MB (the only process with `--role=all`). */
  rssMb(): { now: number; peak: number };
  /** Builds a Row, computing the ratio. */
  row(fields: Omit<Row, 'ratio'>): Row;
}

export interface Scenario {
  /** Used on the command line: `npm run bench -- <name>`. */
  name: string;
  description: string;
  /**
   * Run in both process shapes by a plain `npm run bench` (design.md: the storms run as deployed,
   * `APP_ROLE=api` + a worker, and as `npm start` runs them, `all`); others run in the split shape only.
   */
  bothShapes?: boolean;
  run(ctx: BenchContext): Promise<Row[]>;
}

const PG_BASE = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN = { email: 'bench-admin@bench.local', password: 'bench-admin-password' };
export const ROOT = join(__dirname, '..', '..', '..');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function sql<T>(databaseUrl: string, query: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(query, params)).rows as T[];
  } finally {
    await client.end();
  }
}

function cpuTimes(): { idle: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: idle and iowait are time nobody computed.
  return { idle: fields[3] + (fields[4] ?? 0), total: fields.slice(0, 8).reduce((a, b) => a + b, 0) };
}

/** Samples the machine for half a second (see Machine). */
export async function sampleMachine(): Promise<Machine> {
  const before = cpuTimes();
  await new Promise((r) => setTimeout(r, 500));
  const after = cpuTimes();
  const total = after.total - before.total;
  return { idlePct: total > 0 ? (100 * (after.idle - before.idle)) / total : 100, load1: loadavg()[0] };
}

/** Below this idle share before a measurement the machine counts as busy: others used more than ~half a core of two. */
const BUSY_BELOW_IDLE_PCT = 75;

/** `idle 93 %, load 0.4` for the least idle of `machines`, prefixed BUSY when others were using the CPU. */
export function machineNote(...machines: Machine[]): string {
  const worst = machines.reduce((a, b) => (b.idlePct < a.idlePct ? b : a));
  const text = `idle ${Math.round(worst.idlePct)} %, load ${worst.load1.toFixed(1)}`;
  return worst.idlePct < BUSY_BELOW_IDLE_PCT ? `BUSY ${text}` : text;
}

/** CPU time (user + system) of process `pid` so far, in ms (/proc/<pid>/stat, clock ticks of 10 ms). */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command: state is field 3, utime 14 and stime 15 (1-based): indexes 11 and 12 here.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Resets the peak resident memory (VmHWM) of `pid` to its current RSS (Linux >= 4.0). */
function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

function readRssMb(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN);
  return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** The app under bench: a built `node dist/src/main.js` on a fresh database and queue prefix. */
export class BenchApp {
  readonly suffix = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  readonly databaseUrl = `${PG_BASE}/td_bench_${this.suffix}`;
  readonly queuePrefix = `tdbench-${this.suffix}`;
  baseUrl = '';
  private child?: ChildProcess;
  private worker?: ChildProcess;
  private output = '';

  /** `split`: an APP_ROLE=api process under load plus an APP_ROLE=worker process; `all`: one process. */
  constructor(readonly role: 'split' | 'all' = 'split') {}

  /** The worker's pid (split runs only). */
  get workerPid(): number | undefined {
    return this.worker?.pid;
  }

  get pid(): number {
    return this.child!.pid!;
  }

  async start(): Promise<void> {
    const port = await freePort();
    this.baseUrl = `http://127.0.0.1:${port}`;
    const env = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      PORT: String(port),
      APP_URL: this.baseUrl,
      DATABASE_URL: this.databaseUrl,
      REDIS_URL,
      QUEUE_PREFIX: this.queuePrefix,
      JWT_SECRET: randomBytes(24).toString('hex'),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      STORAGE_DIR: `/tmp/${this.queuePrefix}`,
      // The registration storm is 5,000 self-registrations from one address: the per-address limit is off.
      RATE_LIMIT_REGISTRATION: '0',
    };
    // design.md's "API memory under the storms" is the api process's: run the deployed shape (README
    // "Scaling"), an APP_ROLE=api process that the load hits and whose RSS is reported, and an
    // APP_ROLE=worker process beside it, so the storms' mails are still relayed and delivered.
    // `--role=all` measures the single all-in-one process instead.
    this.child = this.spawnApp({ ...env, APP_ROLE: this.role === 'all' ? 'all' : 'api' });
    await this.waitHealthy(this.child);
    if (this.role === 'split') {
      // After the api is healthy: it ran the migrations, the worker must not (as in docker-compose).
      this.worker = this.spawnApp({ ...env, APP_ROLE: 'worker', MIGRATIONS_RUN: 'false' });
      await this.waitOutput(this.worker, 'TrainingDesk worker started');
    }
  }

  private spawnApp(env: Record<string, string>): ChildProcess {
    // BENCH_NODE_ARGS profiles one run, e.g. BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' (api only).
    const nodeArgs = env.APP_ROLE === 'worker' ? [] : (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, 'dist/src/main.js'], { cwd: ROOT, env });
    const keep = (d: Buffer) => (this.output = (this.output + `[${env.APP_ROLE}] ` + d.toString()).slice(-4000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    return child;
  }

  private async waitHealthy(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`the app exited (${child.exitCode}):\n${this.output}`);
      const ok = await fetch(`${this.baseUrl}/health`).then((r) => r.ok, () => false);
      if (ok) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`the app did not become healthy in 60 s:\n${this.output}`);
  }

  private async waitOutput(child: ChildProcess, text: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`the worker exited (${child.exitCode}):\n${this.output}`);
      if (this.output.includes(text)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`the worker did not start in 60 s:\n${this.output}`);
  }

  async login(): Promise<string> {
    const res = await fetch(`${this.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    if (!res.ok) throw new Error(`admin login: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { accessToken: string }).accessToken;
  }

  /** Stops the app and removes its database and queue keys; safe to call twice. */
  async stop(): Promise<void> {
    await Promise.all([this.child, this.worker].map((child) => child && stopProcess(child)));
    const name = new URL(this.databaseUrl).pathname.slice(1);
    await sql(`${PG_BASE}/postgres`, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    const redis = new Redis(REDIS_URL);
    try {
      const keys = await redis.keys(`${this.queuePrefix}:*`);
      if (keys.length) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  }
}

/**
 * test/bench/limit-server.ts as its own process on the bench's database: the raw node:http + pg
 * server that gives the check-in's and the registration's limit on this machine. `env`: USER_ID,
 * SCOPE_ROOT (the check-in's author and unit).
 */
export async function startLimitServer(databaseUrl: string, env: Record<string, string>): Promise<{ baseUrl: string; pid: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(__dirname, 'limit-server.js')], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', DATABASE_URL: databaseUrl, PORT: String(port), ...env },
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 30_000;
  while (!output.includes('limit server listening')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the limit server did not start:\n${output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { baseUrl: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => stopProcess(child) };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export function createContext(app: BenchApp, adminToken: string, defaults: { connections: number; duration: number }): BenchContext {
  const bareCache = new Map<number, Promise<Load>>();
  const ctx: BenchContext = {
    baseUrl: app.baseUrl,
    databaseUrl: app.databaseUrl,
    adminToken,
    adminAuth: { Authorization: `Bearer ${adminToken}` },
    ...defaults,
    async api(method, path, body, token = adminToken) {
      const res = await fetch(`${app.baseUrl}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
    sql: (query, params) => sql(app.databaseUrl, query, params),
    createOrganization: (fields = {}) =>
      ctx.api('POST', '/api/v1/organizations', { name: `Công đoàn bench ${randomBytes(3).toString('hex')}`, ...fields }),
    createEvent: (organizationId, fields = {}) => {
      const startsAt = new Date(Date.now() + 7 * 86_400_000);
      return ctx.api('POST', '/api/v1/events', {
        title: `Tập huấn bench ${randomBytes(3).toString('hex')}`,
        kind: 'training',
        organizationId,
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 4 * 3_600_000).toISOString(),
        registrationMode: 'open',
        ...fields,
      });
    },
    async load(options) {
      const connections = options.connections ?? defaults.connections;
      const request = {
        url: (options.baseUrl ?? app.baseUrl) + options.path,
        method: options.method ?? 'GET',
        headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        requests: options.setupRequest ? [{ setupRequest: options.setupRequest }] : undefined,
        connections,
        timeout: 30,
      };
      if (options.warmup ?? true) await autocannon({ ...request, duration: 1 });
      const machine = await sampleMachine();
      const pid = options.pid ?? app.pid;
      const cpuBefore = cpuMsOf(pid);
      resetPeakRss(pid);
      const run = autocannon({
        ...request,
        ...(options.amount ? { amount: options.amount } : { duration: options.duration ?? defaults.duration }),
      });
      // autocannon stops an `amount` run only at its next one-second sample, so its `duration` rounds
      // up to whole seconds (10,000 scans done in 4.2 s read as 5.01 s, -16 %): time to the last answer.
      const started = performance.now();
      let lastAnswer = started;
      // A 5xx is never an accepted answer, even where 4xx are (allowNon2xx): the storm would measure errors.
      let serverErrors = 0;
      run.on('response', (_client: unknown, statusCode: number) => {
        lastAnswer = performance.now();
        if (statusCode >= 500) serverErrors++;
      });
      const result = await run;
      const cpuMs = cpuMsOf(pid) - cpuBefore;
      const failed = result.errors + result.timeouts + serverErrors + (options.allowNon2xx ? 0 : result.non2xx);
      if (failed) {
        throw new Error(
          `${options.method ?? 'GET'} ${options.path}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx (${serverErrors} 5xx)`,
        );
      }
      return {
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        requests: result.requests.total,
        durationS: options.amount ? (lastAnswer - started) / 1000 : result.duration,
        machine,
        cpuMsPerRequest: result.requests.total ? cpuMs / result.requests.total : 0,
        rssPeakMb: readRssMb(pid).peak,
      };
    },
    bare(connections = defaults.connections) {
      if (!bareCache.has(connections)) bareCache.set(connections, ctx.load({ path: '/health/live', connections }));
      return bareCache.get(connections)!;
    },
    rssMb: () => readRssMb(app.pid),
    row: (fields) => ({
      ...fields,
      ratio: fields.limit ? fields.value / fields.limit : null,
    }),
  };
  return ctx;
}

/** A fixed-width table, one line per row. */
export function formatRows(rows: Row[]): string {
  const fmt = (n: number | null, digits = 1) => (n === null ? '-' : n.toLocaleString('en-US', { maximumFractionDigits: digits }));
  const table = [
    ['scenario', 'metric', 'value', 'limit (raw, bare or budget)', 'ratio', 'target', 'pass', 'machine before'],
    ...rows.map((r) => [
      r.scenario,
      r.metric,
      `${fmt(r.value)} ${r.unit}`,
      r.limit === null ? '-' : `${fmt(r.limit)} ${r.unit}`,
      r.ratio === null ? '-' : `${fmt(r.ratio * 100, 0)} %`,
      r.target || '-',
      r.pass === null ? '-' : r.pass ? 'yes' : 'NO',
      r.machine ?? '-',
    ]),
  ];
  const widths = table[0].map((_, i) => Math.max(...table.map((line) => line[i].length)));
  return table.map((line) => line.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}
