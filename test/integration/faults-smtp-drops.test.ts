import { AppProcess } from '../support/app-process';
import { call, deliveries, delegate, faultEnv, faultSuffix, printFigures, publishedEvent, sleep, sql, storm, tally, waitUntil } from '../support/fault-load';
import { TestPostgres } from '../support/pg-cluster';
import { TestRedis } from '../support/redis-server';
import { DroppingSmtp } from '../support/smtp-faults';

const MAILS = 60;
const DROPS = 24;

/**
 * Issue 13: an SMTP server that cuts the connection in the middle of DATA
 * (part of the message sent, no reply) for the first DROPS messages, and
 * refuses some recipients for good (550). The app as one real process
 * (`APP_ROLE=all`, the default retries: 5 attempts, backoff from 2 s), its own
 * PostgreSQL cluster and Redis.
 */
describe('the SMTP server dropping connections mid-DATA', () => {
  let pg: TestPostgres;
  let redis: TestRedis;
  let smtp: DroppingSmtp;
  let app: AppProcess;
  let databaseUrl: string;
  const refused = (address: string) => /^refused-/.test(address);

  beforeAll(async () => {
    [pg, redis, smtp] = await Promise.all([TestPostgres.create(), TestRedis.start(), DroppingSmtp.start({ drops: DROPS, refuse: refused })]);
    const suffix = faultSuffix();
    databaseUrl = pg.url(`td_test_${suffix}`);
    app = await AppProcess.start({ ...faultEnv(databaseUrl, suffix, smtp.url), REDIS_URL: redis.url, APP_ROLE: 'all' });
  }, 150_000);

  afterAll(async () => {
    if (app && !app.alive) console.error(`the app died during the test\n${app.output()}`);
    await app?.stop();
    await smtp?.close();
    await redis?.stop();
    await pg?.destroy();
  });

  it('every mail is delivered exactly once after its dropped attempts, each drop counted as a retry; a refused recipient fails visibly', async () => {
    const { eventId } = await publishedEvent(app.url, null);
    const bodies = Array.from({ length: MAILS }, (_, i) => {
      const d = delegate();
      return i % 20 === 7 ? { ...d, email: `refused-${d.email}` } : d;
    });
    const answers = await storm(bodies.length, 12, (i) => call(app.url, 'POST', `/api/v1/events/${eventId}/registrations`, bodies[i]));
    expect(tally(answers.map((a) => a.status))).toEqual({ 201: MAILS });
    const good = bodies.filter((b) => !refused(b.email)).map((b) => b.email);
    const bad = bodies.filter((b) => refused(b.email)).map((b) => b.email);

    const mailRows = () =>
      sql<{ to: string; status: string; attempts: number; lastError: string | null }>(databaseUrl, `SELECT to_address AS "to", status, attempts, last_error AS "lastError" FROM mail_message`);
    await waitUntil('every mail is sent or failed', async () => (await mailRows()).filter((m) => m.status === 'sent' || m.status === 'failed').length === MAILS, 45_000);
    await waitUntil(
      'no outbox row is left pending or enqueued',
      async () => (await sql(databaseUrl, `SELECT 1 FROM outbox WHERE status IN ('pending', 'enqueued')`)).length === 0,
      20_000,
    );
    await sleep(1000); // a mail sent twice would arrive within this
    const rows = await mailRows();
    const d = deliveries(good, await smtp.messages());
    const sent = rows.filter((m) => m.status === 'sent');
    const failed = rows.filter((m) => m.status === 'failed');
    const retries = sent.reduce((n, m) => n + m.attempts - 1, 0);
    printFigures('smtp drops mid-DATA', {
      mails: MAILS,
      dataAttempts: smtp.attempts.length,
      dropped: smtp.dropped,
      refused550: smtp.refused,
      sent: sent.length,
      failed: failed.length,
      retries,
      delivered: d.mails,
      lost: d.lost,
      doubled: d.doubled,
    });
    expect(smtp.dropped).toBe(DROPS);
    expect(d).toEqual({ mails: good.length, lost: 0, doubled: 0, stray: 0 });
    // Every dropped DATA is one failed attempt of a mail that then went out: counted, not hidden.
    expect(retries).toBe(DROPS);
    expect(smtp.attempts.length).toBe(good.length + DROPS);
    expect(sent.map((m) => m.to).sort()).toEqual([...good].sort());
    // A permanent refusal is not retried: failed at the first attempt, with the server's reply.
    expect(failed.map((m) => m.to).sort()).toEqual([...bad].sort());
    for (const m of failed) {
      expect(m.attempts).toBe(1);
      expect(m.lastError).toContain('550');
    }
    expect(app.alive).toBe(true);
    const outbox = await sql(databaseUrl, `SELECT status, count(*)::int AS n FROM outbox WHERE job_name = 'mail.send' GROUP BY status ORDER BY status`);
    expect(outbox).toEqual([{ status: 'completed', n: good.length }, { status: 'failed', n: bad.length }]);
  }, 90_000);
});
