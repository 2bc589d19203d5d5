import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reports (issue 11):
 * - the ICU collation `vi`, so that lists of people sort as Vietnamese lists do (Đặng right
 *   after D, before E; not after Võ as by code point);
 * - check_in (event_id, registration_id): "which registrations of this event were checked in"
 *   is an index-only scan, the join every attendance figure needs;
 * - certificate: one row per issued certificate of attendance, holding only the SHA-256 of its
 *   code (the code is an HMAC only the app can compute), so an altered or invented code finds
 *   nothing and a leaked table gives no codes.
 */
export class Reports1764403000000 implements MigrationInterface {
  name = 'Reports1764403000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE COLLATION IF NOT EXISTS vi (provider = icu, locale = 'vi')`);
    await q.query(`CREATE INDEX idx_check_in_event_registration ON check_in (event_id, registration_id)`);
    await q.query(`
      CREATE TABLE certificate (
        registration_id uuid PRIMARY KEY REFERENCES registration(id) ON DELETE CASCADE,
        code_hash bytea NOT NULL CONSTRAINT chk_certificate_code_hash CHECK (length(code_hash) = 32),
        issued_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_certificate_code_hash ON certificate (code_hash)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE certificate`);
    await q.query(`DROP INDEX idx_check_in_event_registration`);
    await q.query(`DROP COLLATION IF EXISTS vi`);
  }
}
