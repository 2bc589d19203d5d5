import { Processor, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { DelayedError, Job, UnrecoverableError, Worker } from 'bullmq';
import { isConnectionLost } from '../database/connection-errors';
import { JOB_PROCESSOR_DECORATOR, JobProcessor } from './job-processor';
import { JOB_QUEUE, JobName, QUEUES } from './jobs';
import { OutboxRepository } from './outbox.repository';

/** Finds the @ProcessorOf classes of this process. */
@Injectable()
export class JobProcessorRegistry implements OnModuleInit {
  private readonly processors = new Map<string, JobProcessor<JobName>>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: JOB_PROCESSOR_DECORATOR.KEY })) {
      const job = this.discovery.getMetadataByDecorator(JOB_PROCESSOR_DECORATOR, wrapper);
      if (!job || !wrapper.instance) continue;
      if (this.processors.has(job)) throw new Error(`two processors for job "${job}"`);
      if (!JOB_QUEUE[job]) throw new Error(`job "${job}" has no queue in src/queue/jobs.ts`);
      this.processors.set(job, wrapper.instance as JobProcessor<JobName>);
    }
  }

  get(job: string): JobProcessor<JobName> | undefined {
    return this.processors.get(job);
  }
}

/**
 * One BullMQ worker per queue, routing each job to its processor and
 * recording the outcome on the job's outbox row: completed, or after the
 * last attempt failed with the error, so a job never fails silently.
 * Retries and backoff come with the job (QueueModule's job options).
 */
@Injectable()
abstract class QueueWorker extends WorkerHost implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown {
  protected readonly logger = new Logger(this.constructor.name);
  private lastErrorLog = 0;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly registry: JobProcessorRegistry,
    private readonly outbox: OutboxRepository,
  ) {
    super();
  }

  async process(job: Job, token?: string): Promise<void> {
    const attempt = job.attemptsMade + 1;
    const isFinalAttempt = attempt >= (job.opts.attempts ?? 1);
    const jobId = job.id ?? '';
    const remembered = isRecord(job.progress) ? job.progress : undefined;
    const remember = async (facts: Record<string, unknown>) => job.updateProgress({ ...(isRecord(job.progress) ? job.progress : {}), ...facts });
    try {
      const processor = this.registry.get(job.name);
      if (!processor) throw new UnrecoverableError(`no processor is registered for job "${job.name}"`);
      await processor.process(job.data, { jobId, attempt, isFinalAttempt, remembered, remember });
    } catch (err) {
      if (await this.waitOutDatabase(job, token, err)) throw new DelayedError();
      const final = isFinalAttempt || err instanceof UnrecoverableError;
      const message = (err as Error).message ?? String(err);
      this.logger.warn(`${jobId} attempt ${attempt} failed${final ? ' (final)' : ''}: ${message}`);
      try {
        await this.outbox.recordFailure(jobId, attempt, message, final);
      } catch (e) {
        // Usually the same lost database connection: BullMQ's retry is what matters, and the
        // sweeper records a final failure that could not be recorded here.
        if (!isConnectionLost(e)) this.logger.warn(`${jobId}: could not record the failure on the outbox row: ${(e as Error).message}`);
      }
      throw err;
    }
    // A lost connection here fails the attempt: the retry finds the work done (processors check the
    // stored state first) and records the completion then.
    await this.outbox.markCompleted(jobId, attempt);
  }

  /**
   * A lost PostgreSQL connection is the database's outage, not the job's failure: the job waits
   * (moved to delayed, 1 s doubling to 30 s) without using one of its attempts, so an outage of
   * minutes does not fail mails for good. Bounded (DATABASE_WAITS, about 10 minutes of waiting):
   * past that the attempts count again and a failure becomes visible.
   */
  private async waitOutDatabase(job: Job, token: string | undefined, err: unknown): Promise<boolean> {
    if (err instanceof UnrecoverableError || !isConnectionLost(err) || !token) return false;
    const waits = (isRecord(job.progress) && typeof job.progress.databaseWaits === 'number' ? job.progress.databaseWaits : 0) + 1;
    if (waits > DATABASE_WAITS) return false;
    try {
      await job.updateProgress({ ...(isRecord(job.progress) ? job.progress : {}), databaseWaits: waits });
      const delay = Math.min(30_000, 1000 * 2 ** (waits - 1));
      await job.moveToDelayed(Date.now() + delay * (0.5 + Math.random() / 2), token);
    } catch (e) {
      // Redis refused the move: let the attempt fail as usual (BullMQ retries it).
      this.logger.warn(`${job.id}: could not delay the job during the database outage: ${(e as Error).message}`);
      return false;
    }
    if (Date.now() - this.lastErrorLog >= 30_000) {
      this.lastErrorLog = Date.now();
      this.logger.warn(`${job.id}: PostgreSQL unreachable (${(err as Error).message}); the job waits without using an attempt`);
    }
    return true;
  }

  /**
   * Connection errors while Redis is down (ioredis retries by itself): one
   * line per 30 s instead of BullMQ's console.error for every retry.
   */
  onApplicationBootstrap(): void {
    this.worker.on('error', (err: Error) => {
      if (Date.now() - this.lastErrorLog < 30_000) return;
      this.lastErrorLog = Date.now();
      this.logger.warn(`queue worker: ${err.message}`);
    });
    this.worker.on('failed', (job: Job | undefined, err: Error) => void this.onFailed(job, err));
  }

  /**
   * process() records its own failures, but BullMQ also fails jobs without
   * calling it: in BullMQ 6 a job that stalled more than maxStalledCount
   * times (its worker died or blocked mid-job) goes back to wait marked with
   * a deferred failure, and the next worker that takes it fails it at once
   * ("job stalled more than allowable limit"), emitting only this event.
   * finishedOn is set only when the failure is final (no retry follows).
   */
  private async onFailed(job: Job | undefined, err: Error): Promise<void> {
    if (!job?.id || !job.finishedOn) return;
    try {
      const message = err?.message || job.failedReason || 'failed in BullMQ';
      if (await this.outbox.markFailedIfOpen(job.id, job.attemptsMade, `BullMQ failed the job: ${message}`)) {
        this.logger.warn(`${job.id} failed by BullMQ: ${message}`);
      }
    } catch (e) {
      // The relay's sweeper sees the failed job and marks the row later.
      this.logger.warn(`${job.id}: could not record the failure on the outbox row: ${(e as Error).message}`);
    }
  }

  /**
   * Shutdown, in two steps. As soon as it begins (onModuleDestroy, the first
   * phase of hooks), stop taking jobs: other destroy hooks (the relay's last pass)
   * may take seconds, and a job taken then would delay the exit further.
   * Then, before the database and the transports close (their
   * onApplicationShutdown), wait for the active jobs to finish: Worker.close()
   * waits for them and records their outcome in Redis. So what a processor
   * uses must be released in onApplicationShutdown, never onModuleDestroy.
   * @nestjs/bullmq closes workers too, but only in onApplicationShutdown, in
   * no set order with TypeORM's own shutdown.
   */
  onModuleDestroy(): void {
    let worker;
    try {
      worker = this.worker;
    } catch {
      return; // never started (the app failed during init)
    }
    this.closing = whenConnected(worker)
      .then(() => worker.close())
      .catch((err: unknown) => this.logger.warn(`closing the queue worker: ${(err as Error).message}`));
  }

  /**
   * The wait is bounded: a job that does not finish within the grace (an
   * SMTP server that stopped answering, a Redis connection that came back in
   * a state where the worker's blocking fetch never returns) must not keep
   * the process from exiting. Cutting the connections leaves such a job active in
   * Redis; its lock expires and another worker takes it as stalled, so it is
   * retried, not lost.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.closing) return;
    if (await settlesWithin(this.closing, SHUTDOWN_GRACE_MS)) return;
    this.logger.warn(`the queue worker did not close within ${SHUTDOWN_GRACE_MS / 1000} s; dropping its Redis connections (its active jobs are retried as stalled)`);
    // close() is already under way and cannot be forced any more; cutting its connections ends what it
    // waits on. That too can wait on a connection that never comes back, so it is bounded as well.
    await settlesWithin(this.worker.disconnect().catch(() => undefined), 2000);
  }
}

/**
 * BullMQ 6's Worker.close() waits for its blocking connection to end, and an
 * ioredis client parked between reconnect attempts never emits 'end', so a
 * close started while Redis is down or has only just come back never returns
 * (taskforcesh/bullmq#4656, open). The worker's connections reconnect within
 * seconds (redis.ts retryStrategy), so close once both its clients are ready
 * again, waiting at most a few seconds for that.
 */
