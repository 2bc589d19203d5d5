import { randomBytes } from 'node:crypto';
import { OutboxRelay } from '../../src/queue/outbox-relay';
import { AppProcess } from '../support/app-process';
import { TestRedis } from '../support/redis-server';
import { startTestApp, TestApp } from '../support/test-app';
import { eventWithInvited, mailStatuses, ScriptedSmtp, sleep, toAddress, waitUntil } from './mail-smtp-support';

jest.setTimeout(420_000);

/** How many mails each address got. */
async function deliveries(smtp: ScriptedSmtp): Promise<Map<string, { count: number; messageIds: Set<string> }>> {
  const byAddress = new Map<string, { count: number; messageIds: Set<string> }>();
  for (const m of await smtp.messages()) {
    const entry = byAddress.get(toAddress(m)) ?? { count: 0, messageIds: new Set<string>() };
    entry.count++;
    entry.messageIds.add(String(m.messageId));
    byAddress.set(toAddress(m), entry);
  }
  return byAddress;
}

describe('a batch survives Redis going away', () => {
  let smtp: ScriptedSmtp;
  let redis: TestRedis;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await ScriptedSmtp.start();
    redis = await TestRedis.start();
    t = await startTestApp({ SMTP_URL: smtp.url, REDIS_URL: redis.url }, { jobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 200, jitter: 0.5 } } });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
    await smtp?.close();
  });

  it('Redis stopped in the middle of a batch and started again (empty): every message is sent exactly once', async () => {
    const { admin, eventId } = await eventWithInvited(t, 40);
    smtp.delayMs = 150;
    const res = await t.http().post(`/api/v1/events/${eventId}/invitations`).set(admin.auth).send({}).expect(202);
    await waitUntil('a quarter has arrived', async () => smtp.count >= 10, 120_000);
    await redis.stop();
    const atStop = smtp.count;
    await sleep(2000);
    await redis.start();
    // Redis came back empty (no persistence): the jobs that were waiting are gone. The relay's sweeper
    // (every minute, for rows enqueued 10 minutes ago) puts them back; here it is run at once.
    const relay = t.app.get(OutboxRelay);
    await waitUntil(
      'every message is sent',
      async () => {
        await relay.sweepStuck({ enqueuedForMs: 0 }).catch(() => undefined);
        return (await mailStatuses(t.dataSource, res.body.batchId)).sent === 40;
      },
      300_000,
    );
    await sleep(1000);
    const got = await deliveries(smtp);
    expect(atStop).toBeLessThan(40);
    expect(got.size).toBe(40);
    expect([...got.values()].filter((d) => d.count !== 1)).toEqual([]);
    expect(smtp.count).toBe(40);
  });
});

describe('a batch survives its worker being killed', () => {
  let smtp: ScriptedSmtp;
  let t: TestApp;
  const workers: AppProcess[] = [];

  beforeAll(async () => {
    smtp = await ScriptedSmtp.start();
    t = await startTestApp({ SMTP_URL: smtp.url, APP_ROLE: 'api', JWT_SECRET: SECRET });
  });
  afterAll(async () => {
    for (const w of workers) await w.stop();
    await t?.close();
    await smtp?.close();
  });
  const SECRET = randomBytes(24).toString('hex');
  const workerEnv = () => ({
    APP_ROLE: 'worker',
    DATABASE_URL: t.config.databaseUrl,
    REDIS_URL: t.config.redisUrl,
    QUEUE_PREFIX: t.config.queuePrefix,
    SMTP_URL: smtp.url,
    JWT_SECRET: SECRET,
    LOG_LEVEL: 'warn',
    STORAGE_DIR: t.config.storageDir,
  });

  it('SIGKILL in the middle of a batch loses no message; only mails in flight at the kill can arrive twice', async () => {
    const { admin, eventId } = await eventWithInvited(t, 60);
    smtp.delayMs = 200;
    const first = await AppProcess.start(workerEnv());
    workers.push(first);
    const res = await t.http().post(`/api/v1/events/${eventId}/invitations`).set(admin.auth).send({}).expect(202);
    await waitUntil('some mails have arrived', async () => smtp.count >= 12, 180_000);
    first.child.kill('SIGKILL');
    await first.exited;
    const [{ n: inFlight }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM mail_message WHERE batch_id = $1 AND status = 'sending'`, [res.body.batchId]);
    const beforeRestart = smtp.count;
    expect(beforeRestart).toBeLessThan(60);

    workers.push(await AppProcess.start(workerEnv()));
    // The killed worker's jobs come back as stalled once their locks expire (30 s), and a claim older
    // than its lease (45 s) is taken over.
    await waitUntil('every message is recorded sent', async () => (await mailStatuses(t.dataSource, res.body.batchId)).sent === 60, 300_000);
    await sleep(1000);
    const got = await deliveries(smtp);
    expect(got.size).toBe(60); // nothing lost
    const twice = [...got.entries()].filter(([, d]) => d.count > 1);
    // The only duplicates possible: messages the server had taken when the worker died, before their
    // `sent` was written (at most those `sending` at the kill). Each duplicate has its original Message-ID.
    expect(twice.length).toBeLessThanOrEqual(inFlight);
    for (const [, d] of twice) expect(d.messageIds.size).toBe(1);
    console.log(`SIGKILL test: ${inFlight} message(s) in flight at the kill, ${twice.length} delivered twice, ${beforeRestart} delivered before the restart`);
  });
});
