import { Client } from 'pg';
import { AppProcess } from '../support/app-process';
import {
  accepts, delegate, faultEnv, faultSuffix, lockWaiters, Outcome, printFigures, publishedEvent, requestOnNewConnection, sql, tally, waitUntil,
} from '../support/fault-load';
import { TestPostgres } from '../support/pg-cluster';
import { TestRedis } from '../support/redis-server';

/** How long a SIGTERMed api may take to exit once its in-flight requests can finish. */
const EXIT_BOUND_MS = 10_000;
/** Clients of the storm: fewer than the api's 20 pooled connections, so each waits on the lock in PostgreSQL, where the test can count it. */
const CLIENTS = 16;

/**
 * Issue 13: the api process SIGTERMed (a deploy, a scale-down) in the middle
 * of a registration storm. To make "in flight" certain rather than likely, the
 * test holds the event's row lock when the signal comes: every client's
 * registration has been read by the api and waits in PostgreSQL, and is let
 * through only once the api has stopped accepting connections. Each request
 * goes on a connection of its own, so a lost answer cannot hide behind
 * keep-alive.
 */
describe('the api SIGTERMed under load', () => {
  const suffix = faultSuffix();
  const database = `td_test_${suffix}`;
  let pg: TestPostgres;
  let redis: TestRedis;
  let api: AppProcess;
  let lock: Client | undefined;

  beforeAll(async () => {
    [pg, redis] = await Promise.all([TestPostgres.create(), TestRedis.start()]);
    api = await AppProcess.start({ ...faultEnv(pg.url(database), suffix, 'smtp://127.0.0.1:9'), REDIS_URL: redis.url, APP_ROLE: 'api' });
  }, 150_000);

  afterAll(async () => {
    await lock?.end().catch(() => undefined);
    await api?.stop();
    await redis?.stop();
    await pg?.destroy();
  });

  it('finishes every request it accepted, refuses new connections, exits 0 within 10 s; the database holds exactly what was answered 201', async () => {
    // Seats for all: every registration the api reads is written, so the database shows which it read.
    const capacity = 1000;
    const { eventId } = await publishedEvent(api.url, capacity);
    const port = Number(new URL(api.url).port);
    const results: { email: string; outcome: Outcome; atTerm: boolean }[] = [];
    const outstanding = new Set<string>();
    let termSent = false;
    let inFlightAtTerm: Set<string> = new Set();

    const clients = Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (;;) {
          const body = delegate();
          outstanding.add(body.email);
          const outcome = await requestOnNewConnection(api.url, 'POST', `/api/v1/events/${eventId}/registrations`, body);
          outstanding.delete(body.email);
          results.push({ email: body.email, outcome, atTerm: inFlightAtTerm.has(body.email) });
          // Once the api refuses connections this client is done (it would go to another replica).
          if (outcome.kind !== 'answered' || (termSent && !api.alive)) return;
        }
      }),
    );

    // Under load first; then the event's row is locked, so registrations pile up inside the api.
    await waitUntil('150 registrations answered', () => results.length >= 150, 30_000);
    lock = new Client({ connectionString: pg.url(database) });
    await lock.connect();
    await lock.query('BEGIN');
    await lock.query('SELECT 1 FROM event WHERE id = $1 FOR UPDATE', [eventId]);
    // Every client's request is read and waits in PostgreSQL: none is on its way to the api any more.
    await waitUntil('every client\'s registration waits for the lock', async () => (await lockWaiters(pg.url('postgres'), database)) === CLIENTS, 20_000);

    inFlightAtTerm = new Set(outstanding);
    const termAt = Date.now();
    api.child.kill('SIGTERM');
    termSent = true;
    await waitUntil('the api refuses new connections', async () => !(await accepts(port)), EXIT_BOUND_MS);
    const refusedAfterMs = Date.now() - termAt;
    // Still waiting inside the api when it stopped accepting: at least those blocked on the lock.
    const waitingAtRefusal = [...inFlightAtTerm].filter((e) => outstanding.has(e)).length;
    expect(api.alive).toBe(true);
    await lock.query('COMMIT');

    let exitedAt = 0;
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      api.exited.then((c) => ((exitedAt = Date.now()), c)),
      new Promise<'running'>((r) => (timer = setTimeout(() => r('running'), EXIT_BOUND_MS + 5000))),
    ]).finally(() => clearTimeout(timer));
    await clients;
    const exitMs = exitedAt ? exitedAt - termAt : -1;

    const dropped = results.filter((r) => r.outcome.kind === 'dropped');
    const refused = results.filter((r) => r.outcome.kind === 'refused');
    const answered = results.filter((r) => r.outcome.kind === 'answered');
    const statuses = tally(answered.map((r) => (r.outcome as { status: number }).status));
    const inFlight = results.filter((r) => r.atTerm);
    const created = answered.filter((r) => (r.outcome as { status: number }).status === 201).map((r) => r.email);

    // Nothing partial: the registrations are exactly those answered 201, each with its seat and its mail.
    const stored = (await sql<{ email: string; status: string }>(pg.url(database), `SELECT email, status FROM registration WHERE event_id = $1`, [eventId]));
    const [{ counter }] = await sql<{ counter: number }>(pg.url(database), 'SELECT confirmed_count AS counter FROM event WHERE id = $1', [eventId]);
    const [mails] = await sql<{ messages: number; jobs: number }>(
      pg.url(database),
      `SELECT (SELECT count(*)::int FROM mail_message) AS messages, (SELECT count(*)::int FROM outbox WHERE job_name = 'mail.send') AS jobs`,
    );
    const storedEmails = new Set(stored.map((s) => s.email));
    // Lost: answered 201 but not stored, or stored but its answer never came (read, then dropped).
    const lost = created.filter((e) => !storedEmails.has(e)).length + dropped.filter((r) => storedEmails.has(r.email)).length;
    const unanswered = stored.filter((s) => !created.includes(s.email)).length;
    printFigures('sigterm / registration storm', {
      requests: results.length,
      inFlightAtTerm: inFlight.length,
      statuses,
      refused: refused.length,
      dropped: dropped.length,
      waitingAtRefusal,
      refusedAfterMs,
      exitMs,
      exitCode: code,
      confirmed: stored.length,
      lost,
      doubled: unanswered,
    });
    expect({ lost, doubled: unanswered }).toEqual({ lost: 0, doubled: 0 });
    expect(code).toBe(0);
    expect(exitMs).toBeGreaterThan(0);
    expect(exitMs).toBeLessThanOrEqual(EXIT_BOUND_MS);
    expect(api.child.signalCode).toBeNull();
    expect({ inFlightAtTerm: inFlight.length, waitingAtRefusal }).toEqual({ inFlightAtTerm: CLIENTS, waitingAtRefusal: CLIENTS });
    // Every request in flight at the signal was answered, by the registration itself; nothing was cut.
    expect(inFlight.filter((r) => r.outcome.kind !== 'answered' || r.outcome.status !== 201).map((r) => JSON.stringify(r.outcome))).toEqual([]);
    expect(dropped.map((r) => JSON.stringify(r.outcome))).toEqual([]);
    expect(Object.keys(statuses)).toEqual(['201']);
    // Each client's next request, after its answer, found the port closed.
    expect(refused.map((r) => (r.outcome as { error: string }).error.split(' ')[0])).toEqual(Array(CLIENTS).fill('connect'));
    expect([...created].sort()).toEqual(stored.map((s) => s.email).sort());
    expect(stored.every((s) => s.status === 'confirmed')).toBe(true);
    expect(counter).toBe(stored.length);
    expect(mails).toEqual({ messages: stored.length, jobs: stored.length });
  }, 120_000);
});
