import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { QUEUES } from '../../src/queue/jobs';
import { EventsQueueWorker } from '../../src/queue/queue-workers';
import { OutboxService } from '../../src/queue/outbox.service';
import { redisOptions } from '../../src/queue/redis';
import { TestRedis } from '../support/redis-server';
import { dropDatabase, startTestApp, TestApp } from '../support/test-app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(20);
  }
}

describe('graceful shutdown (real PostgreSQL and Redis)', () => {
  let t: TestApp;
  // Outlive the app: the checks run after app.close() closed its own connections.
  let db: Client;
  let queue: Queue;

  beforeAll(async () => {
    t = await startTestApp();
    db = new Client({ connectionString: t.config.databaseUrl });
    await db.connect();
    queue = new Queue(QUEUES.events, { connection: redisOptions(t.config.redisUrl), prefix: t.config.queuePrefix });
  });

  afterAll(async () => {
    await queue?.obliterate({ force: true });
    await queue?.close();
    await db?.end();
    if (t) await dropDatabase(t.config.databaseUrl);
  });

  it('app.close() waits for the active job to finish and takes no new job once shutdown began', async () => {
    const slowJobId = `system.ping-${randomUUID()}`;
    await t.dataSource.transaction((m) =>
      t.app.get(OutboxService).add(m, 'system.ping', { note: 'slow', delayMs: 2500 }, { key: slowJobId.slice('system.ping-'.length) }),
    );
    await waitUntil('the slow job is active', async () => (await (await queue.getJob(slowJobId))?.getState()) === 'active');

    const worker = t.app.get(EventsQueueWorker).worker;
    const started = Date.now();
    let closedAt = 0;
    const closing = t.app.close().then(() => {
      closedAt = Date.now();
    });
    // A job arriving in Redis once shutdown has begun (the worker stopped taking jobs) must wait for
    // the next process. The destroy hooks run module by module, so that moment is waited for, not
    // assumed to come within one tick (under load it did not).
    await waitUntil('the queue worker began closing', async () => worker.closing !== undefined);
    const lateJobId = `system.ping-${randomUUID()}`;
    await queue.add('system.ping', { note: 'late' }, { jobId: lateJobId });
    expect(closedAt).toBe(0);
    await closing;

    // close() resolved only after the slow job ran to its end and was recorded.
    expect(closedAt - started).toBeGreaterThanOrEqual(1500);
    const { rows: outbox } = await db.query('SELECT status, attempts FROM outbox WHERE job_id = $1', [slowJobId]);
    expect(outbox).toEqual([{ status: 'completed', attempts: 1 }]);
    const { rows: pings } = await db.query('SELECT job_id, runs FROM system_ping ORDER BY job_id');
    expect(pings).toEqual([{ job_id: slowJobId, runs: 1 }]);
    expect(await (await queue.getJob(slowJobId))?.getState()).toBe('completed');
    // The late job was never picked up: still waiting, never run.
    expect(await (await queue.getJob(lateJobId))?.getState()).toBe('waiting');
  });
});

describe('shutdown right after a Redis restart', () => {
  // BullMQ's Worker.close() waits for an 'end' that an ioredis client between reconnect attempts never
  // emits (taskforcesh/bullmq#4656): closed then, the app never finished closing.
  it('app.close() returns within seconds when Redis has only just come back', async () => {
    const redis = await TestRedis.start();
    const t = await startTestApp({ REDIS_URL: redis.url });
    try {
      await redis.stop();
      await sleep(1500); // long enough for every connection to be between reconnect attempts
      await redis.start();
      const started = Date.now();
      await t.close();
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await redis.stop();
    }
  });
});
