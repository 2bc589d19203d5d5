import { AppProcess } from '../support/app-process';
import {
  Answer, call, deliveries, delegate, faultEnv, faultSuffix, printFigures, publishedEvent, sleep, sql, storm, tally, waitUntil,
} from '../support/fault-load';
import { TestPostgres } from '../support/pg-cluster';
import { TestRedis } from '../support/redis-server';
import { SmtpCapture } from '../support/smtp-capture';

/**
 * Issue 13: Redis (the test's own, no persistence) stopped in the middle of a
 * registration storm and started again, empty, while it goes on. Registrations
 * need only PostgreSQL; their mails wait in the outbox and go out once Redis is
 * back, including those whose jobs were in Redis when it went. Real api and
 * worker processes, real SMTP, a PostgreSQL cluster of the test's own (the
 * shared one's connections are for everyone's tests).
 */
describe('Redis stopped and started again (empty) during a registration storm', () => {
  const suffix = faultSuffix();
  let pg: TestPostgres;
  let databaseUrl: string;
  let redis: TestRedis;
  let smtp: SmtpCapture;
  let api: AppProcess;
  let worker: AppProcess;

  beforeAll(async () => {
    [pg, redis] = await Promise.all([TestPostgres.create(), TestRedis.start()]);
    databaseUrl = pg.url(`td_test_${suffix}`);
    // A slow SMTP server keeps mail jobs waiting in Redis, so the restart loses some of them.
    smtp = await SmtpCapture.start({ delayMs: 25 });
    const env = { ...faultEnv(databaseUrl, suffix, smtp.url), REDIS_URL: redis.url };
    [api, worker] = await Promise.all([AppProcess.start({ ...env, APP_ROLE: 'api' }), AppProcess.start({ ...env, APP_ROLE: 'worker' })]);
  }, 150_000);

  afterAll(async () => {
    for (const p of [api, worker]) if (p && !p.alive) console.error(`a process died during the test\n${p.output()}`);
    await Promise.all([api?.stop(), worker?.stop()]);
    await smtp?.close();
    await redis?.stop();
    await pg?.destroy();
  });

  it('answers only 201, 409 or 503; confirms exactly the capacity; each confirmed delegate gets one mail once Redis is back', async () => {
    const capacity = 250;
    const total = 700;
    const { eventId } = await publishedEvent(api.url, capacity);
    const answers: { status: number; email: string; retryAfter: string | null; at: 'up' | 'down' | 'back' }[] = [];
    let phase: 'up' | 'down' | 'back' = 'up';
    let done = false;
    let queuedAtStop = -1;
    // From the moment a fifth has been answered until Redis is stopped no new request starts (the
    // storm closes the gate itself, not a poll): on a slow machine the stop can take as long as the
    // rest of the seats take to fill, and then nothing would be left to register while it is down.
    let paused: Promise<void> | null = null;
    let resume!: () => void;
    const fault = (async () => {
      await waitUntil('a fifth of the storm answered', () => done || paused !== null, 60_000);
      if (done) return;
      // Mail jobs still waiting in Redis at the stop: they vanish with it (no persistence).
      [{ n: queuedAtStop }] = await sql<{ n: number }>(databaseUrl, `SELECT count(*)::int AS n FROM mail_message WHERE status = 'queued'`);
      await redis.stop();
      phase = 'down';
      paused = null;
      resume();
      await waitUntil('a further fifth answered while Redis is down', () => done || answers.filter((a) => a.at === 'down').length >= total * 0.2, 60_000);
      await redis.start();
      phase = 'back';
    })();
    await storm(total, 30, async () => {
      if (paused) await paused;
      const body = delegate();
      const at = phase;
      let r: Answer;
      try {
        r = await call(api.url, 'POST', `/api/v1/events/${eventId}/registrations`, body);
      } catch (err) {
        done = true;
        throw new Error(`no answer (${(err as Error).message}); the api ${api.alive ? 'still runs' : 'died'}\n${api.output()}`);
      }
      answers.push({ status: r.status, email: body.email, retryAfter: r.headers.get('retry-after'), at });
      // At most a fifth plus the requests in flight are answered before the stop: seats are left for 'down'.
      if (phase === 'up' && !paused && answers.length >= total * 0.2) paused = new Promise<void>((r) => (resume = r));
    }).finally(() => (done = true));
    await fault;
    expect(phase).toBe('back');

    expect(api.alive && worker.alive).toBe(true);
    const statuses = tally(answers.map((a) => a.status));
    expect(Object.keys(statuses).filter((s) => !['201', '409', '503'].includes(s))).toEqual([]);
    expect(answers.filter((a) => a.status === 503 && !a.retryAfter)).toEqual([]);
    // Registrations need only PostgreSQL: Redis being away turns none of them away.
    expect(answers.filter((a) => a.at === 'down' && a.status === 201).length).toBeGreaterThan(0);

    // Nothing partial: every confirmed delegate has the counter's seat and one confirmation mail row.
    const confirmed = (await sql<{ email: string }>(databaseUrl, `SELECT email FROM registration WHERE event_id = $1 AND status = 'confirmed'`, [eventId])).map((r) => r.email);
    const [{ counter }] = await sql<{ counter: number }>(databaseUrl, 'SELECT confirmed_count AS counter FROM event WHERE id = $1', [eventId]);
    const created = answers.filter((a) => a.status === 201).map((a) => a.email);
    // No 503 here (the database never went): every seat was taken by a 201.
    expect(confirmed.length).toBe(capacity);
    expect(counter).toBe(capacity);
    expect([...created].sort()).toEqual([...confirmed].sort());
    const [{ rows: mailRows, registrations }] = await sql<{ rows: number; registrations: number }>(
      databaseUrl,
      `SELECT count(*)::int AS rows, count(DISTINCT registration_id)::int AS registrations FROM mail_message WHERE registration_id IN (SELECT id FROM registration WHERE event_id = $1)`,
      [eventId],
    );
    expect({ mailRows, registrations }).toEqual({ mailRows: capacity, registrations: capacity });

    // Delivered once Redis is back: the outbox rows that waited, and the jobs the restart lost.
    await waitUntil('every confirmed delegate got a mail', () => deliveries(confirmed, smtp.messages).lost === 0, 45_000);
    await waitUntil(
      'no outbox row is left pending or enqueued',
      async () => (await sql<{ n: number }>(databaseUrl, `SELECT count(*)::int AS n FROM outbox WHERE status IN ('pending', 'enqueued')`))[0].n === 0,
      30_000,
    );
    await sleep(1000); // a mail sent twice would arrive within this
    const d = deliveries(confirmed, smtp.messages);
    const [{ requeued }] = await sql<{ requeued: number }>(databaseUrl, `SELECT count(*)::int AS requeued FROM outbox WHERE requeues > 0`);
    printFigures('redis restart / registration storm', {
      requests: answers.length,
      statuses,
      whileDown: answers.filter((a) => a.at === 'down').length,
      confirmedWhileDown: answers.filter((a) => a.at === 'down' && a.status === 201).length,
      confirmed: confirmed.length,
      mailsQueuedAtStop: queuedAtStop,
      jobsLostWithRedis: requeued,
      mails: d.mails,
      lost: d.lost,
      doubled: d.doubled,
    });
    expect(d).toEqual({ mails: capacity, lost: 0, doubled: 0, stray: 0 });
    expect(await sql(databaseUrl, `SELECT status, count(*)::int AS n FROM mail_message GROUP BY status`)).toEqual([{ status: 'sent', n: capacity }]);
    expect(await sql(databaseUrl, `SELECT job_id, last_error FROM outbox WHERE status = 'failed'`)).toEqual([]);
  }, 120_000);
});
