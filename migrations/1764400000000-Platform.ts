import { MigrationInterface, QueryRunner } from 'typeorm';

export class Platform1764400000000 implements MigrationInterface {
  name = 'Platform1764400000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE organization (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar NOT NULL,
        abbreviation varchar,
        locality varchar,
        short_name varchar,
        name_en varchar,
        parent_id uuid REFERENCES organization(id) ON DELETE RESTRICT,
        path uuid[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX idx_organization_parent_id ON organization (parent_id)`);
    // Subtree queries ask `X = ANY(path)`; GIN answers path @> ARRAY[X] and keeps reports fast.
    await q.query(`CREATE INDEX idx_organization_path ON organization USING gin (path)`);
    await q.query(`
      CREATE TABLE user_account (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email varchar NOT NULL,
        password_hash varchar NOT NULL,
        full_name varchar NOT NULL,
        role varchar NOT NULL CHECK (role IN ('admin', 'organizer', 'leader', 'staff')),
        organization_id uuid REFERENCES organization(id) ON DELETE RESTRICT,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT user_account_unit_required CHECK (role = 'admin' OR organization_id IS NOT NULL)
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_user_account_email ON user_account (email)`);
    await q.query(`CREATE INDEX idx_user_account_organization_id ON user_account (organization_id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE user_account`);
    await q.query(`DROP TABLE organization`);
  }
}
