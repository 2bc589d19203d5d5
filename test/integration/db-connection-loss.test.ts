import { AppProcess } from '../support/app-process';
import {
  Answer, call, delegate, dropDatabaseAt, FAULT_ADMIN, faultEnv, faultSuffix, publishedEvent, sleep, sql, storm, terminateBackends, waitUntil,
} from '../support/fault-load';
import { SmtpCapture } from '../support/smtp-capture';

const PG_BASE = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

/**
 * Issue 14: PostgreSQL terminating the app's connections (what a restart, a
 * failover, a pooler's idle timeout or a network cut does) while an api and a
 * worker process are busy. Real processes (src/main.ts), so that a crash is
 * seen as one; real PostgreSQL, Redis and SMTP.
 */
describe('a lost PostgreSQL connection (backends terminated under load)', () => {
  const suffix = faultSuffix();
  const database = `td_test_${suffix}`;
  const databaseUrl = `${PG_BASE}/${database}`;
  let smtp: SmtpCapture;
  let api: AppProcess;
  let worker: AppProcess;

  beforeAll(async () => {
    // A slow SMTP server keeps many mail jobs active at once, so terminations hit them mid-job.
    smtp = await SmtpCapture.start({ delayMs: 40 });
    const env = faultEnv(databaseUrl, suffix, smtp.url);
    api = await AppProcess.start({ ...env, APP_ROLE: 'api' });
    worker = await AppProcess.start({ ...env, APP_ROLE: 'worker' });
  }, 300_000);

  afterAll(async () => {
    for (const p of [api, worker]) if (p && !p.alive) console.error(`a process died during the tests\n${p.output()}`);
    await Promise.all([api?.stop(), worker?.stop()]);
    await smtp?.close();
    await dropDatabaseAt(databaseUrl);
  });

  /** Alive, or a failure that shows how it died. */
  const expectAlive = (p: AppProcess) => {
    if (!p.alive) throw new Error(`the process died (exit ${p.child.exitCode}, ${p.child.signalCode})\n${p.output()}`);
  };
  const mailsTo = (address: string) => smtp.messages.filter((m) => m.to && JSON.stringify(m.to).includes(address)).length;
  const confirmedEmails = async (eventId: string): Promise<string[]> =>
    (await sql<{ email: string }>(databaseUrl, `SELECT email FROM registration WHERE event_id = $1 AND status = 'confirmed'`, [eventId])).map((r) => r.email);
  const openJobs = async (): Promise<number> =>
    (await sql<{ n: number }>(databaseUrl, `SELECT count(*)::int AS n FROM outbox WHERE status IN ('pending', 'enqueued')`))[0].n;

  /** Every confirmed delegate's mail arrived, nothing is left to deliver, and (after a settling pause) nothing came twice. */
  async function expectOneMailEach(emails: string[]): Promise<void> {
    await waitUntil('every confirmed delegate got a mail', () => emails.every((e) => mailsTo(e) >= 1), 120_000);
    await waitUntil('no outbox job is left pending or enqueued', async () => (await openJobs()) === 0, 120_000);
    await sleep(1500);
    const counts = new Map(emails.map((e) => [e, mailsTo(e)]));
    expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
    const failed = await sql(databaseUrl, `SELECT job_id, last_error FROM outbox WHERE status = 'failed'`);
    expect(failed).toEqual([]);
    const [mails] = await sql<{ sent: number; other: number }>(
      databaseUrl,
      `SELECT count(*) FILTER (WHERE status = 'sent')::int AS sent, count(*) FILTER (WHERE status <> 'sent')::int AS other FROM mail_message`,
    );
    expect(mails.other).toBe(0);
  }

  it('during a registration storm the api and the worker live on; every answer is 201, 409 or 503; each confirmed delegate gets exactly one mail', async () => {
    const capacity = 400;
    const { eventId } = await publishedEvent(api.url, capacity);
    const total = 1200;
    const answers: { status: number; email: string; retryAfter: string | null }[] = [];
    let terminations = 0;
    let terminated = 0;
    let done = false;
    const killer = (async () => {
      // Five terminations spread over the storm, each once a further share of the answers is in.
      for (const share of [0.08, 0.2, 0.35, 0.5, 0.65]) {
        await waitUntil(`${share * 100}% of the storm answered`, () => done || answers.length >= total * share, 120_000);
        if (done) return;
        terminated += await terminateBackends(`${PG_BASE}/postgres`, database);
        terminations++;
      }
    })();
    await storm(total, 50, async () => {
      const body = delegate();
      let r: Answer;
      try {
        r = await call(api.url, 'POST', `/api/v1/events/${eventId}/registrations`, body);
      } catch (err) {
        done = true;
        throw new Error(`no answer (${(err as Error).message}); the api ${api.alive ? 'still runs' : 'died'}\n${api.output()}`);
      }
      answers.push({ status: r.status, email: body.email, retryAfter: r.headers.get('retry-after') });
    }).finally(() => (done = true));
    await killer;

    expect(terminations).toBe(5);
    expect(terminated).toBeGreaterThan(5);
    expectAlive(api);
    expectAlive(worker);
    const byStatus = answers.reduce<Record<number, number>>((acc, a) => ({ ...acc, [a.status]: (acc[a.status] ?? 0) + 1 }), {});
    // On failure, the app's error lines say what the unexpected answers were.
    const unexpected = Object.keys(byStatus).filter((s) => !['201', '409', '503'].includes(s));
    if (unexpected.length) throw new Error(`answers ${JSON.stringify(byStatus)}; errors logged:\n${api.stdout.split('\n').filter((l) => l.includes('"level":50')).slice(0, 5).join('\n')}`);
    expect(answers.filter((a) => a.status === 503 && !a.retryAfter)).toEqual([]);
    // A 503 may be a registration that committed just before its connection went: never more than the seats.
    const confirmed = await confirmedEmails(eventId);
    expect(confirmed.length).toBeLessThanOrEqual(capacity);
    const [{ counter }] = await sql<{ counter: number }>(databaseUrl, 'SELECT confirmed_count AS counter FROM event WHERE id = $1', [eventId]);
    expect(counter).toBe(confirmed.length);
    const created = answers.filter((a) => a.status === 201).map((a) => a.email);
    expect(created.filter((e) => !confirmed.includes(e))).toEqual([]);

    await expectOneMailEach(confirmed);
    expect((await call(api.url, 'GET', '/health')).status).toBe(200);
  }, 300_000);

  it('a worker delivering a batch of mails while its backends are terminated loses none and doubles none', async () => {
    const { eventId } = await publishedEvent(api.url, null);
    const before = smtp.messages.length;
    const results = await storm(300, 20, () => call(api.url, 'POST', `/api/v1/events/${eventId}/registrations`, delegate()));
    expect(results.map((r) => r.status).filter((s) => s !== 201)).toEqual([]);
    // Terminate while the worker works through the batch (40 ms a mail at the SMTP server).
    let terminations = 0;
    while (terminations < 8 && smtp.messages.length - before < 300) {
      await terminateBackends(`${PG_BASE}/postgres`, database);
      terminations++;
      await sleep(200);
    }
    expect(terminations).toBeGreaterThanOrEqual(3);
    expectAlive(worker);
    expectAlive(api);
    await expectOneMailEach(await confirmedEmails(eventId));
  }, 300_000);
});
