import { MigrationInterface, QueryRunner } from 'typeorm';

/** Every rendered mail, its delivery status and attempts; also the local outbox read at /admin/outbox. */
export class MailMessages1764400201000 implements MigrationInterface {
  name = 'MailMessages1764400201000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE mail_message (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        to_address varchar NOT NULL,
        to_name varchar,
        template varchar NOT NULL,
        locale varchar NOT NULL CHECK (locale IN ('vi', 'en')),
        subject varchar NOT NULL,
        html text NOT NULL,
        text text NOT NULL,
        -- [{filename, contentType, content (base64)}]
        attachments jsonb,
        -- No foreign key: the registration table comes with a later migration, which may add one.
        registration_id uuid,
        kind varchar,
        status varchar NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'stored', 'failed')),
        attempts int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_error text,
        transport varchar CHECK (transport IN ('smtp', 'local')),
        message_id varchar,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`);
    await q.query(`CREATE INDEX idx_mail_message_created_at ON mail_message (created_at DESC, id)`);
    await q.query(`CREATE INDEX idx_mail_message_status ON mail_message (status, created_at DESC)`);
    await q.query(`CREATE INDEX idx_mail_message_registration_id ON mail_message (registration_id) WHERE registration_id IS NOT NULL`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE mail_message`);
  }
}
