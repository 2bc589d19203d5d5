import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Invitations and notifications through the queue:
 * - mail_message gets the state `sending` (claimed by one worker, before the SMTP transaction) with
 *   its time, so a second run of the same job never sends a message that is already on its way;
 *   `retries` counts manual retries (each one is a new job id), and `event_id` / `batch_id` say
 *   which event and batch a mail belongs to.
 * - invitation_batch: one "send invitations" (or reminder, change and cancellation notice) run;
 *   its recipients are selected in one INSERT … SELECT into invitation and rendered by a job.
 * - event_reminder: the reminder job (a BullMQ delayed job) currently planned for an event, so that
 *   planning again removes the one planned before.
 */
export class Invitations1764405000000 implements MigrationInterface {
  name = 'Invitations1764405000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE mail_message DROP CONSTRAINT mail_message_status_check`);
    await q.query(`ALTER TABLE mail_message ADD CONSTRAINT mail_message_status_check CHECK (status IN ('queued', 'sending', 'sent', 'stored', 'failed'))`);
    await q.query(`ALTER TABLE mail_message ADD COLUMN sending_at timestamptz`);
    await q.query(`ALTER TABLE mail_message ADD COLUMN retries int NOT NULL DEFAULT 0 CONSTRAINT chk_mail_message_retries CHECK (retries >= 0)`);
    await q.query(`ALTER TABLE mail_message ADD COLUMN event_id uuid`);
    await q.query(`ALTER TABLE mail_message ADD COLUMN batch_id uuid`);
    await q.query(`CREATE INDEX idx_mail_message_batch_status ON mail_message (batch_id, status) WHERE batch_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE invitation_batch (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        event_id uuid NOT NULL REFERENCES event(id) ON DELETE CASCADE,
        template varchar NOT NULL CONSTRAINT chk_invitation_batch_template CHECK (template IN ('invitation', 'reminder', 'event-changed', 'event-cancelled')),
        total int NOT NULL DEFAULT 0 CONSTRAINT chk_invitation_batch_total CHECK (total >= 0),
        -- Makes an automatic batch (a reminder job that runs twice) one batch.
        dedup_key varchar,
        -- What a change notice says the event was before: {startsAt?, endsAt?, venue?}.
        details jsonb,
        created_by_id uuid REFERENCES user_account(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        rendered_at timestamptz
      )`);
    await q.query(`CREATE INDEX idx_invitation_batch_event_id ON invitation_batch (event_id)`);
    await q.query(`CREATE UNIQUE INDEX uq_invitation_batch_dedup_key ON invitation_batch (dedup_key)`);
    await q.query(`
      CREATE TABLE invitation (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        batch_id uuid NOT NULL REFERENCES invitation_batch(id) ON DELETE CASCADE,
        event_id uuid NOT NULL REFERENCES event(id) ON DELETE CASCADE,
        registration_id uuid NOT NULL REFERENCES registration(id) ON DELETE CASCADE,
        -- Set when the fan-out job has rendered and queued its mail.
        mail_message_id uuid,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_invitation_batch_registration ON invitation (batch_id, registration_id)`);
    await q.query(`CREATE INDEX idx_invitation_event_id ON invitation (event_id, created_at)`);
    await q.query(`CREATE INDEX idx_invitation_unrendered ON invitation (batch_id) WHERE mail_message_id IS NULL`);
    await q.query(`
      CREATE TABLE event_reminder (
        event_id uuid PRIMARY KEY REFERENCES event(id) ON DELETE CASCADE,
        -- The BullMQ delayed job planned now (its id names the start time it was planned for).
        job_id varchar NOT NULL,
        run_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE event_reminder`);
    await q.query(`DROP TABLE invitation`);
    await q.query(`DROP TABLE invitation_batch`);
    await q.query(`DROP INDEX idx_mail_message_batch_status`);
    await q.query(`ALTER TABLE mail_message DROP COLUMN batch_id, DROP COLUMN event_id, DROP COLUMN retries, DROP COLUMN sending_at`);
    await q.query(`ALTER TABLE mail_message DROP CONSTRAINT mail_message_status_check`);
    await q.query(`ALTER TABLE mail_message ADD CONSTRAINT mail_message_status_check CHECK (status IN ('queued', 'sent', 'stored', 'failed'))`);
  }
}
