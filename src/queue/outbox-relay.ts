import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { JobsOptions, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { isConnectionLost } from '../database/connection-errors';
import { runInTransaction } from '../database/transaction';
import { JOB_QUEUE, QueueName } from './jobs';
import { ClaimedOutboxRow, OutboxRepository, StuckCandidateRow } from './outbox.repository';

/** Job options (attempts, backoff, history) the relay gives every job; see QueueModule. */
export const JOB_OPTIONS = Symbol('JOB_OPTIONS');

const POLL_MS = 500;
const BATCH = 200;
// Past this, Redis is taken as down: the transaction rolls back and the rows stay pending.
const ADD_TIMEOUT_MS = 5000;

/** How the sweeper treats `enqueued` rows whose job may have vanished from Redis. */
export interface SweepOptions {
  /** Only rows enqueued longer ago than this are checked: young ones may still be on their way. */
  enqueuedForMs: number;
  /** A job that vanished this many times is failed instead of added again. */
  maxRequeues: number;
}
export const DEFAULT_SWEEP: SweepOptions = { enqueuedForMs: 10 * 60_000, maxRequeues: 3 };
const SWEEP_EVERY_MS = 60_000;
const SWEEP_PAGE = 100;
// Bounds one pass; the next pass continues after the last row checked.
const SWEEP_MAX_ROWS = 1000;

/** What one sweep did. */
export interface SweepResult {
  checked: number;
  requeued: number;
  failed: number;
}

/**
 * Moves due outbox rows onto BullMQ. Runs in every process; replicas split
 * the rows through `FOR UPDATE SKIP LOCKED`, and the deterministic job id
 * makes a re-add (a relay that died between Redis and its commit) a no-op.
 * Idle cost: one indexed query every POLL_MS, none while Redis is down.
 *
 * A lost database connection fails one pass (its transaction rolls back,
 * the rows stay pending) and the next poll tries again, so the relay resumes
 * by itself when PostgreSQL is back.
 *
 * It also sweeps, once a minute, for rows stuck `enqueued`: a job that
 * vanished from Redis (flushed, restarted without persistence) would
 * otherwise leave its row `enqueued` forever. See sweepStuck().
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private nudged = false;
  private stopped = true;
  private redisWasDown = false;
  private lastRedisBack = 0;
  private databaseWasDown = false;
  private queues: Partial<Record<QueueName, Queue>> = {};
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<unknown> | undefined;
  private sweepCursor: StuckCandidateRow | undefined;
  private readonly redisBackListeners: (() => void)[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxRepository,
    private readonly moduleRef: ModuleRef,
    @Inject(JOB_OPTIONS) private readonly jobOptions: JobsOptions,
  ) {}

  onApplicationBootstrap(): void {
    // The relay reports an outage once (redisReady); without a listener BullMQ prints every reconnect attempt.
    for (const name of new Set(Object.values(JOB_QUEUE))) this.queue(name).on('error', () => undefined);
    this.watchReconnects();
    this.stopped = false;
    this.schedule(0);
    this.sweepTimer = setInterval(() => this.sweepInBackground(), SWEEP_EVERY_MS);
    this.sweepTimer.unref();
  }

  private sweepInBackground(opts: Partial<SweepOptions> = {}): void {
    if (this.stopped) return;
    this.sweeping ??= this.sweepStuck(opts)
      .catch((err: unknown) => this.logger.warn(`outbox sweep: ${(err as Error).message}`))
      .finally(() => (this.sweeping = undefined));
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.sweepTimer);
    await Promise.all([this.running, this.sweeping]);
  }

  /**
   * `listener` runs (deferred) each time the relay finds Redis reachable again after an outage, which a
   * Redis without persistence comes back from empty: for what lives in Redis but not in the outbox.
   */
  onRedisBack(listener: () => void): void {
    this.redisBackListeners.push(listener);
  }

  /** Relay now rather than at the next poll (called after a transaction with outbox rows commits). */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.nudged = true;
      return;
    }
    clearTimeout(this.timer);
    this.schedule(0);
  }

  /**
   * Enqueues the due pending rows, batch by batch, and returns how many.
   * Safe to call from any number of processes at once.
   */
  async relayDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.relayBatch();
      total += n;
      if (n < BATCH) return total;
    }
  }

  /**
   * Checks rows `enqueued` for longer than `enqueuedForMs` against BullMQ:
   * a job still there (waiting in a backlog, delayed by a retry, active) is
   * left alone; a missing one is put back to `pending`, so the relay adds it
   * again under the same deterministic job id (which makes the re-add safe);
   * after `maxRequeues` re-adds it is failed, visibly. A job that BullMQ
   * failed while the row missed it makes the row `failed` too.
   * Does nothing while Redis is unreachable: every job would look missing.
   */
  async sweepStuck(opts: Partial<SweepOptions> = {}): Promise<SweepResult> {
    const { enqueuedForMs, maxRequeues } = { ...DEFAULT_SWEEP, ...opts };
    const result: SweepResult = { checked: 0, requeued: 0, failed: 0 };
    if (!(await this.redisReady())) return result;
    const before = new Date(Date.now() - enqueuedForMs);
    let after = this.sweepCursor;
    while (result.checked < SWEEP_MAX_ROWS) {
      const rows = await this.outbox.findEnqueuedBefore(before, SWEEP_PAGE, after);
      await withTimeout(Promise.all(rows.map((row) => this.sweepRow(row, maxRequeues, result))), ADD_TIMEOUT_MS, 'checking jobs in Redis timed out');
      result.checked += rows.length;
      after = rows.length === SWEEP_PAGE ? rows[rows.length - 1] : undefined;
      if (!after) break;
    }
    this.sweepCursor = after;
    if (result.requeued || result.failed) {
      this.logger.warn(`outbox sweep: ${result.requeued} job(s) missing from Redis added again, ${result.failed} row(s) failed`);
    }
    if (result.requeued) this.nudge();
    return result;
  }

  private async sweepRow(row: StuckCandidateRow, maxRequeues: number, result: SweepResult): Promise<void> {
    const name = JOB_QUEUE[row.jobName];
    if (!name) return; // relayDue already refuses such rows loudly
    const job = await this.queue(name).getJob(row.jobId);
    if (job) {
      if (job.finishedOn && (await job.isFailed()) && (await this.outbox.failStuck(row, job.failedReason || 'failed in BullMQ'))) result.failed++;
      return;
    }
    if (row.requeues >= maxRequeues) {
      const why = `the job vanished from Redis ${row.requeues + 1} times (was Redis flushed, or restarted without persistence?); not added again`;
      if (await this.outbox.failStuck(row, why)) result.failed++;
    } else if (await this.outbox.requeue(row)) {
      result.requeued++;
    }
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.tick(), ms);
    // The relay alone must not keep a process alive.
    this.timer.unref();
  }

  private tick(): void {
    this.nudged = false;
    this.running = this.relayDue()
      .then(() => {
        if (this.databaseWasDown) this.logger.log('PostgreSQL is back: relaying pending outbox rows');
        this.databaseWasDown = false;
      })
      .catch((err: unknown) => {
        // A rolled-back claim leaves its rows pending; jobs it already added are re-added under the
        // same ids, which BullMQ ignores. An outage is reported once, not at every poll.
        if (!isConnectionLost(err)) this.logger.warn(`outbox relay: ${(err as Error).message}; retrying`);
        else if (!this.databaseWasDown) this.logger.warn(`outbox relay: PostgreSQL connection lost (${(err as Error).message}); retrying every ${POLL_MS} ms`);
        this.databaseWasDown ||= isConnectionLost(err);
      })
      .finally(() => {
        this.running = undefined;
        this.schedule(this.nudged ? 0 : POLL_MS);
      });
  }

  private async relayBatch(): Promise<number> {
    if (!(await this.redisReady())) return 0;
    // A retried batch re-adds the same jobs: their deterministic ids make that a no-op in BullMQ.
    return runInTransaction(this.dataSource, async (manager) => {
      const rows = await this.outbox.claimDue(manager, BATCH);
      if (!rows.length) return 0;
      await withTimeout(this.enqueue(rows), ADD_TIMEOUT_MS, 'adding jobs to Redis timed out');
      await this.outbox.markEnqueued(manager, rows.map((r) => r.id));
      return rows.length;
    });
  }

  private async enqueue(rows: ClaimedOutboxRow[]): Promise<void> {
    const byQueue = new Map<QueueName, ClaimedOutboxRow[]>();
    for (const row of rows) {
      const name = JOB_QUEUE[row.jobName];
      if (!name) throw new Error(`outbox row ${row.id} names unknown job "${row.jobName}"; add it to src/queue/jobs.ts`);
      byQueue.set(name, [...(byQueue.get(name) ?? []), row]);
    }
    await Promise.all(
      [...byQueue].map(([name, list]) =>
        this.queue(name).addBulk(
          list.map((r) => ({ name: r.jobName, data: r.payload, opts: { ...this.jobOptions, jobId: r.jobId } })),
        ),
      ),
    );
  }

  /** Skips the database entirely while Redis is unreachable, so an outage costs nothing but a status check. */
  private async redisReady(): Promise<boolean> {
    const statuses = await Promise.all(
      [...new Set(Object.values(JOB_QUEUE))].map(async (name) => (await this.queue(name).getBackend().client).status),
    );
    const ready = statuses.every((s) => s === 'ready');
    if (ready !== !this.redisWasDown) {
      this.redisWasDown = !ready;
      if (ready) {
        this.logger.log('Redis is back: relaying pending outbox rows, and checking that the enqueued ones are still there');
        this.redisBack();
      } else this.logger.warn('Redis is unreachable: outbox rows stay pending until it is back');
    }
    return ready;
  }

  /**
   * A Redis restarted without its data lost every job it held: their rows are swept now, not once
   * they are 10 minutes old (re-adding a job that is still there is a no-op anyway), and the
   * listeners put back what lives in Redis only. Deferred, because sweepStuck() itself begins with
   * redisReady(). Once per outage: several clients reconnecting at once ask within a moment.
   */
  private redisBack(): void {
    if (Date.now() - this.lastRedisBack < 1000) return;
    this.lastRedisBack = Date.now();
    this.sweepCursor = undefined;
    setImmediate(() => this.sweepInBackground({ enqueuedForMs: 0 }));
    for (const listener of this.redisBackListeners) setImmediate(listener);
  }

  /**
   * The poll above sees an outage only if it looks while Redis is away: a restart quicker than
   * POLL_MS (a Redis restarted by its supervisor) would go unnoticed, and its lost jobs would wait
   * for the sweeper. ioredis says 'ready' again on every reconnection of the queue clients, so
   * each one counts as Redis coming back too (when the poll has not already seen the outage).
   */
  private watchReconnects(): void {
    for (const name of new Set(Object.values(JOB_QUEUE))) {
      void this.queue(name)
        .getBackend()
        .client.then((client) => {
          let connectedBefore = client.status === 'ready';
          client.on('ready', () => {
            if (connectedBefore && !this.stopped && !this.redisWasDown) {
              this.logger.log('Redis reconnected: checking that the enqueued outbox rows are still there');
              this.redisBack();
            }
            connectedBefore = true;
          });
        })
        .catch(() => undefined); // not connected yet at start: the poll reports it
    }
  }

  private queue(name: QueueName): Queue {
    return (this.queues[name] ??= this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

