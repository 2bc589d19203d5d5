import { getQueueToken } from '@nestjs/bullmq';
import { INestApplicationContext } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createWorker } from '../../src/bootstrap';
import { QUEUES } from '../../src/queue/jobs';
import { OutboxRelay } from '../../src/queue/outbox-relay';
import { OutboxService } from '../../src/queue/outbox.service';
import { redisOptions } from '../../src/queue/redis';
import { startTestApp, TestApp } from '../support/test-app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

interface OutboxRow {
  status: string;
  requeues: number;
  last_error: string | null;
}

/**
 * Rows that would stay `enqueued` forever: the job vanished from Redis, or
 * BullMQ gave up on it after its worker died. An `api` app relays but never
 * consumes, so a job waits in Redis until the test acts on it.
 */
describe('stuck outbox rows (real PostgreSQL and Redis)', () => {
  let t: TestApp;
  let db: DataSource;
  let queue: Queue;
  let relay: OutboxRelay;

  beforeAll(async () => {
    t = await startTestApp({ APP_ROLE: 'api' });
    db = t.dataSource;
    queue = t.app.get<Queue>(getQueueToken(QUEUES.events), { strict: false });
    relay = t.app.get(OutboxRelay);
  });

  afterAll(async () => {
    await queue?.obliterate({ force: true });
    await t?.close();
  });

  const ping = async (note: string): Promise<string> => {
    const key = randomUUID();
    await db.transaction((m) => t.app.get(OutboxService).add(m, 'system.ping', { note }, { key }));
    return `system.ping-${key}`;
  };
  const row = async (jobId: string): Promise<OutboxRow> =>
    (await db.query('SELECT status, requeues, last_error FROM outbox WHERE job_id = $1', [jobId]))[0];
  const enqueued = async (jobId: string) => {
    await waitUntil('the row is enqueued', async () => (await row(jobId)).status === 'enqueued');
    expect(await queue.getJob(jobId)).toBeDefined();
  };

  it('a job missing from Redis is added again under the same id, and failed after too many vanishings', async () => {
    const jobId = await ping('vanishes');
    await enqueued(jobId);

    // Young rows are not checked: the default threshold is minutes.
    expect(await relay.sweepStuck()).toEqual({ checked: 0, requeued: 0, failed: 0 });
    // A row whose job still exists is left alone.
    expect(await relay.sweepStuck({ enqueuedForMs: 0 })).toEqual({ checked: 1, requeued: 0, failed: 0 });
    expect((await row(jobId)).status).toBe('enqueued');

    // Redis loses the job (as after a flush or a restart without persistence).
    await queue.remove(jobId);
    expect(await queue.getJob(jobId)).toBeUndefined();
    expect(await relay.sweepStuck({ enqueuedForMs: 0 })).toEqual({ checked: 1, requeued: 1, failed: 0 });
    await enqueued(jobId); // the relay added it again
    expect((await queue.getJob(jobId))?.data).toEqual({ note: 'vanishes' });
    expect((await row(jobId)).requeues).toBe(1);

    // It keeps vanishing: after maxRequeues re-adds the row is failed, visibly.
    const maxRequeues = 2;
    await queue.remove(jobId);
    expect(await relay.sweepStuck({ enqueuedForMs: 0, maxRequeues })).toMatchObject({ requeued: 1, failed: 0 });
    await enqueued(jobId);
    await queue.remove(jobId);
    expect(await relay.sweepStuck({ enqueuedForMs: 0, maxRequeues })).toMatchObject({ requeued: 0, failed: 1 });
    const r = await row(jobId);
    expect(r).toMatchObject({ status: 'failed', requeues: 2 });
    expect(r.last_error).toMatch(/vanished from Redis 3 times/);
    await sleep(700); // a relay poll: nothing adds it again
    expect(await queue.getJob(jobId)).toBeUndefined();
  });

  it('a job whose worker died until BullMQ gave up on it (stalled too often) ends failed with the reason', async () => {
    const jobId = await ping('stalls');
    await enqueued(jobId);
    const connection = redisOptions(t.config.redisUrl);
    const prefix = t.config.queuePrefix;

    // A worker takes the job with a short lock and dies: it never renews the lock nor finishes.
    const dead = new Worker(QUEUES.events, null, { connection, prefix, autorun: false, lockDuration: 300 });
    const taken = await dead.getNextJob('dead-worker-token', { block: false });
    expect(taken?.id).toBe(jobId);
    await dead.close(true);
    await sleep(500); // the lock expires

    // BullMQ's stall check (here with maxStalledCount 0: the first stall exhausts it)
    // puts the job back to wait marked to fail; no processor runs it again.
    const checker = new Worker(QUEUES.events, null, { connection, prefix, autorun: false, maxStalledCount: 0, stalledInterval: 50 });
    await checker.startStalledCheckTimer();
    await waitUntil('the job went back to wait', async () => (await queue.getJob(jobId))?.deferredFailure !== undefined);
    await checker.close();
    expect((await row(jobId)).status).toBe('enqueued');

    // The next worker of the app takes it and BullMQ fails it at once; the row says so.
    const worker: INestApplicationContext = await createWorker({ ...t.config, appRole: 'worker', runsApi: false, runsWorker: true });
    try {
      await waitUntil('the row is failed', async () => (await row(jobId)).status === 'failed');
    } finally {
      await worker.close();
    }
    expect((await row(jobId)).last_error).toMatch(/stalled more than allowable limit/);
    expect(await (await queue.getJob(jobId))?.getState()).toBe('failed');
    expect((await db.query('SELECT count(*)::int AS n FROM system_ping WHERE job_id = $1', [jobId]))[0].n).toBe(0);
  });
});
