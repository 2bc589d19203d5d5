import { getQueueToken } from '@nestjs/bullmq';
import { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createWorker } from '../../src/bootstrap';
import { MailService } from '../../src/mail/mail.service';
import { QUEUES } from '../../src/queue/jobs';
import { OutboxRelay } from '../../src/queue/outbox-relay';
import { OutboxService } from '../../src/queue/outbox.service';
import { sparePort, TestRedis } from '../support/redis-server';
import { startTestApp, TestApp } from '../support/test-app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(100);
  }
}

interface OutboxRow {
  status: string;
  attempts: number;
  last_error: string | null;
  enqueued_at: Date | null;
}

describe('transactional outbox (own redis-server, real PostgreSQL)', () => {
  let redis: TestRedis;
  let t: TestApp;
  let db: DataSource;
  let outbox: OutboxService;
  const attempts = 3;

  beforeAll(async () => {
    redis = await TestRedis.start();
    // SMTP_URL points at a closed port: every mail.send fails, for the failed-job case.
    t = await startTestApp(
      { REDIS_URL: redis.url, SMTP_URL: `smtp://127.0.0.1:${await sparePort()}` },
      { jobOptions: { attempts, backoff: { type: 'fixed', delay: 100 } } },
    );
    db = t.dataSource;
    outbox = t.app.get(OutboxService);
  });

  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  const ping = (key: string, note = 'ping') => db.transaction((m) => outbox.add(m, 'system.ping', { note }, { key }));
  const row = async (jobId: string): Promise<OutboxRow | undefined> =>
    (await db.query('SELECT status, attempts, last_error, enqueued_at FROM outbox WHERE job_id = $1', [jobId]))[0];
  const runs = async (jobId: string): Promise<number> =>
    (await db.query('SELECT runs FROM system_ping WHERE job_id = $1', [jobId]))[0]?.runs ?? 0;

  it('a job committed while Redis is down stays pending, then runs exactly once when Redis is back', async () => {
    const key = randomUUID();
    const jobId = `system.ping-${key}`;
    await redis.stop();
    await ping(key, 'committed during an outage');

    await sleep(1500); // three relay polls
    expect((await row(jobId))?.status).toBe('pending');
    expect(await runs(jobId)).toBe(0);

    await redis.start(); // same port, empty (no persistence)
    await waitUntil('the job completed', async () => (await row(jobId))?.status === 'completed');
    expect(await runs(jobId)).toBe(1);
    const job = await t.app.get<Queue>(getQueueToken(QUEUES.events)).getJob(jobId);
    expect(job?.id).toBe(jobId);
    await sleep(1500);
    expect(await runs(jobId)).toBe(1);
  });

  it('a rolled-back transaction leaves no outbox row and no job', async () => {
    const key = randomUUID();
    await expect(
      db.transaction(async (m) => {
        await outbox.add(m, 'system.ping', { note: 'rolled back' }, { key });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await sleep(1000);
    expect(await row(`system.ping-${key}`)).toBeUndefined();
    expect(await runs(`system.ping-${key}`)).toBe(0);
  });

  it('the same key twice is one row and one run', async () => {
    const key = randomUUID();
    await ping(key, 'first');
    await ping(key, 'second');
    const jobId = `system.ping-${key}`;
    await waitUntil('the job completed', async () => (await row(jobId))?.status === 'completed');
    expect(Number((await db.query('SELECT count(*) FROM outbox WHERE dedup_key = $1', [key]))[0].count)).toBe(1);
    expect(await runs(jobId)).toBe(1);
    expect((await db.query('SELECT note FROM system_ping WHERE job_id = $1', [jobId]))[0].note).toBe('first');
  });

  it('a relay that enqueued but lost its commit re-adds the same job id, which never runs twice', async () => {
    const key = randomUUID();
    const jobId = `system.ping-${key}`;
    await ping(key);
    await waitUntil('the job completed', async () => (await row(jobId))?.status === 'completed');
    // As if the relay's transaction had rolled back after its add to Redis went through.
    await db.query(`UPDATE outbox SET status = 'pending', enqueued_at = NULL WHERE job_id = $1`, [jobId]);
    await waitUntil('the row was relayed again', async () => (await row(jobId))?.status === 'enqueued');
    await sleep(1000);
    expect(await runs(jobId)).toBe(1);
  });

  it('two replicas relaying the same rows at once never double a job', async () => {
    // A second process of the same deployment: its own relay and workers on the same database and Redis.
    const replica: INestApplicationContext = await createWorker({ ...t.config });
    try {
      const keys = Array.from({ length: 300 }, () => randomUUID());
      await db.transaction(async (m) => {
        for (const key of keys) await outbox.add(m, 'system.ping', { note: 'storm' }, { key });
      });
      // Both relays' timers run, plus explicit concurrent passes from both.
      const relays = [t.app.get(OutboxRelay), replica.get(OutboxRelay)];
      await Promise.all([...relays, ...relays].map((r) => r.relayDue()));
      await waitUntil(
        'all 300 jobs completed',
        async () => Number((await db.query(`SELECT count(*) FROM outbox WHERE dedup_key = ANY($1) AND status = 'completed'`, [keys]))[0].count) === 300,
      );
      await sleep(1000);
      const counts = await db.query(`SELECT runs, count(*)::int AS n FROM system_ping WHERE job_id = ANY($1) GROUP BY runs`, [
        keys.map((k) => `system.ping-${k}`),
      ]);
      expect(counts).toEqual([{ runs: 1, n: 300 }]);
    } finally {
      await replica.close();
    }
  });

  it('a job that keeps failing ends failed, with its error and attempts, on the outbox row and the mail', async () => {
    const id = await db.transaction((m) =>
      t.app.get(MailService).enqueue(m, { to: 'nobody@example.test', template: 'test', locale: 'en', data: { name: 'Failing' } }),
    );
    const jobId = `mail.send-${id}`;
    await waitUntil('the job failed for good', async () => (await row(jobId))?.status === 'failed');
    const r = (await row(jobId))!;
    expect(r.attempts).toBe(attempts);
    expect(r.last_error).toMatch(/ECONNREFUSED|connect/i);
    const [mail] = await db.query('SELECT status, attempts, last_error FROM mail_message WHERE id = $1', [id]);
    expect(mail).toMatchObject({ status: 'failed', attempts });
    expect(mail.last_error).toMatch(/ECONNREFUSED|connect/i);
  });
});
