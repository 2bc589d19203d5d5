import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transactional outbox: a row written in the same transaction as the
 * change that causes a job, moved onto BullMQ by the relay. Plus the small
 * table the diagnostic `system.ping` job writes to.
 */
export class Outbox1764400200000 implements MigrationInterface {
  name = 'Outbox1764400200000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        job_name varchar NOT NULL,
        payload jsonb NOT NULL,
        dedup_key varchar,
        -- The BullMQ job id: deterministic, so a relay that retries never doubles a job.
        job_id varchar NOT NULL,
        status varchar NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'enqueued', 'completed', 'failed')),
        attempts int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_error text,
        run_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        enqueued_at timestamptz,
        finished_at timestamptz,
        -- BullMQ uses ':' as its key separator and rejects it in custom ids.
        CONSTRAINT outbox_job_id_has_no_colon CHECK (position(':' in job_id) = 0)
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_outbox_job_id ON outbox (job_id)`);
    // The relay's only query when idle: keep it an index scan over pending rows alone.
    await q.query(`CREATE INDEX idx_outbox_pending_run_at ON outbox (run_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX idx_outbox_failed ON outbox (finished_at) WHERE status = 'failed'`);

    await q.query(`
      CREATE TABLE system_ping (
        job_id varchar PRIMARY KEY,
        note text NOT NULL,
        runs int NOT NULL DEFAULT 1,
        first_run_at timestamptz NOT NULL DEFAULT now(),
        last_run_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE system_ping`);
    await q.query(`DROP TABLE outbox`);
  }
}
