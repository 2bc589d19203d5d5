import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';
import { TrainingEvent } from '../events/event.entity';
import type { ArticleLanguage, ArticlePhoto } from './article-content';

export const ARTICLE_STATUSES = ['generating', 'draft', 'published', 'failed'] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];

/** The edited text a regeneration replaced, kept so that it can be restored. */
export interface ArticleVersion {
  dateline: string | null;
  title: string | null;
  lead: string | null;
  paragraphs: string[];
  photos: ArticlePhoto[];
  byline: string | null;
  /** When this version was last edited (null: as generated). */
  editedAt: string | null;
  /** When it was set aside. */
  savedAt: string;
}

/** One article per event and language (migrations/1764404000000-Articles.ts). */
@Entity('article')
@Check('article_language_check', "language IN ('vi', 'en')")
@Check('article_status_check', "status IN ('generating', 'draft', 'published', 'failed')")
@Unique('uq_article_event_language', ['eventId', 'language'])
@Index('idx_article_published', ['language', 'publishedAt'], { where: "status = 'published'" })
export class Article {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ForeignKey(() => TrainingEvent, { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  eventId: string;

  @Column({ type: 'varchar' })
  language: ArticleLanguage;

  @Column({ type: 'varchar' })
  status: ArticleStatus;

  /** Bumped by each generation request: a job for an older one finds it stale and stops. */
  @Column({ type: 'int', default: 1 })
  generation: number;

  @Column({ type: 'varchar', nullable: true })
  dateline: string | null;

  @Column({ type: 'text', nullable: true })
  title: string | null;

  @Column({ type: 'text', nullable: true })
  lead: string | null;

  @Column({ type: 'jsonb', nullable: true })
  paragraphs: string[] | null;

  @Column({ type: 'jsonb', nullable: true })
  photos: ArticlePhoto[] | null;

  @Column({ type: 'text', nullable: true })
  byline: string | null;

  /** Set by an editor's change; null while the text is as generated. */
  @Column({ type: 'timestamptz', nullable: true })
  editedAt: Date | null;

  @Column({ type: 'jsonb', nullable: true })
  previousVersion: ArticleVersion | null;

  /** Why the last generation failed (status `failed`). */
  @Column({ type: 'text', nullable: true })
  failureReason: string | null;

  /** Given at the first publication and kept: links to the article never break. */
  @Index('uq_article_slug', { unique: true })
  @Column({ type: 'varchar', nullable: true })
  slug: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  generatedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
