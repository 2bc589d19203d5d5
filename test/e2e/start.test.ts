import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { dropDatabase, uniqueSuffix } from '../support/test-app';

// What a user or an operator sees when starting the built app (`npm run start:prod` = `node dist/src/main.js`):
// these spawn the real process, so they cover main.ts's error handling, which in-process tests cannot.
const root = join(__dirname, '..', '..');
const PG_BASE = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const migrationFiles = readdirSync(join(root, 'migrations')).filter((f) => /\.(ts|js)$/.test(f));

/** A TCP port nobody listens on (right now). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Spawns `node dist/src/main.js` with only `env` (plus PATH), as a shell would with those variables set. */
function startProcess(env: Record<string, string>): Started {
  let out = '';
  let err = '';
  const child = spawn(process.execPath, ['dist/src/main.js'], { cwd: root, env: { PATH: process.env.PATH ?? '', ...env } });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  running.push(child);
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** The process's exit code, failing when it still runs after `ms`. */
async function exitCode(p: Started, ms = 20_000): Promise<number | null> {
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms).unref());
  const result = await Promise.race([p.exited, timeout]);
  if (result === 'timeout') throw new Error(`process still running after ${ms} ms; stderr: ${p.stderr()}`);
  return result;
}

/** Polls `url` until it answers 200; fails with the process's output when it exits or `ms` pass. */
async function waitHealthy(p: Started, url: string, ms = 40_000): Promise<void> {
  const deadline = Date.now() + ms;
  let exited = false;
  void p.exited.then(() => (exited = true));
  while (Date.now() < deadline && !exited) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not healthy (exited: ${exited})\nstdout: ${p.stdout().slice(-2000)}\nstderr: ${p.stderr().slice(-2000)}`);
}

async function stop(p: Started): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  await exitCode(p, 15_000).catch(() => p.child.kill('SIGKILL'));
}

async function query<T>(databaseUrl: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

async function databaseExists(name: string): Promise<boolean> {
  return (await query(`${PG_BASE}/postgres`, `SELECT 1 FROM pg_database WHERE datname = '${name}'`)).length === 1;
}

/** Removes this test's BullMQ keys so repeated runs do not grow the shared Redis. */
async function dropQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

/** A fresh database name and queue prefix, cleaned up after the test file. */
function fresh() {
  const suffix = uniqueSuffix();
  const name = `td_start_${suffix}`;
  databases.push(`${PG_BASE}/${name}`);
  prefixes.push(`tdstart-${suffix}`);
  return { name, databaseUrl: `${PG_BASE}/${name}`, queuePrefix: `tdstart-${suffix}` };
}

/** The stderr of a failed start, split into its non-empty lines. */
const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

const running: ChildProcess[] = [];
const databases: string[] = [];
const prefixes: string[] = [];

beforeAll(() => {
  // The test runs what `npm run start:prod` runs, so dist must be current: the same check `npm start` does.
  execFileSync(process.execPath, ['scripts/build-if-needed.js'], { cwd: root, stdio: 'pipe', timeout: 180_000 });
}, 200_000);

afterAll(async () => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const url of databases) await dropDatabase(url);
  for (const prefix of prefixes) await dropQueueKeys(prefix);
});

describe('starting the built app (node dist/src/main.js)', () => {
  describe('with invalid configuration', () => {
    it.each<[string, Record<string, string>]>([
      ['PORT', { PORT: 'abc' }],
      ['JWT_SECRET', { NODE_ENV: 'production' }],
      ['SMTP_URL', { SMTP_URL: 'http://x' }],
      ['ADMIN_PASSWORD', { ADMIN_EMAIL: 'admin@example.org' }],
    ])('stops with a non-zero exit code and one line naming %s', async (variable, env) => {
      const p = startProcess(env);
      expect(await exitCode(p)).not.toBe(0);
      const errors = lines(p.stderr());
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(variable);
      expect(p.stdout()).toBe('');
    });

    it('does not echo the secret it refuses', async () => {
      const p = startProcess({ JWT_SECRET: 'too-short' });
      expect(await exitCode(p)).not.toBe(0);
      expect(p.stderr()).toContain('JWT_SECRET');
      expect(p.stderr()).not.toContain('too-short');
    });
  });

  describe('with a service unreachable', () => {
    it('names the PostgreSQL URL tried and how to start it, without a stack trace', async () => {
      const port = await freePort();
      const databaseUrl = `postgres://postgres@127.0.0.1:${port}/trainingdesk`;
      const p = startProcess({ DATABASE_URL: databaseUrl, QUEUE_PREFIX: fresh().queuePrefix });
      expect(await exitCode(p)).not.toBe(0);
      const errors = lines(p.stderr());
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(`PostgreSQL is not reachable at ${databaseUrl}`);
      expect(errors[0]).toMatch(/pg_ctlcluster .* start/);
      expect(errors[0]).toContain('docker compose up -d postgres');
      expect(p.stderr()).not.toMatch(/^\s+at /m);
    });

    it('hides the PostgreSQL password in that message', async () => {
      const port = await freePort();
      const p = startProcess({ DATABASE_URL: `postgres://td:db-pass-4711@127.0.0.1:${port}/trainingdesk` });
      expect(await exitCode(p)).not.toBe(0);
      expect(p.stderr()).toContain(`postgres://td:***@127.0.0.1:${port}/trainingdesk`);
      expect(p.stderr()).not.toContain('db-pass-4711');
    });

    it('names the Redis URL tried and how to start it, without a stack trace', async () => {
      const port = await freePort();
      const redisUrl = `redis://127.0.0.1:${port}`;
      const { databaseUrl, queuePrefix } = fresh();
      const p = startProcess({ DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, QUEUE_PREFIX: queuePrefix });
      expect(await exitCode(p)).not.toBe(0);
      const errors = lines(p.stderr());
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(`Redis is not reachable at ${redisUrl}`);
      expect(errors[0]).toContain('redis-server');
      expect(errors[0]).toContain('docker compose up -d redis');
      expect(p.stderr()).not.toMatch(/^\s+at /m);
    });
  });

  describe('in production on a database that does not exist yet', () => {
    it('creates the database, migrates, creates the first admin and serves /health and the login page', async () => {
      const { name, databaseUrl, queuePrefix } = fresh();
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      expect(await databaseExists(name)).toBe(false);
      const p = startProcess({
        NODE_ENV: 'production',
        JWT_SECRET: 'a-production-secret-for-the-test',
        DATABASE_URL: databaseUrl,
        REDIS_URL,
        QUEUE_PREFIX: queuePrefix,
        PORT: String(port),
        APP_URL: url,
        ADMIN_EMAIL: 'first.admin@example.org',
        ADMIN_PASSWORD: 'first-admin-password',
        LOG_LEVEL: 'warn',
        STORAGE_DIR: `/tmp/${queuePrefix}`,
      });
      try {
        await waitHealthy(p, `${url}/health`);
        expect(await databaseExists(name)).toBe(true);
        expect((await fetch(`${url}/health/live`)).status).toBe(200);
        // The login page renders from dist, so the build copied its templates (nest-cli assets).
        const page = await fetch(`${url}/login`);
        expect(page.status).toBe(200);
        expect(page.headers.get('content-type')).toContain('text/html');
        const login = await fetch(`${url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'first.admin@example.org', password: 'first-admin-password' }),
        });
        expect(login.status).toBe(200);
        // The banner tells a new user where to go and who to log in as.
        expect(p.stdout()).toContain(`open ${url}`);
        expect(p.stdout()).toContain('Log in as first.admin@example.org');
      } finally {
        await stop(p);
      }
    });
  });

  describe('two replicas starting at once on a fresh database', () => {
    it('both come up and the migrations ran exactly once', async () => {
      const { databaseUrl, queuePrefix } = fresh();
      const ports = [await freePort(), await freePort()];
      const common = {
        DATABASE_URL: databaseUrl,
        REDIS_URL,
        QUEUE_PREFIX: queuePrefix,
        JWT_SECRET: 'a-shared-secret-for-two-replicas',
        ADMIN_EMAIL: 'admin@example.org',
        ADMIN_PASSWORD: 'admin-password',
        LOG_LEVEL: 'warn',
        STORAGE_DIR: `/tmp/${queuePrefix}`,
      };
      const replicas = ports.map((port) => startProcess({ ...common, PORT: String(port), APP_URL: `http://127.0.0.1:${port}` }));
      try {
        await Promise.all(replicas.map((p, i) => waitHealthy(p, `http://127.0.0.1:${ports[i]}/health`)));
        const migrations = await query<{ name: string }>(databaseUrl, 'SELECT name FROM migrations');
        expect(migrations).toHaveLength(migrationFiles.length);
        expect(new Set(migrations.map((m) => m.name)).size).toBe(migrationFiles.length);
        const admins = await query(databaseUrl, `SELECT id FROM user_account WHERE role = 'admin'`);
        expect(admins).toHaveLength(1);
      } finally {
        await Promise.all(replicas.map(stop));
      }
    });
  });
});
