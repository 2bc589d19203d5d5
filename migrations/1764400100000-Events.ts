import { MigrationInterface, QueryRunner } from 'typeorm';

export class Events1764400100000 implements MigrationInterface {
  name = 'Events1764400100000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE event (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug varchar NOT NULL,
        kind varchar NOT NULL CHECK (kind IN ('training', 'workshop', 'seminar', 'conference')),
        title varchar NOT NULL,
        title_en varchar,
        description text,
        description_en text,
        audience text,
        audience_en text,
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE RESTRICT,
        venue varchar,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        timezone varchar NOT NULL DEFAULT 'Asia/Ho_Chi_Minh',
        capacity int CHECK (capacity IS NULL OR capacity >= 0),
        confirmed_count int NOT NULL DEFAULT 0,
        waitlist boolean NOT NULL DEFAULT false,
        registration_mode varchar NOT NULL DEFAULT 'open' CHECK (registration_mode IN ('open', 'invite_only')),
        registration_opens_at timestamptz,
        registration_closes_at timestamptz,
        reminder_hours_before int NOT NULL DEFAULT 24 CHECK (reminder_hours_before >= 0),
        status varchar NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'completed', 'cancelled')),
        created_by_id uuid REFERENCES user_account(id) ON DELETE SET NULL,
        published_at timestamptz,
        completed_at timestamptz,
        cancelled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT event_ends_after_start CHECK (ends_at > starts_at),
        -- The last line against overbooking, whatever the code path.
        CONSTRAINT event_capacity_not_exceeded CHECK (confirmed_count >= 0 AND (capacity IS NULL OR confirmed_count <= capacity))
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_event_slug ON event (slug)`);
    await q.query(`CREATE INDEX idx_event_organization_id ON event (organization_id)`);
    await q.query(`CREATE INDEX idx_event_status ON event (status)`);
    await q.query(`CREATE INDEX idx_event_starts_at ON event (starts_at)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE event`);
  }
}
