import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Registrations and check-ins. Capacity is kept by event.confirmed_count (see
 * the event migration's CHECK); here PostgreSQL enforces one registration per
 * e-mail and event, one check-in per (registration, session) — the event-level
 * check-in has session_id NULL, hence NULLS NOT DISTINCT (PostgreSQL 15) —
 * and unique secret tokens (stored as SHA-256) and check-in codes.
 */
export class Registrations1764400500000 implements MigrationInterface {
  name = 'Registrations1764400500000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE registration (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        event_id uuid NOT NULL REFERENCES event(id) ON DELETE CASCADE,
        full_name varchar NOT NULL CHECK (length(btrim(full_name)) > 0),
        email varchar NOT NULL CHECK (position('@' in email) > 1),
        phone varchar,
        position varchar,
        organization_id uuid REFERENCES organization(id) ON DELETE RESTRICT,
        role varchar NOT NULL DEFAULT 'delegate' CHECK (role IN ('delegate', 'official', 'guest', 'press')),
        language varchar NOT NULL DEFAULT 'vi' CHECK (language IN ('vi', 'en')),
        status varchar NOT NULL CHECK (status IN ('invited', 'confirmed', 'declined', 'waitlisted', 'cancelled')),
        source varchar NOT NULL CHECK (source IN ('self', 'organizer', 'import')),
        token_hash bytea NOT NULL CHECK (length(token_hash) = 32),
        code varchar(10) NOT NULL CHECK (code ~ '^[0-9A-HJKMNP-TV-Z]{10}$'),
        waitlisted_at timestamptz,
        confirmed_at timestamptz,
        declined_at timestamptz,
        cancelled_at timestamptz,
        created_by_id uuid REFERENCES user_account(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- Only delegates take seats, so only delegates wait for one.
        CONSTRAINT registration_waitlist_delegates CHECK (status <> 'waitlisted' OR (role = 'delegate' AND waitlisted_at IS NOT NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_registration_event_email ON registration (event_id, lower(email))`);
    await q.query(`CREATE UNIQUE INDEX uq_registration_token_hash ON registration (token_hash)`);
    // Codes are unique across events so that a code alone names one registration;
    // check-in still verifies that the code belongs to the event scanned for.
    await q.query(`CREATE UNIQUE INDEX uq_registration_code ON registration (code)`);
    await q.query(`CREATE INDEX idx_registration_event_status_role ON registration (event_id, status, role)`);
    await q.query(`CREATE INDEX idx_registration_organization_id ON registration (organization_id)`);
    // Waitlist promotion takes the oldest waiting delegate.
    await q.query(`CREATE INDEX idx_registration_waitlist ON registration (event_id, waitlisted_at, id) WHERE status = 'waitlisted'`);
    // td_search_fold comes from the events-domain migration (immutable unaccent + lower).
    await q.query(`CREATE INDEX idx_registration_search ON registration USING gin (td_search_fold(full_name || ' ' || email) gin_trgm_ops)`);

    await q.query(`
      CREATE TABLE check_in (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        event_id uuid NOT NULL REFERENCES event(id) ON DELETE CASCADE,
        registration_id uuid NOT NULL REFERENCES registration(id) ON DELETE CASCADE,
        session_id uuid REFERENCES session(id) ON DELETE CASCADE,
        -- When the code was scanned (kept from an offline scanner), not when the row arrived.
        checked_in_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        checked_in_by_id uuid REFERENCES user_account(id) ON DELETE SET NULL,
        nonce varchar(100)
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_check_in_registration_session ON check_in (registration_id, session_id) NULLS NOT DISTINCT`);
    await q.query(`CREATE INDEX idx_check_in_event_session ON check_in (event_id, session_id)`);
    await q.query(`CREATE INDEX idx_check_in_session_id ON check_in (session_id) WHERE session_id IS NOT NULL`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE check_in`);
    await q.query(`DROP TABLE registration`);
  }
}
