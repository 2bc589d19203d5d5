import { randomBytes } from 'node:crypto';
import { readdir, readFile, readlink, rm } from 'node:fs/promises';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import type { ParsedMail } from 'mailparser';
import { AppProcess } from './app-process';
import { Answer, call, dropDatabaseAt, FAULT_ADMIN, faultEnv, faultSuffix } from './fault-load';
import { SmtpCapture } from './smtp-capture';

const PG_BASE = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

/**
 * Several app processes on one PostgreSQL database and one Redis queue prefix, as deployed:
 * `APP_ROLE=api` replicas behind a round-robin split and `APP_ROLE=worker` replicas sharing the
 * queues. Real processes (src/main.ts, as AppProcess runs it), a real SMTP capture; the test talks
 * to them over HTTP and reads the database directly. Loads none of the app.
 */
export class Replicas {
  private turn = 0;

  private constructor(
    readonly apis: AppProcess[],
    readonly workers: AppProcess[],
    readonly smtp: SmtpCapture,
    readonly databaseUrl: string,
    readonly queuePrefix: string,
    private readonly redisUrl: string,
    private readonly db: Client,
    private readonly storageDir: string,
  ) {}

  /** Starts every process at the same moment on a fresh database (so all of them try to migrate at once). */
  static async start(opts: { apis: number; workers: number }): Promise<Replicas> {
    const suffix = faultSuffix();
    const databaseUrl = `${PG_BASE}/td_test_${suffix}`;
    const smtp = await SmtpCapture.start();
    // One environment for all: the same JWT_SECRET, so a token from one api is good on the other.
    const env = faultEnv(databaseUrl, suffix, smtp.url);
    const roles = [...Array<string>(opts.apis).fill('api'), ...Array<string>(opts.workers).fill('worker')];
    const started = await Promise.allSettled(roles.map((role) => AppProcess.start({ ...env, APP_ROLE: role }, 150_000)));
    const ok = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.flatMap((s) => (s.status === 'rejected' ? [s.reason as Error] : []));
    if (failed.length) {
      await Promise.all(ok.map((p) => p.stop()));
      await smtp.close();
      await dropDatabaseAt(databaseUrl).catch(() => undefined);
      throw new Error(`${failed.length} of ${roles.length} processes did not start:\n${failed.map((e) => e.message).join('\n---\n')}`);
    }
    // The test's own view of the database on one connection held throughout: on a shared server near
    // max_connections, a new connection per look could be refused while the replicas' pools are full.
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    return new Replicas(ok.slice(0, opts.apis), ok.slice(opts.apis), smtp, databaseUrl, env.QUEUE_PREFIX, env.REDIS_URL, db, env.STORAGE_DIR);
  }

  /** A query on the test's own connection. */
  async query<T = any>(text: string, values: unknown[] = []): Promise<T[]> {
    return (await this.db.query(text, values)).rows as T[];
  }

  get all(): AppProcess[] {
    return [...this.apis, ...this.workers];
  }

  /** Requests sent so far (through nextApi). */
  get turns(): number {
    return this.turn;
  }

  /** The next api in round-robin order, as a load balancer would pick it. */
  nextApi(): string {
    return this.apis[this.turn++ % this.apis.length].url;
  }

  /** One request to the next api. */
  send(method: string, path: string, body?: unknown, token?: string): Promise<Answer> {
    return call(this.nextApi(), method, path, body, token);
  }

  /** A request to the next api, re-sent (to the next) after a 503 as `register` does: for the set-up calls. */
  async call(method: string, path: string, body?: unknown, token?: string): Promise<Answer> {
    for (let unavailable = 0; ; unavailable++) {
      const res = await this.send(method, path, body, token);
      if (res.status !== 503 || unavailable === 10) return res;
      await retryPause(res);
    }
  }

  /** Fails, with its output, when any process has died. */
  expectAllAlive(): void {
    for (const p of this.all) {
      if (!p.alive) throw new Error(`a process died (exit ${p.child.exitCode}, ${p.child.signalCode})\n${p.output()}`);
    }
  }

  async login(): Promise<string> {
    return (await must('login', this.call('POST', '/api/v1/auth/login', FAULT_ADMIN), 200)).accessToken;
  }

