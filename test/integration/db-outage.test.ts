import { AppProcess } from '../support/app-process';
import { call, delegate, FAULT_ADMIN, faultEnv, faultSuffix, publishedEvent, sleep, sql, storm, waitUntil } from '../support/fault-load';
import { TestPostgres } from '../support/pg-cluster';
import { SmtpCapture } from '../support/smtp-capture';

/**
 * Issue 14: PostgreSQL itself goes away for a few seconds (the test's own
 * cluster, stopped and started again) while an api and a worker process are
 * under load. Nothing is restarted but the database.
 */
describe('PostgreSQL stopped under load and started again', () => {
  const suffix = faultSuffix();
  let pg: TestPostgres;
  let databaseUrl: string;
  let smtp: SmtpCapture;
  let api: AppProcess;
  let worker: AppProcess;

  beforeAll(async () => {
    pg = await TestPostgres.create();
    databaseUrl = pg.url(`td_test_${suffix}`);
    smtp = await SmtpCapture.start({ delayMs: 60 });
    const env = faultEnv(databaseUrl, suffix, smtp.url);
    api = await AppProcess.start({ ...env, APP_ROLE: 'api' });
    worker = await AppProcess.start({ ...env, APP_ROLE: 'worker' });
  }, 300_000);

  afterAll(async () => {
    for (const p of [api, worker]) if (p && !p.alive) console.error(`a process died during the test\n${p.output()}`);
    await Promise.all([api?.stop(), worker?.stop()]);
    await smtp?.close();
    await pg?.destroy();
  });

  const expectAlive = (p: AppProcess) => {
    if (!p.alive) throw new Error(`the process died (exit ${p.child.exitCode}, ${p.child.signalCode})\n${p.output()}`);
  };
  const mailsTo = (address: string) => smtp.messages.filter((m) => JSON.stringify(m.to ?? '').includes(address)).length;

  it('/health goes 503 naming the database, requests fail fast with 503, and everything works again once it is back; every mail goes out once', async () => {
    const { token, eventId } = await publishedEvent(api.url, null);
    // Delegates to check in during the test.
    const codes: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await call(api.url, 'POST', `/api/v1/events/${eventId}/registrations`, delegate());
      expect(r.status).toBe(201);
      codes.push(r.body.code);
    }
    // A batch of mails the worker is still delivering when the database stops (60 ms a mail at the SMTP server).
    await storm(200, 20, async () => expect((await call(api.url, 'POST', `/api/v1/events/${eventId}/registrations`, delegate())).status).toBe(201));

    // Load through the whole outage: registrations and check-ins, each answer timed.
    const answers: { kind: string; status: number; ms: number; retryAfter: string | null }[] = [];
    let stopLoad = false;
    let i = 0;
    const loadDone = Promise.all(
      Array.from({ length: 8 }, async () => {
        while (!stopLoad) {
          const n = i++;
          const started = Date.now();
          const r =
            n % 2 === 0
              ? await call(api.url, 'POST', `/api/v1/events/${eventId}/registrations`, delegate())
              : await call(api.url, 'POST', `/api/v1/events/${eventId}/check-ins`, { code: codes[n % codes.length] }, token);
          answers.push({ kind: n % 2 === 0 ? 'registration' : 'check-in', status: r.status, ms: Date.now() - started, retryAfter: r.headers.get('retry-after') });
          await sleep(10);
        }
      }),
    );

    try {
      await waitUntil('some answers under load', () => answers.length >= 20);
      const deliveredAtStop = smtp.messages.length;
      await pg.stop();
      // The worker was mid-batch: the outage hits mail jobs too.
      expect(deliveredAtStop).toBeLessThan(220);
      const downAt = answers.length;
      await waitUntil('/health answers 503', async () => (await call(api.url, 'GET', '/health')).status === 503, 30_000);
      const health = await call(api.url, 'GET', '/health');
      expect(health.status).toBe(503);
      expect(health.body.error?.database?.status).toBe('down');
      // New requests are refused quickly while it is down: no pile-up until the pool's timeout.
      await waitUntil('30 requests answered while the database is down', () => answers.length >= downAt + 30, 60_000);
      const during = answers.slice(downAt + 5);
      expect(during.filter((a) => a.status === 503).length).toBeGreaterThan(10);
      expect(during.filter((a) => a.status === 503 && a.ms > 5000)).toEqual([]);
      expectAlive(api);
      expectAlive(worker);

      await pg.start();
      await waitUntil('/health answers 200 again', async () => (await call(api.url, 'GET', '/health')).status === 200, 60_000);
      const upAt = answers.length;
      await waitUntil('registrations and check-ins succeed again', () => {
        const after = answers.slice(upAt);
        return after.some((a) => a.kind === 'registration' && a.status === 201) && after.some((a) => a.kind === 'check-in' && a.status < 300);
      });
    } finally {
      stopLoad = true;
      await loadDone;
    }

    expectAlive(api);
    expectAlive(worker);
    const unexpected = answers.filter((a) => ![200, 201, 409, 503].includes(a.status));
    expect(unexpected).toEqual([]);
    expect(answers.filter((a) => a.status === 503 && !a.retryAfter)).toEqual([]);

    // Every committed registration's mail is delivered, once (the worker's relay and jobs resumed by themselves).
    const confirmed = (await sql<{ email: string }>(databaseUrl, `SELECT email FROM registration WHERE event_id = $1 AND status = 'confirmed'`, [eventId])).map((r) => r.email);
    expect(confirmed.length).toBeGreaterThanOrEqual(220);
    await waitUntil('every confirmed delegate got a mail', () => confirmed.every((e) => mailsTo(e) >= 1), 120_000);
    await waitUntil(
      'no outbox job is left pending or enqueued',
      async () => (await sql<{ n: number }>(databaseUrl, `SELECT count(*)::int AS n FROM outbox WHERE status IN ('pending', 'enqueued')`))[0].n === 0,
      120_000,
    );
    await sleep(1500);
    expect(confirmed.map((e) => mailsTo(e)).filter((n) => n !== 1)).toEqual([]);
    expect(await sql(databaseUrl, `SELECT status, count(*)::int AS n FROM mail_message GROUP BY status`)).toEqual([{ status: 'sent', n: confirmed.length }]);
    if (process.env.FAULT_SHOW_LOGS) console.log(`api log:\n${api.stdout.slice(-6000)}\nworker log:\n${worker.stdout.slice(-6000)}`);
  }, 300_000);
});
