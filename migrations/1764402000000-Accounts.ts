import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts people can manage (issue 15):
 * - `user_account.active` (a deactivated user cannot log in, and their tokens stop working) and
 *   `session_version`, embedded in every token and page session and compared on each request:
 *   bumping it ends every session of the user at once (password change or reset, sign out
 *   everywhere).
 * - `password_reset`: single-use reset links; only the SHA-256 of the token is stored (a 256-bit
 *   random token needs no slow hash), so a database reader cannot use a link.
 * - `audit_log`: who changed what, written in the transaction of the change. No foreign keys:
 *   history outlives the users and units it names (actor_email keeps who it was).
 */
export class Accounts1764402000000 implements MigrationInterface {
  name = 'Accounts1764402000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE user_account ADD COLUMN active boolean NOT NULL DEFAULT true`);
    await q.query(`ALTER TABLE user_account ADD COLUMN session_version int NOT NULL DEFAULT 0 CONSTRAINT chk_user_account_session_version CHECK (session_version >= 0)`);
    // The list's filters: role and active (the unit has its index already).
    await q.query(`CREATE INDEX idx_user_account_role_active ON user_account (role, active)`);
    await q.query(`
      CREATE TABLE password_reset (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES user_account(id) ON DELETE CASCADE,
        token_hash bytea NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_password_reset_token_hash ON password_reset (token_hash)`);
    await q.query(`CREATE INDEX idx_password_reset_user_id ON password_reset (user_id)`);
    await q.query(`
      CREATE TABLE audit_log (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        at timestamptz NOT NULL DEFAULT now(),
        actor_id uuid,
        actor_email varchar,
        action varchar NOT NULL,
        entity varchar NOT NULL,
        entity_id uuid,
        organization_id uuid,
        changes jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX idx_audit_log_at ON audit_log (at)`);
    await q.query(`CREATE INDEX idx_audit_log_entity ON audit_log (entity, entity_id)`);
    await q.query(`CREATE INDEX idx_audit_log_actor_id ON audit_log (actor_id)`);
    await q.query(`CREATE INDEX idx_audit_log_organization_id ON audit_log (organization_id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP TABLE password_reset`);
    await q.query(`DROP INDEX idx_user_account_role_active`);
    await q.query(`ALTER TABLE user_account DROP COLUMN session_version`);
    await q.query(`ALTER TABLE user_account DROP COLUMN active`);
  }
}
