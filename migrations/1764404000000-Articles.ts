import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Post-event articles: the organizer's recap of an event (highlights, outcome,
 * quotes, author), its photos (files under STORAGE_DIR, rows here), and one
 * generated, editable, publishable article per event and language. The edited
 * version a regeneration replaces is kept in `previous_version`, so an
 * editor's work is never lost; a published article keeps its slug for good.
 */
export class Articles1764404000000 implements MigrationInterface {
  name = 'Articles1764404000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE event_recap (
        event_id uuid PRIMARY KEY REFERENCES event(id) ON DELETE CASCADE,
        highlights jsonb NOT NULL,
        highlights_en jsonb NOT NULL,
        outcome text,
        outcome_en text,
        quotes jsonb NOT NULL,
        author varchar,
        updated_by_id uuid REFERENCES user_account(id) ON DELETE SET NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE event_photo (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        event_id uuid NOT NULL REFERENCES event(id) ON DELETE CASCADE,
        caption text NOT NULL,
        caption_en text,
        width int NOT NULL,
        height int NOT NULL,
        bytes int NOT NULL,
        created_by_id uuid REFERENCES user_account(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX idx_event_photo_event_id ON event_photo (event_id, created_at)`);

    await q.query(`
      CREATE TABLE article (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        event_id uuid NOT NULL REFERENCES event(id) ON DELETE CASCADE,
        language varchar NOT NULL CHECK (language IN ('vi', 'en')),
        status varchar NOT NULL CHECK (status IN ('generating', 'draft', 'published', 'failed')),
        generation int NOT NULL DEFAULT 1,
        dateline varchar,
        title text,
        lead text,
        paragraphs jsonb,
        photos jsonb,
        byline text,
        edited_at timestamptz,
        previous_version jsonb,
        failure_reason text,
        slug varchar,
        published_at timestamptz,
        generated_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_article_event_language UNIQUE (event_id, language)
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_article_slug ON article (slug)`);
    // The public /news list and feed: newest published first, per language.
    await q.query(`CREATE INDEX idx_article_published ON article (language, published_at) WHERE status = 'published'`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE article`);
    await q.query(`DROP TABLE event_photo`);
    await q.query(`DROP TABLE event_recap`);
  }
}
