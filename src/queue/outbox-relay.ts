import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { JobsOptions, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { JOB_QUEUE, QueueName } from './jobs';
import { ClaimedOutboxRow, OutboxRepository } from './outbox.repository';

/** Job options (attempts, backoff, history) the relay gives every job; see QueueModule. */
export const JOB_OPTIONS = Symbol('JOB_OPTIONS');

const POLL_MS = 500;
const BATCH = 200;
// Past this, Redis is taken as down: the transaction rolls back and the rows stay pending.
const ADD_TIMEOUT_MS = 5000;

/**
 * Moves due outbox rows onto BullMQ. Runs in every process; replicas split
 * the rows through `FOR UPDATE SKIP LOCKED`, and the deterministic job id
 * makes a re-add (a relay that died between Redis and its commit) a no-op.
 * Idle cost: one indexed query every POLL_MS, none while Redis is down.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private nudged = false;
  private stopped = true;
  private redisWasDown = false;
  private queues: Partial<Record<QueueName, Queue>> = {};

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxRepository,
    private readonly moduleRef: ModuleRef,
    @Inject(JOB_OPTIONS) private readonly jobOptions: JobsOptions,
  ) {}

  onApplicationBootstrap(): void {
    // The relay reports an outage once (redisReady); without a listener BullMQ prints every reconnect attempt.
    for (const name of new Set(Object.values(JOB_QUEUE))) this.queue(name).on('error', () => undefined);
    this.stopped = false;
    this.schedule(0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
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

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.tick(), ms);
    // The relay alone must not keep a process alive.
    this.timer.unref();
  }

  private tick(): void {
    this.nudged = false;
    this.running = this.relayDue()
      .then(() => undefined)
      .catch((err: unknown) => this.logger.warn(`outbox relay: ${(err as Error).message}; retrying`))
      .finally(() => {
        this.running = undefined;
        this.schedule(this.nudged ? 0 : POLL_MS);
      });
  }

  private async relayBatch(): Promise<number> {
    if (!(await this.redisReady())) return 0;
    return this.dataSource.transaction(async (manager) => {
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
      if (ready) this.logger.log('Redis is back: relaying pending outbox rows');
      else this.logger.warn('Redis is unreachable: outbox rows stay pending until it is back');
    }
    return ready;
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

