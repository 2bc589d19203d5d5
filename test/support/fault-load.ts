import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * Helpers for the fault tests, which talk to app processes over HTTP and to
 * PostgreSQL directly; they load none of the app (a crash must be the app's own).
 */

/** As test-app.ts's TEST_ADMIN (not imported from there: that module loads the whole app). */
export const FAULT_ADMIN = { email: 'admin@test.local', password: 'admin-password-1' };

/** A unique suffix for a run's database and queue prefix. */
export const faultSuffix = () => `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;

/** The environment of an api or worker process of a fault test (add APP_ROLE). */
export function faultEnv(databaseUrl: string, suffix: string, smtpUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `tdtest-${suffix}`,
    SMTP_URL: smtpUrl,
    ADMIN_EMAIL: FAULT_ADMIN.email,
    ADMIN_PASSWORD: FAULT_ADMIN.password,
    JWT_SECRET: randomBytes(24).toString('hex'),
    LOG_LEVEL: 'warn',
    STORAGE_DIR: `/tmp/td-test-${suffix}`,
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 100 ms until it holds; fails naming `what` after `timeoutMs`. */
export async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(100);
  }
}

export interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

/** One JSON request; a refused or reset connection rejects (the process is gone), a slow answer fails after 30 s. */
export async function call(baseUrl: string, method: string, path: string, body?: unknown, token?: string): Promise<Answer> {
  const res = await fetch(baseUrl + path, {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

async function must(what: string, a: Promise<Answer>, status: number): Promise<any> {
  const r = await a;
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Logs in the test admin, makes a unit and a published open event of `capacity` seats; returns the token and ids. */
export async function publishedEvent(baseUrl: string, capacity: number | null): Promise<{ token: string; eventId: string; organizationId: string }> {
  const login = await must('login', call(baseUrl, 'POST', '/api/v1/auth/login', FAULT_ADMIN), 200);
  const token: string = login.accessToken;
  const n = randomBytes(4).toString('hex');
  const org = await must('organization', call(baseUrl, 'POST', '/api/v1/organizations', { name: `Công đoàn ${n}` }, token), 201);
  const start = Date.now() + 7 * 86_400_000;
  const event = await must(
    'event',
    call(
      baseUrl,
      'POST',
      '/api/v1/events',
      {
        title: `Tập huấn ${n}`,
        kind: 'training',
        organizationId: org.id,
        venue: 'Hội trường',
        startsAt: new Date(start).toISOString(),
        endsAt: new Date(start + 8 * 3_600_000).toISOString(),
        capacity,
        registrationMode: 'open',
      },
      token,
    ),
    201,
  );
  await must('publish', call(baseUrl, 'POST', `/api/v1/events/${event.id}/publish`, undefined, token), 200);
  return { token, eventId: event.id, organizationId: org.id };
}

let seq = 0;
/** A self-registration body with a unique e-mail address. */
export function delegate(): { fullName: string; email: string; role: 'delegate' } {
  const n = `${Date.now().toString(36)}${++seq}${randomBytes(2).toString('hex')}`;
  return { fullName: `Đại biểu ${n}`, email: `delegate-${n}@test.local`, role: 'delegate' };
}

/** Runs `total` calls of `one`, `concurrency` at a time; returns every result in order of completion. */
export async function storm<T>(total: number, concurrency: number, one: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        results.push(await one(i));
      }
    }),
  );
  return results;
}

/** Terminates every backend of `database` but this one, as a PostgreSQL restart or failover would; returns how many. */
export async function terminateBackends(adminUrl: string, database: string): Promise<number> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [database],
    );
    return rows[0].n;
  } finally {
    await client.end();
  }
}

/** Runs SQL on its own short connection (the test's view of the database, independent of the app's pool). */
export async function sql<T = any>(databaseUrl: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Drops `databaseUrl`'s database, connecting to the `postgres` database of the same server. */
export async function dropDatabaseAt(databaseUrl: string): Promise<void> {
  const admin = new URL(databaseUrl);
  const name = decodeURIComponent(admin.pathname.slice(1));
  admin.pathname = '/postgres';
  await sql(admin.toString(), `DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
}