async function whenConnected(worker: Worker): Promise<void> {
  const backend = worker.backend;
  const clients = await Promise.all([settlesWithinValue(backend.client, RECONNECT_WAIT_MS), settlesWithinValue(backend.blockingConnection?.client ?? Promise.resolve(undefined), RECONNECT_WAIT_MS)]);
  await Promise.all(
    clients.map((client) =>
      !client || client.status === 'ready' ? undefined : settlesWithin(new Promise((resolve) => client.once('ready', resolve)), RECONNECT_WAIT_MS),
    ),
  );
}

/** How long shutdown waits for the worker's Redis connection to be back before closing it anyway. */
const RECONNECT_WAIT_MS = 5000;

async function settlesWithinValue<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let value: T | undefined;
  await settlesWithin(promise.then((v) => (value = v)), ms);
  return value;
}

/** Whether `promise` settles within `ms` (the timer does not keep the process alive). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** How long shutdown waits for the active jobs to finish before it closes the worker anyway. */
export const SHUTDOWN_GRACE_MS = 30_000;

/** How many times one job may wait out a database outage without using an attempt (1 s … 30 s each: about 10 minutes). */
export const DATABASE_WAITS = 25;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// Mail is I/O bound (SMTP round trips): many at once keeps a pooled transport busy.
@Processor(QUEUES.mail, { concurrency: 32 })
export class MailQueueWorker extends QueueWorker {}

@Processor(QUEUES.events, { concurrency: 8 })
export class EventsQueueWorker extends QueueWorker {}

@Processor(QUEUES.articles, { concurrency: 2 })
export class ArticlesQueueWorker extends QueueWorker {}
