import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { JobName } from './jobs';

export type OutboxStatus = 'pending' | 'enqueued' | 'completed' | 'failed';

/** A due outbox row as the relay claims it. */
export interface ClaimedOutboxRow {
  id: string;
  jobName: JobName;
  payload: unknown;
  jobId: string;
}

/** An `enqueued` row old enough for the sweeper to check that its job still exists. */
export interface StuckCandidateRow {
  id: string;
  jobName: JobName;
  jobId: string;
  requeues: number;
  /** enqueued_at as PostgreSQL text: a Date would drop the microseconds the guarded updates compare. */
  enqueuedAt: string;
}

/** An outbox row to insert (OutboxService.row() builds it). */
export interface OutboxRow {
  id: string;
  jobName: string;
  payload: unknown;
  dedupKey: string | null;
  jobId: string;
  runAt: Date | null;
}

/** SQL of the outbox table; raw because the relay's claim needs FOR UPDATE SKIP LOCKED. */
@Injectable()
export class OutboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts a row; the same job id twice (same job and key) keeps the first row. */
  async insert(
    manager: EntityManager,
    row: OutboxRow,
  ): Promise<boolean> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO outbox (id, job_name, payload, dedup_key, job_id, run_at)
       VALUES ($1, $2, $3, $4, $5, COALESCE($6::timestamptz, now()))
       ON CONFLICT (job_id) DO NOTHING
       RETURNING id`,
      [row.id, row.jobName, JSON.stringify(row.payload), row.dedupKey, row.jobId, row.runAt],
    );
    return inserted.length > 0;
  }

  /** Inserts rows in one statement (a batch of mails); as insert(), a job id already there keeps its row. */
  async insertMany(manager: EntityManager, rows: OutboxRow[]): Promise<void> {
    if (!rows.length) return;
    await manager.query(
      `INSERT INTO outbox (id, job_name, payload, dedup_key, job_id, run_at)
       SELECT t.id, t.job_name, t.payload, t.dedup_key, t.job_id, COALESCE(t.run_at, now())
         FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::text[], $5::text[], $6::timestamptz[]) AS t(id, job_name, payload, dedup_key, job_id, run_at)
       ON CONFLICT (job_id) DO NOTHING`,
      [rows.map((r) => r.id), rows.map((r) => r.jobName), rows.map((r) => JSON.stringify(r.payload)), rows.map((r) => r.dedupKey), rows.map((r) => r.jobId), rows.map((r) => r.runAt)],
    );
  }

  /**
   * Locks up to `limit` due pending rows for this transaction; rows another
   * relay holds are skipped, so concurrent relays split the work instead of
   * doubling it.
   */
  async claimDue(manager: EntityManager, limit: number): Promise<ClaimedOutboxRow[]> {
    return manager.query(
      `SELECT id, job_name AS "jobName", payload, job_id AS "jobId"
         FROM outbox
        WHERE status = 'pending' AND run_at <= now()
        ORDER BY run_at
        LIMIT $1
        FOR UPDATE SKIP LOCKED`,
      [limit],
    );
  }

  async markEnqueued(manager: EntityManager, ids: string[]): Promise<void> {
    await manager.query(`UPDATE outbox SET status = 'enqueued', enqueued_at = now() WHERE id = ANY($1::uuid[])`, [ids]);
  }

  /** The processor finished the job: whatever the relay's view, the row is done. */
  async markCompleted(jobId: string, attempts: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE outbox SET status = 'completed', attempts = $2, finished_at = now() WHERE job_id = $1`,
      [jobId, attempts],
    );
  }

  /** Records a failed attempt; the final one makes the row `failed`, visibly. */
  async recordFailure(jobId: string, attempts: number, error: string, final: boolean): Promise<void> {
    await this.dataSource.query(
      `UPDATE outbox
          SET attempts = $2,
              last_error = $3,
              status = CASE WHEN $4::boolean THEN 'failed' ELSE status END,
              finished_at = CASE WHEN $4::boolean THEN now() ELSE finished_at END
        WHERE job_id = $1`,
      [jobId, attempts, error.slice(0, 4000), final],
    );
  }

  /**
   * Records a failure BullMQ decided without the processor (a job that
   * stalled too often); rows a processor already finished keep their outcome.
   */
  async markFailedIfOpen(jobId: string, attempts: number, error: string): Promise<boolean> {
    const [, affected] = await this.dataSource.query(
      `UPDATE outbox
          SET status = 'failed', attempts = GREATEST(attempts, $2), last_error = $3, finished_at = now()
        WHERE job_id = $1 AND status IN ('pending', 'enqueued')`,
      [jobId, attempts, error.slice(0, 4000)],
    );
    return affected > 0;
  }

  /**
   * Rows `enqueued` before `olderThan`, oldest first, after the row `after`
   * (a page cursor), for the sweeper (partial index idx_outbox_enqueued_at).
   */
  async findEnqueuedBefore(olderThan: Date, limit: number, after?: StuckCandidateRow): Promise<StuckCandidateRow[]> {
    return this.dataSource.query(
      `SELECT id, job_name AS "jobName", job_id AS "jobId", requeues, enqueued_at::text AS "enqueuedAt"
         FROM outbox
        WHERE status = 'enqueued' AND enqueued_at < $1
          AND ($3::timestamptz IS NULL OR (enqueued_at, id) > ($3::timestamptz, $4::uuid))
        ORDER BY enqueued_at, id
        LIMIT $2`,
      [olderThan, limit, after?.enqueuedAt ?? null, after?.id ?? null],
    );
  }

  /**
   * Puts a row whose job vanished back to `pending`, so the relay adds it
   * again under the same job id. Only if nobody touched the row since it was
   * read (same status and enqueued_at): a worker that finished it meanwhile wins.
   */
  async requeue(row: StuckCandidateRow): Promise<boolean> {
    const [, affected] = await this.dataSource.query(
      `UPDATE outbox SET status = 'pending', enqueued_at = NULL, run_at = now(), requeues = requeues + 1
        WHERE id = $1 AND status = 'enqueued' AND enqueued_at = $2::timestamptz`,
      [row.id, row.enqueuedAt],
    );
    return affected > 0;
  }

  /** Gives up on an `enqueued` row the sweeper read (same guard as requeue). */
  async failStuck(row: StuckCandidateRow, error: string): Promise<boolean> {
    const [, affected] = await this.dataSource.query(
      `UPDATE outbox SET status = 'failed', last_error = $3, finished_at = now()
        WHERE id = $1 AND status = 'enqueued' AND enqueued_at = $2::timestamptz`,
      [row.id, row.enqueuedAt, error.slice(0, 4000)],
    );
    return affected > 0;
  }
}
