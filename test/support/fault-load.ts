import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
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

/** How many times each value occurs, e.g. statuses: {"201": 300, "409": 600}. */
export function tally(values: (string | number)[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[String(v)] = (counts[String(v)] ?? 0) + 1;
  return counts;
}

/** Prints a fault test's figures on one line (requests, statuses, mails, lost, doubled), for the run's log. */
export function printFigures(test: string, figures: Record<string, unknown>): void {
  const parts = Object.entries(figures).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  console.log(`fault figures [${test}] ${parts.join(' ')}`);
}

/** The recipients' addresses of a captured message, lower-cased. */
function recipients(m: { to?: unknown }): string[] {
  const to = m.to as { value?: { address?: string }[] } | { value?: { address?: string }[] }[] | undefined;
  return (Array.isArray(to) ? to : to ? [to] : []).flatMap((t) => (t.value ?? []).map((v) => (v.address ?? '').toLowerCase()));
}

/** What arrived at the SMTP server against what was expected: one mail per address in `expected`. */
export function deliveries(expected: string[], messages: { to?: unknown }[]): { mails: number; lost: number; doubled: number; stray: number } {
  const counts = new Map<string, number>();
  for (const m of messages) for (const a of recipients(m)) counts.set(a, (counts.get(a) ?? 0) + 1);
  const want = new Set(expected.map((e) => e.toLowerCase()));
  return {
    mails: messages.length,
    lost: [...want].filter((a) => !counts.get(a)).length,
    doubled: [...want].filter((a) => (counts.get(a) ?? 0) > 1).length,
    stray: [...counts.keys()].filter((a) => !want.has(a)).length,
  };
}

/**
 * How a request on a connection of its own ended: `refused`, the connection was never made (nobody
 * listens); `dropped`, it was made but closed (or timed out) without an answer — for a server that
 * had accepted the request, a lost answer.
 */
export type Outcome = { kind: 'answered'; status: number; body: any } | { kind: 'refused'; error: string } | { kind: 'dropped'; error: string };

/** One JSON request over a new connection (no keep-alive, so no reused socket can be closed under it). */
export function requestOnNewConnection(baseUrl: string, method: string, path: string, body?: unknown, token?: string, timeoutMs = 30_000): Promise<Outcome> {
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    let connected = false;
    let settled = false;
    const finish = (o: Outcome) => {
      if (!settled) {
        settled = true;
        resolve(o);
      }
    };
    const req = httpRequest(baseUrl + path, {
      method,
      agent: false,
      headers: {
        connection: 'close',
        accept: 'application/json',
        ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('socket', (s) => s.once('connect', () => (connected = true)));
    req.on('error', (err: Error) => finish(connected ? { kind: 'dropped', error: err.message } : { kind: 'refused', error: err.message }));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err: Error) => finish({ kind: 'dropped', error: `answer cut: ${err.message}` }));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        finish({ kind: 'answered', status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.end(payload);
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:`port` now (the connection is closed at once). */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** How many backends of `database` wait for a lock now. */
export async function lockWaiters(adminUrl: string, database: string): Promise<number> {
  const [{ n }] = await sql<{ n: number }>(adminUrl, `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`, [database]);
  return n;
}
