import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Personal links become derivable instead of random: a link's token is an HMAC of the
 * registration id and its `link_version` under a key that only the app holds, so any later
 * mail can carry the delegate's current link without the token ever being stored, and an
 * organizer revokes one link by bumping its version. Rows created before this migration keep
 * their random token (version 0) until a mail needs their link. `app_secret` keeps the key in
 * development, where no JWT_SECRET is configured, so links survive a restart and replicas agree.
 */
export class PersonalLinks1764401000000 implements MigrationInterface {
  name = 'PersonalLinks1764401000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE registration ADD COLUMN link_version int NOT NULL DEFAULT 0 CONSTRAINT chk_registration_link_version CHECK (link_version >= 0)`);
    await q.query(`ALTER TABLE registration ALTER COLUMN link_version SET DEFAULT 1`);
    await q.query(`
      CREATE TABLE app_secret (
        name varchar PRIMARY KEY,
        value bytea NOT NULL CONSTRAINT chk_app_secret_value CHECK (length(value) >= 32),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE app_secret`);
    await q.query(`ALTER TABLE registration DROP COLUMN link_version`);
  }
}
