import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Speakers (accent-insensitive search), agenda sessions with the
 * speaker-overlap rule enforced by PostgreSQL, and unit quotas.
 */
export class EventsDomain1764400400000 implements MigrationInterface {
  name = 'EventsDomain1764400400000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);

    // unaccent() is only STABLE (it reads a dictionary), so it cannot back an index;
    // this wrapper names the dictionary explicitly and is declared IMMUTABLE.
    // đ/Đ are replaced first so that they fold to d whatever the rules file says.
    await q.query(`
      CREATE FUNCTION td_search_fold(value text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, translate(value, 'đĐ', 'dD'))) $$`);

    await q.query(`
      CREATE TABLE speaker (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid REFERENCES organization(id) ON DELETE RESTRICT,
        full_name varchar NOT NULL CHECK (length(btrim(full_name)) > 0),
        honorific varchar,
        position varchar,
        affiliation varchar,
        email varchar,
        phone varchar,
        bio text,
        created_by_id uuid REFERENCES user_account(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX idx_speaker_organization_id ON speaker (organization_id)`);
    await q.query(`CREATE INDEX idx_speaker_name_search ON speaker USING gin (td_search_fold(full_name) gin_trgm_ops)`);

    await q.query(`
      CREATE TABLE session (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        event_id uuid NOT NULL REFERENCES event(id) ON DELETE CASCADE,
        title varchar NOT NULL,
        topic varchar,
        description text,
        room varchar,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        position int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT session_ends_after_start CHECK (ends_at > starts_at)
      )`);
    await q.query(`CREATE INDEX idx_session_event_id_starts_at ON session (event_id, starts_at)`);

    // The session's time range is copied here so that one exclusion constraint can
    // refuse a speaker in two overlapping sessions, whatever the concurrency.
    // '[)' ranges: a session ending at 10:00 and one starting at 10:00 do not overlap.
    // Rows of cancelled events are made inactive and stop blocking the speaker.
    await q.query(`
      CREATE TABLE session_speaker (
        session_id uuid NOT NULL REFERENCES session(id) ON DELETE CASCADE,
        speaker_id uuid NOT NULL REFERENCES speaker(id) ON DELETE RESTRICT,
        role varchar NOT NULL DEFAULT 'presenter' CHECK (role IN ('presenter', 'moderator')),
        during tstzrange NOT NULL,
        active boolean NOT NULL DEFAULT true,
        sort_order int NOT NULL DEFAULT 0,
        PRIMARY KEY (session_id, speaker_id),
        CONSTRAINT session_speaker_no_overlap EXCLUDE USING gist (speaker_id WITH =, during WITH &&) WHERE (active)
      )`);
    await q.query(`CREATE INDEX idx_session_speaker_speaker_id ON session_speaker (speaker_id)`);

    await q.query(`
      CREATE TABLE event_quota (
        event_id uuid NOT NULL REFERENCES event(id) ON DELETE CASCADE,
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE RESTRICT,
        seats int NOT NULL CHECK (seats >= 0),
        PRIMARY KEY (event_id, organization_id)
      )`);
    await q.query(`CREATE INDEX idx_event_quota_organization_id ON event_quota (organization_id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE event_quota`);
    await q.query(`DROP TABLE session_speaker`);
    await q.query(`DROP TABLE session`);
    await q.query(`DROP TABLE speaker`);
    await q.query(`DROP FUNCTION td_search_fold(text)`);
  }
}
