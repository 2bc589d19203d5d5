import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { AppProcess } from '../support/app-process';
import { call, faultEnv, faultSuffix, FAULT_ADMIN, printFigures, sleep, sql, waitUntil } from '../support/fault-load';
import { TestPostgres } from '../support/pg-cluster';
import { TestRedis } from '../support/redis-server';
import { SmtpCapture } from '../support/smtp-capture';

const CONFIRMED = 3;
const WAITLISTED = 2;
// The reminder falls due this long after the event is made: time to plan it before Redis goes.
const DUE_IN_MS = 14_000;

/**
 * Issue 13 ("nothing lost"): a reminder is a BullMQ delayed job, recorded in event_reminder. Redis
 * (the test's own, no persistence) is stopped after the reminder is planned and started again
 * empty: the workers find the job missing and add it again, and the reminder still goes out once
 * to each confirmed delegate, none to the waiting list. Real api and two worker processes (both
 * see Redis come back), real SMTP, a PostgreSQL cluster of the test's own.
 */
describe('reminders when Redis restarts empty', () => {
  const suffix = faultSuffix();
  const prefix = `tdtest-${suffix}`;
  let pg: TestPostgres;
  let databaseUrl: string;
  let redis: TestRedis;
  let smtp: SmtpCapture;
  let api: AppProcess;
  let workers: AppProcess[] = [];

  beforeAll(async () => {
    [pg, redis, smtp] = await Promise.all([TestPostgres.create(), TestRedis.start(), SmtpCapture.start()]);
    databaseUrl = pg.url(`td_test_${suffix}`);
    const env = { ...faultEnv(databaseUrl, suffix, smtp.url), REDIS_URL: redis.url };
    // All three at once: they migrate once between them (replicas.test.ts).
    const worker = () => AppProcess.start({ ...env, APP_ROLE: 'worker' });
    [api, ...workers] = await Promise.all([AppProcess.start({ ...env, APP_ROLE: 'api' }), worker(), worker()]);
  }, 150_000);

  afterAll(async () => {
    for (const p of [api, ...workers]) if (p && !p.alive) console.error(`a process died during the test\n${p.output()}`);
    await Promise.all([api?.stop(), ...workers.map((w) => w.stop())]);
    await smtp?.close();
    await redis?.stop();
    await pg?.destroy();
  });

  /** A short-lived client of the test's Redis (it goes away under a long-lived one). */
  async function inRedis<T>(work: (r: Redis) => Promise<T>): Promise<T> {
    const r = new Redis({ port: redis.port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    r.on('error', () => undefined);
    try {
      await r.connect();
      return await work(r);
    } finally {
      r.disconnect();
    }
  }
  const jobHash = (jobId: string) => inRedis((r) => r.hgetall(`${prefix}:events:${jobId}`));
  const unreachableLogs = (p: AppProcess) => p.stdout.split('Redis is unreachable').length - 1;

  /** Redis goes, and comes back empty (no persistence), once every process has seen it gone (the `outage`-th time); `whileDown` runs in between. */
  async function restartRedisEmpty(outage: number, whileDown: () => Promise<void> = async () => undefined): Promise<number> {
    await redis.stop();
    await waitUntil('the processes find Redis unreachable', () => [api, ...workers].every((p) => unreachableLogs(p) >= outage), 10_000);
    await whileDown();
    await redis.start();
    const restartedAt = Date.now();
    expect(await inRedis((r) => r.dbsize())).toBe(0);
    return restartedAt;
  }

  /** A published event with CONFIRMED + WAITLISTED delegates (language en) whose reminder falls due `dueInMs` from now, once planned (row and job in Redis). */
  async function eventWithPlannedReminder(dueInMs: number) {
    const login = await call(api.url, 'POST', '/api/v1/auth/login', FAULT_ADMIN);
    expect(login.status).toBe(200);
    const token: string = login.body.accessToken;
    const n = randomBytes(3).toString('hex');
    const org = await call(api.url, 'POST', '/api/v1/organizations', { name: `Công đoàn ${n}` }, token);
    expect(org.status).toBe(201);
    // Starts in 1 h + dueInMs with a reminder 1 h before.
    const startsAt = Date.now() + 3_600_000 + dueInMs;
    const titleEn = `Redis loss ${n}`;
    const ev = await call(
      api.url,
      'POST',
      '/api/v1/events',
      { title: `Hội nghị ${n}`, titleEn, kind: 'conference', organizationId: org.body.id, startsAt: new Date(startsAt).toISOString(), endsAt: new Date(startsAt + 3_600_000).toISOString(), capacity: CONFIRMED, waitlist: true, registrationMode: 'open', reminderHoursBefore: 1 },
      token,
    );
    expect(ev.status).toBe(201);
    const eventId: string = ev.body.id;
    expect((await call(api.url, 'POST', `/api/v1/events/${eventId}/publish`, undefined, token)).status).toBe(200);
    const emails = Array.from({ length: CONFIRMED + WAITLISTED }, (_, i) => `remind-${n}-${i}@test.local`);
    for (const email of emails) {
      const r = await call(api.url, 'POST', `/api/v1/events/${eventId}/registrations`, { fullName: `Đại biểu ${email}`, email, language: 'en' }, token);
      expect(r.status).toBe(201);
    }
    const byStatus = await sql<{ email: string; status: string }>(databaseUrl, `SELECT email, status FROM registration WHERE event_id = $1`, [eventId]);
    const confirmed = byStatus.filter((r) => r.status === 'confirmed').map((r) => r.email).sort();
    expect(confirmed.length).toBe(CONFIRMED);
    expect(byStatus.filter((r) => r.status === 'waitlisted').length).toBe(WAITLISTED);

    // Planned: recorded in event_reminder, and the delayed job is in Redis.
    let plan: { jobId: string; runAt: Date } | undefined;
    await waitUntil(
      'the reminder is planned',
      async () => {
        [plan] = await sql<{ jobId: string; runAt: Date }>(databaseUrl, `SELECT job_id AS "jobId", run_at AS "runAt" FROM event_reminder WHERE event_id = $1`, [eventId]);
        return !!plan && Object.keys(await jobHash(plan.jobId)).length > 0;
      },
      dueInMs,
    );
    const { jobId, runAt } = plan!;
    expect(runAt.getTime()).toBe(startsAt - 3_600_000);
    const plannedBefore = runAt.getTime() - Date.now();
    expect(plannedBefore).toBeGreaterThan(0); // a restart now loses a job that has not fired
    const reminders = () => smtp.messages.filter((m) => m.subject === `Reminder: ${titleEn}`);
    const remindedTo = () => reminders().map((m) => (m.to as { value: { address: string }[] }).value.map((v) => v.address.toLowerCase())).flat().sort();
    const counts = async () => {
      const [{ batches }] = await sql<{ batches: number }>(databaseUrl, `SELECT count(*)::int AS batches FROM invitation_batch WHERE event_id = $1 AND template = 'reminder'`, [eventId]);
      const [{ sent }] = await sql<{ sent: number }>(
        databaseUrl,
        `SELECT count(*)::int AS sent FROM mail_message m JOIN invitation i ON i.mail_message_id = m.id JOIN invitation_batch b ON b.id = i.batch_id WHERE b.event_id = $1 AND b.template = 'reminder' AND m.status = 'sent'`,
        [eventId],
      );
      return { batches, sent };
    };
    const waitForReminders = () =>
      waitUntil('a reminder reaches every confirmed delegate', () => reminders().length >= CONFIRMED, Math.max(0, runAt.getTime() - Date.now()) + 25_000).catch((err: Error) => {
        throw new Error(`${err.message}; ${reminders().length} arrived\n${workers.map((w) => w.output(3000)).join('\n')}`);
      });
    return { eventId, confirmed, jobId, runAt, plannedBefore, reminders, remindedTo, counts, waitForReminders };
  }

  let first: Awaited<ReturnType<typeof eventWithPlannedReminder>> | undefined;

  it('a planned reminder lost with Redis still fires, once per confirmed delegate; adding it again after it fired sends nothing', async () => {
    const started = Date.now();
    const e = (first = await eventWithPlannedReminder(DUE_IN_MS));
    const { jobId, runAt, plannedBefore, confirmed } = e;
    const restartedAt = await restartRedisEmpty(1);
    await e.waitForReminders();
    const job = await jobHash(jobId);
    // Put back by a worker (not an old copy): added after the restart, due at the recorded time.
    expect(Number(job.timestamp)).toBeGreaterThanOrEqual(restartedAt - 50);
    // (The hash's `delay` is zeroed when the job is promoted; its options keep the delay it was added with.)
    const readdDelay = Number((JSON.parse(job.opts) as { delay?: number }).delay ?? 0);
    const dueAt = Number(job.timestamp) + readdDelay;
    expect(Math.abs(dueAt - Math.max(runAt.getTime(), Number(job.timestamp)))).toBeLessThan(1000);
    expect(Number(job.processedOn)).toBeGreaterThanOrEqual(runAt.getTime() - 50);
    await waitUntil('the reminder job completes', async () => !!(await jobHash(jobId)).finishedOn, 10_000);

    // A worker that adds the job again after it completed and was removed (history trimmed, another
    // Redis loss): the batch is written under the job id, so nothing more is sent.
    const queue = new Queue('events', { connection: { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null }, prefix });
    try {
      const done = await queue.getJob(jobId);
      expect(await done!.getState()).toBe('completed');
      await done!.remove();
      const again = await queue.add('reminders.fire', done!.data, { jobId, attempts: 1 });
      await waitUntil('the job added again completes', async () => (await again.getState()) === 'completed', 15_000);
    } finally {
      await queue.close();
    }
    await sleep(1500); // a reminder sent twice would arrive within this

    const to = e.remindedTo();
    const { batches, sent } = await e.counts();
    const readdLogs = workers.map((w) => w.stdout.split('were missing from Redis and were added again').length - 1);
    printFigures('redis restart / reminder', {
      confirmed: CONFIRMED,
      waitlisted: WAITLISTED,
      plannedDueInMsAtStop: plannedBefore,
      readdedAfterRestartMs: Number(job.timestamp) - restartedAt,
      readdDelayMs: readdDelay,
      firedAfterRunAtMs: Number(job.processedOn) - runAt.getTime(),
      readdLogsPerWorker: readdLogs,
      reminderMails: to.length,
      batches,
      sentRows: sent,
      totalMs: Date.now() - started,
    });
    expect(to).toEqual(confirmed);
    expect(batches).toBe(1);
    expect(sent).toBe(CONFIRMED);
    expect(api.alive && workers.every((w) => w.alive)).toBe(true);
  }, 60_000);

  it('a reminder that fell due while Redis was down fires at once when it is back; one already sent is not added again', async () => {
    expect(first).toBeDefined(); // the reminder sent by the test above
    const started = Date.now();
    const e = await eventWithPlannedReminder(DUE_IN_MS);
    // Down until past the reminder's time: the job is added again with no delay.
    const restartedAt = await restartRedisEmpty(2, () => waitUntil('the reminder time passes', () => Date.now() > e.runAt.getTime() + 500, DUE_IN_MS + 5000));
    await e.waitForReminders();
    const job = await jobHash(e.jobId);
    expect(Number(job.timestamp)).toBeGreaterThanOrEqual(restartedAt - 50);
    expect(Number((JSON.parse(job.opts) as { delay?: number }).delay ?? 0)).toBe(0);
    await sleep(1500); // a reminder sent twice would arrive within this
    const { batches, sent } = await e.counts();
    // The first event's reminder was sent (its batch is written): no worker put its job back, nothing more went out.
    const firstJob = await jobHash(first!.jobId);
    const firstCounts = await first!.counts();
    printFigures('redis restart / reminder past due', {
      downPastRunAtMs: restartedAt - e.runAt.getTime(),
      readdedAfterRestartMs: Number(job.timestamp) - restartedAt,
      firedAfterRestartMs: Number(job.processedOn) - restartedAt,
      reminderMails: e.reminders().length,
      batches,
      sentRows: sent,
      firstEventJobBack: Object.keys(firstJob).length > 0,
      firstEventMails: first!.reminders().length,
      totalMs: Date.now() - started,
    });
    expect(e.remindedTo()).toEqual(e.confirmed);
    expect({ batches, sent }).toEqual({ batches: 1, sent: CONFIRMED });
    expect(firstJob).toEqual({});
    expect(first!.remindedTo()).toEqual(first!.confirmed);
    expect(firstCounts).toEqual({ batches: 1, sent: CONFIRMED });
    expect(api.alive && workers.every((w) => w.alive)).toBe(true);
  }, 60_000);

  it('a restart too quick for the relay to see Redis gone (under its 500 ms poll) still puts the planned reminder back', async () => {
    const e = await eventWithPlannedReminder(DUE_IN_MS);
    const outagesSeen = [api, ...workers].map(unreachableLogs);
    // Killed and started again at once, as a supervisor restarts it: empty, and back within a moment.
    const stoppedAt = Date.now();
    await redis.stop();
    await redis.start();
    const restartedAt = Date.now();
    expect(await inRedis((r) => r.dbsize())).toBe(0);
    await e.waitForReminders();
    const job = await jobHash(e.jobId);
    await sleep(1500); // a reminder sent twice would arrive within this
    printFigures('redis quick restart / planned reminder', {
      downMs: restartedAt - stoppedAt,
      processesThatSawItDown: [api, ...workers].filter((p, i) => unreachableLogs(p) > outagesSeen[i]).length,
      readdedAfterRestartMs: Number(job.timestamp) - restartedAt,
      reminderMails: e.reminders().length,
    });
    expect(Number(job.timestamp)).toBeGreaterThanOrEqual(restartedAt - 50);
    expect(e.remindedTo()).toEqual(e.confirmed);
    expect(await e.counts()).toEqual({ batches: 1, sent: CONFIRMED });
    expect(api.alive && workers.every((w) => w.alive)).toBe(true);
  }, 60_000);
});
