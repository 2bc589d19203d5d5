import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { runInTransaction } from '../database/transaction';
import { EventsService } from '../events/events.service';
import { QUEUES } from '../queue/jobs';
import { JOB_OPTIONS, OutboxRelay } from '../queue/outbox-relay';
import { EventReminder } from './invitation.entity';
import { lockReminderOf, plannedReminder } from './reminders';

/** The slow check; the fast one follows the relay's "Redis is back". */
const CHECK_EVERY_MS = 5 * 60_000;
const PAGE = 100;
// Past this, Redis is taken as gone again: the check stops and the next one starts over.
const REDIS_TIMEOUT_MS = 5000;

/** What one check did. */
export interface ReminderCheckResult {
  checked: number;
  readded: number;
}

interface RecordedReminder {
  eventId: string;
  jobId: string;
}

/**
 * Puts back the `reminders.fire` jobs Redis lost. A reminder is a delayed job that lives only in
 * Redis, recorded in event_reminder; a Redis without persistence comes back from a restart empty,
 * and nothing would plan it again (the outbox row of its `reminders.plan` is long completed).
 *
 * At start, when the relay finds Redis back after an outage, and every CHECK_EVERY_MS, every
 * recorded reminder of an event not yet started whose batch is not written yet (a reminder that
 * fired is done: its batch and fan-out are in PostgreSQL) is looked up in Redis; a missing job is
 * added again under the same id, due at the recorded time (now, if that has passed). Under the
 * plan's lock, after reading the plan and the event again: a plan changed meanwhile is left to
 * its own `reminders.plan`. Two workers doing it at once add one job (the same id is a no-op in
 * BullMQ), and a reminder added again after it fired writes nothing: `reminders.fire` writes its
 * batch under the job id as dedup key.
 *
 * Registered in src/worker.module.ts only: processes with the worker role do it.
 */
@Injectable()
export class ReminderRecovery implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ReminderRecovery.name);
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<unknown> | undefined;
  private again = false;
  private stopped = true;

  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventsService,
    private readonly relay: OutboxRelay,
    @InjectQueue(QUEUES.events) private readonly queue: Queue,
    @Inject(JOB_OPTIONS) private readonly jobOptions: JobsOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.relay.onRedisBack(() => this.checkInBackground());
    this.timer = setInterval(() => this.checkInBackground(), CHECK_EVERY_MS);
    this.timer.unref();
    // Redis may have restarted while no worker ran.
    this.checkInBackground();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.checking;
  }

  /** One check at a time; one asked for during a check runs after it (Redis may have gone and come back meanwhile). */
  private checkInBackground(): void {
    if (this.stopped) return;
    if (this.checking) {
      this.again = true;
      return;
    }
    this.again = false;
    this.checking = this.restoreMissing()
      .catch((err: unknown) => this.logger.warn(`reminder check: ${(err as Error).message}`))
      .finally(() => {
        this.checking = undefined;
        if (this.again) this.checkInBackground();
      });
  }

  /** Adds again every recorded reminder job missing from Redis; does nothing while Redis is unreachable (every job would look missing). */
  async restoreMissing(): Promise<ReminderCheckResult> {
    const result: ReminderCheckResult = { checked: 0, readded: 0 };
    if ((await this.queue.getBackend().client).status !== 'ready') return result;
    for (let after: string | null = null; ; ) {
      const rows = await this.pending(after);
      const found = await withTimeout(Promise.all(rows.map((r) => this.queue.getJob(r.jobId))), 'looking up reminder jobs in Redis timed out');
      for (const [i, row] of rows.entries()) if (!found[i] && (await this.readd(row))) result.readded++;
      result.checked += rows.length;
      if (rows.length < PAGE) break;
      after = rows[rows.length - 1].eventId;
    }
    if (result.readded) this.logger.warn(`reminder check: ${result.readded} of ${result.checked} reminder job(s) were missing from Redis and were added again`);
    return result;
  }

  /** Recorded reminders still to fire: the event has not started and no batch is written under the job id. */
  private pending(after: string | null): Promise<RecordedReminder[]> {
    return this.dataSource.query(
      `SELECT r.event_id AS "eventId", r.job_id AS "jobId"
         FROM event_reminder r JOIN event e ON e.id = r.event_id
        WHERE e.starts_at > now() AND ($1::uuid IS NULL OR r.event_id > $1::uuid)
          AND NOT EXISTS (SELECT 1 FROM invitation_batch b WHERE b.dedup_key = r.job_id)
        ORDER BY r.event_id LIMIT ${PAGE}`,
      [after],
    );
  }

  private readd({ eventId, jobId }: RecordedReminder): Promise<boolean> {
    return runInTransaction(this.dataSource.manager, async (manager) => {
      await lockReminderOf(manager, eventId);
      const plan = await manager.findOneBy(EventReminder, { eventId });
      const event = await this.events.findById(eventId, manager);
      const wanted = event ? plannedReminder(event) : null;
      // Planned anew meanwhile, or the event changed and its reminders.plan (an outbox row) will.
      if (!plan || plan.jobId !== jobId || !wanted || wanted.jobId !== jobId) return false;
      return withTimeout(
        (async () => {
          if (await this.queue.getJob(jobId)) return false; // another worker put it back
          await this.queue.add('reminders.fire', wanted.payload, { ...this.jobOptions, jobId, delay: Math.max(0, plan.runAt.getTime() - Date.now()) });
          return true;
        })(),
        'adding a reminder job to Redis timed out',
      );
    });
  }
}

function withTimeout<T>(work: Promise<T>, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), REDIS_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
