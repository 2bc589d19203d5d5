import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stuck outbox rows: the relay's sweeper re-adds an `enqueued` row whose job
 * vanished from Redis, counting the re-adds so that a job that keeps
 * vanishing ends `failed` instead of cycling forever; the partial index keeps
 * its once-a-minute look for old `enqueued` rows cheap.
 */
export class OutboxRequeues1764400910000 implements MigrationInterface {
  name = 'OutboxRequeues1764400910000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox ADD COLUMN requeues int NOT NULL DEFAULT 0 CONSTRAINT chk_outbox_requeues CHECK (requeues >= 0)`);
    await q.query(`CREATE INDEX idx_outbox_enqueued_at ON outbox (enqueued_at) WHERE status = 'enqueued'`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX idx_outbox_enqueued_at`);
    await q.query(`ALTER TABLE outbox DROP COLUMN requeues`);
  }
}