  /**
   * Waits until no job can still send anything: no outbox row left to relay or finish, and no mail
   * or events job waiting, active or retrying in Redis (delayed reminders of other events aside).
   */
  async waitQuiet(timeoutMs = 90_000): Promise<void> {
    const connection = { url: this.redisUrl, maxRetriesPerRequest: null };
    const queues = ['mail', 'events'].map((name) => new Queue(name, { connection, prefix: this.queuePrefix }));
    const deadline = Date.now() + timeoutMs;
    let last = '';
    try {
      for (;;) {
        const [{ open }] = await this.query<{ open: number }>(`SELECT count(*)::int AS open FROM outbox WHERE status IN ('pending', 'enqueued')`);
        const [mail, events] = await Promise.all(queues.map((q) => q.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children', 'delayed')));
        // The events queue holds the delayed reminders of events that start later: only what runs now counts.
        if (open === 0 && Object.values(mail).every((n) => n === 0) && events.waiting + events.active + events.prioritized === 0) return;
        last = `outbox open ${open}, mail ${JSON.stringify(mail)}, events ${JSON.stringify(events)}, SMTP received ${this.smtp.messages.length}`;
        if (Date.now() > deadline) throw new Error(`jobs still open after ${timeoutMs} ms: ${last}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await Promise.all(queues.map((q) => q.close()));
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.all.map((p) => p.stop()));
    await this.db.end();
    await this.smtp.close();
    await dropDatabaseAt(this.databaseUrl);
    await rm(this.storageDir, { recursive: true, force: true });
  }
}

/** The socket inodes of TCP connections to 127.0.0.1:`port` (the kernel's table, /proc/net/tcp). */
async function inodesConnectedTo(port: number): Promise<Set<string>> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const table = await readFile('/proc/net/tcp', 'utf8');
  const inodes = new Set<string>();
  for (const line of table.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    // cols: sl, local, remote, state (01 = established), ..., inode at 9
    if (cols.length > 9 && cols[2] === `0100007F:${hexPort}` && cols[3] === '01') inodes.add(cols[9]);
  }
  return inodes;
}

/** The socket inodes among the open files of process `pid`. */
async function socketInodes(pid: number): Promise<string[]> {
  const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
  const targets = await Promise.all(fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
  return targets.flatMap((t) => /^socket:\[(\d+)\]$/.exec(t)?.[1] ?? []);
}

/**
 * Notes, every 200 ms until stopped, which of the replicas hold connections to the SMTP capture:
 * the senders. (The capture cannot tell its clients apart; the kernel's socket tables can.) The
 * processes' open files are read only when a connection appears that is not yet attributed (pooled
 * SMTP connections last), asynchronously, so the capture in this process keeps receiving.
 */
export function watchSenders(r: Replicas): { stop(): Promise<{ workers: number; apis: number }> } {
  const owner = new Map<string, number>();
  let running = true;
  const look = async () => {
    const inodes = await inodesConnectedTo(r.smtp.port);
    if ([...inodes].every((i) => owner.has(i))) return;
    for (const p of r.all) for (const inode of await socketInodes(p.child.pid!)) if (inodes.has(inode)) owner.set(inode, p.child.pid!);
  };
  const loop = (async () => {
    while (running) {
      await look();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const seen = new Set(owner.values());
      return { workers: r.workers.filter((w) => seen.has(w.child.pid!)).length, apis: r.apis.filter((a) => seen.has(a.child.pid!)).length };
    },
  };
}

async function must(what: string, a: Promise<Answer>, status: number): Promise<any> {
  const r = await a;
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * A self-registration as a client behind the load balancer sends it: each attempt to the next api,
 * a 503 (the database refused a connection: on a shared server the replicas' pools can reach
 * max_connections) re-sent after its Retry-After, capped at 1 s, at most 10 times. Returns the last
 * answer and how many 503s came first.
 */
export async function register(r: Replicas, eventId: string, body: unknown): Promise<{ status: number; body: any; unavailable: number }> {
  for (let unavailable = 0; ; unavailable++) {
    const res = await r.send('POST', `/api/v1/events/${eventId}/registrations`, body);
    if (res.status !== 503 || unavailable === 10) return { status: res.status, body: res.body, unavailable };
    await retryPause(res);
  }
}

/** The 503's Retry-After, capped at 1 s (the test's bound; a real client would wait all of it). */
const retryPause = (res: Answer) => new Promise((resolve) => setTimeout(resolve, Math.min(1000, 1000 * Number(res.headers.get('retry-after') ?? 1))));

/** A unit and a published event in it (defaults: open, no capacity, a week ahead, reminder 24 h before). */
export async function createPublishedEvent(r: Replicas, token: string, fields: Record<string, unknown> = {}): Promise<string> {
  const n = randomBytes(4).toString('hex');
  const org = await must('organization', r.call('POST', '/api/v1/organizations', { name: `Công đoàn ${n}` }, token), 201);
  const start = Date.now() + 7 * 86_400_000;
  const event = await must(
    'event',
    r.call('POST', '/api/v1/events', {
      title: `Tập huấn ${n}`,
      kind: 'training',
      organizationId: org.id,
      venue: 'Hội trường',
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(start + 8 * 3_600_000).toISOString(),
      registrationMode: 'open',
      capacity: null,
      ...fields,
    }, token),
    201,
  );
  await must('publish', r.call('POST', `/api/v1/events/${event.id}/publish`, undefined, token), 200);
  return event.id;
}

/** Imports `rows` (fullName, email) into an event through one api, as an organizer's CSV upload. */
export async function importRegistrations(r: Replicas, token: string, eventId: string, rows: { fullName: string; email: string }[]): Promise<void> {
  const csv = ['fullName,email', ...rows.map((x) => `${x.fullName},${x.email}`)].join('\n');
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'list.csv');
  const res = await fetch(`${r.nextApi()}/api/v1/events/${eventId}/registrations/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
    signal: AbortSignal.timeout(30_000),
  });
  if (res.status !== 201) throw new Error(`import: ${res.status} ${await res.text()}`);
}

/** The mail_message id in a captured mail's Message-ID (`<id@host>`, see MailTransport.messageIdOf). */
const rowIdOf = (m: ParsedMail): string | undefined => /^<([0-9a-f-]{36})@/.exec(m.messageId ?? '')?.[1];

export interface Delivery {
  /** Recipients expected: one mail each. */
  expected: number;
  /** mail_message rows of this kind for the event. */
  rows: number;
  /** Mails of these rows that arrived at the SMTP server. */
  mails: number;
  /** Extra copies: rows beyond one per registration, plus arrivals beyond one per row. */
  doubled: number;
  /** Expected registrations with no row, or whose row never arrived. */
  lost: number;
  /** Rows for registrations that should not have had this mail. */
  stray: number;
  /** Rows whose event_id is not their registration's event (the event's mail lists would miss them). */
  unattributed: number;
}

/**
 * Compares what should have gone out (one `kind` mail per registration in `registrationIds`) with
 * what the database holds and what the SMTP server received, matched by Message-ID.
 */
export async function delivery(r: Replicas, eventId: string, kind: string, registrationIds: string[]): Promise<Delivery> {
  // Through the registration, so that a row missing its event_id is counted (as unattributed), not lost.
  const rows = await r.query<{ id: string; registrationId: string; attributed: boolean }>(
    `SELECT m.id, m.registration_id AS "registrationId", m.event_id IS NOT DISTINCT FROM g.event_id AS attributed
       FROM mail_message m JOIN registration g ON g.id = m.registration_id
      WHERE g.event_id = $1 AND m.kind = $2`,
    [eventId, kind],
  );
  const arrivals = new Map<string, number>();
  for (const m of r.smtp.messages) {
    const id = rowIdOf(m);
    if (id) arrivals.set(id, (arrivals.get(id) ?? 0) + 1);
  }
  const expected = new Set(registrationIds);
  const rowsByRegistration = new Map<string, string[]>();
  for (const row of rows) rowsByRegistration.set(row.registrationId, [...(rowsByRegistration.get(row.registrationId) ?? []), row.id]);
  let mails = 0;
  let doubled = 0;
  for (const row of rows) {
    const n = arrivals.get(row.id) ?? 0;
    mails += n;
    doubled += Math.max(0, n - 1);
  }
  for (const ids of rowsByRegistration.values()) doubled += ids.length - 1;
  const lost = [...expected].filter((id) => !(rowsByRegistration.get(id) ?? []).some((row) => (arrivals.get(row) ?? 0) > 0)).length;
  const stray = [...rowsByRegistration.keys()].filter((id) => !expected.has(id)).length;
  return { expected: expected.size, rows: rows.length, mails, doubled, lost, stray, unattributed: rows.filter((row) => !row.attributed).length };
}

/** Captured mails whose Message-ID names no mail_message row of this database (should be none). */
export async function unknownMails(r: Replicas): Promise<number> {
  const ids = r.smtp.messages.map(rowIdOf);
  const known = new Set((await r.query<{ id: string }>('SELECT id FROM mail_message')).map((x) => x.id));
  return ids.filter((id) => !id || !known.has(id)).length;
}
