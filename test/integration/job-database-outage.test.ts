import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { QUEUES } from '../../src/queue/jobs';
import { OutboxService } from '../../src/queue/outbox.service';
import { sleep, waitUntil } from '../support/fault-load';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * A job that meets a database outage waits it out without using its attempts: with 2 attempts
 * and a 100 ms backoff, an outage of several seconds would otherwise fail it for good.
 */
describe('jobs during a database outage (real PostgreSQL and Redis)', () => {
  let t: TestApp;
  let db: DataSource;
  let admin: Client;
  let name: string;

  beforeAll(async () => {
    t = await startTestApp({}, { jobOptions: { attempts: 2, backoff: { type: 'fixed', delay: 100 } } });
    db = t.dataSource;
    name = new URL(t.config.databaseUrl).pathname.slice(1);
    admin = new Client({ connectionString: t.config.databaseUrl.replace(/\/[^/]+$/, '/postgres') });
    await admin.connect();
  }, 60_000);
  afterAll(async () => {
    await admin?.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`).catch(() => undefined);
    await admin?.end();
    await t?.close();
  });

  it('a job whose database went away mid-job waits and then runs once, its outbox row completed', async () => {
    const key = randomUUID();
    const jobId = `system.ping-${key}`;
    // The ping waits 1.5 s before it writes: the database goes away in between.
    await db.transaction((m) => t.app.get(OutboxService).add(m, 'system.ping', { note: 'outage', delayMs: 1500 }, { key }));
    const queue = t.app.get<Queue>(getQueueToken(QUEUES.events), { strict: false });
    await waitUntil('the job is active', async () => (await queue.getJob(jobId))?.processedOn !== undefined);

    // Nobody can connect, and the app's connections are cut: an outage, as a restart makes one.
    await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [name]);
    await sleep(6000);
    const during = await queue.getJob(jobId);
    expect(await during?.getState()).toMatch(/delayed|active|waiting/);
    expect(during?.attemptsMade).toBe(0);
    await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);

    await waitUntil('the outbox row is completed', async () => (await db.query(`SELECT status FROM outbox WHERE job_id = $1`, [jobId]))[0]?.status === 'completed');
    const [ping] = await db.query(`SELECT runs FROM system_ping WHERE job_id = $1`, [jobId]);
    expect(ping.runs).toBe(1);
    expect(await (await queue.getJob(jobId))?.getState()).toBe('completed');
  }, 120_000);
});
