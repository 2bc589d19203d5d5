import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { runInTransaction } from '../database/transaction';
import type { ArticleLanguage } from './article-content';
import { Article, ArticleStatus } from './article.entity';

export interface ArticleFilter {
  eventId?: string;
  language?: ArticleLanguage;
  status?: ArticleStatus;
  /** Organization subtree root of the reader; null = all (admin). */
  scopeRoot: string | null;
  page: number;
  pageSize: number;
}

/** Articles: one per event and language. */
@Injectable()
export class ArticlesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return runInTransaction(this.db, work);
  }

  findById(id: string, manager: EntityManager = this.db.manager): Promise<Article | null> {
    return manager.findOneBy(Article, { id });
  }

  /** The row locked until the transaction of `manager` ends. */
  findByIdForUpdate(manager: EntityManager, id: string): Promise<Article | null> {
    return manager.findOne(Article, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  findByEventAndLanguage(eventId: string, language: ArticleLanguage, manager: EntityManager = this.db.manager): Promise<Article | null> {
    return manager.findOneBy(Article, { eventId, language });
  }

  /** The event's article in `language`, created as `generating` when there is none, and locked. Second value: whether it was created here. */
  async lockOrCreate(manager: EntityManager, eventId: string, language: ArticleLanguage): Promise<{ article: Article; created: boolean }> {
    const inserted: { id: string }[] = await manager.query(
      `INSERT INTO article (event_id, language, status) VALUES ($1, $2, 'generating')
       ON CONFLICT ON CONSTRAINT uq_article_event_language DO NOTHING RETURNING id`,
      [eventId, language],
    );
    const article = await manager.findOne(Article, { where: { eventId, language }, lock: { mode: 'pessimistic_write' } });
    return { article: article!, created: inserted.length > 0 };
  }

  save(article: Article, manager: EntityManager = this.db.manager): Promise<Article> {
    return manager.save(Article, article);
  }

  /**
   * Stores a finished generation, only if it is still the one asked for
   * (a newer request bumped `generation`, or the article was deleted): false otherwise.
   */
  async storeGenerated(id: string, generation: number, content: Pick<Article, 'dateline' | 'title' | 'lead' | 'paragraphs' | 'photos' | 'byline'>): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `UPDATE article SET status = 'draft', dateline = $3, title = $4, lead = $5, paragraphs = $6::jsonb, photos = $7::jsonb, byline = $8,
              edited_at = NULL, failure_reason = NULL, generated_at = now(), updated_at = now()
        WHERE id = $1 AND generation = $2 AND status = 'generating' RETURNING id`,
      [id, generation, content.dateline, content.title, content.lead, JSON.stringify(content.paragraphs), JSON.stringify(content.photos), content.byline],
    );
    return rows.length > 0;
  }

  /** Records why a generation failed; `final` makes the article `failed`, else it stays `generating` (a retry follows). */
  async recordFailure(id: string, generation: number, reason: string, final: boolean): Promise<void> {
    await this.db.query(
      `UPDATE article SET failure_reason = $3, status = CASE WHEN $4 THEN 'failed' ELSE status END, updated_at = now()
        WHERE id = $1 AND generation = $2 AND status = 'generating'`,
      [id, generation, reason.slice(0, 2000), final],
    );
  }

  async findPage(f: ArticleFilter): Promise<[Article[], number]> {
    const qb = this.db.manager.createQueryBuilder(Article, 'a');
    if (f.eventId) qb.andWhere('a.event_id = :eventId', { eventId: f.eventId });
    if (f.language) qb.andWhere('a.language = :language', { language: f.language });
    if (f.status) qb.andWhere('a.status = :status', { status: f.status });
    if (f.scopeRoot) {
      qb.andWhere(
        `EXISTS (SELECT 1 FROM event e JOIN organization o ON o.id = e.organization_id
                  WHERE e.id = a.event_id AND (o.id = :root OR o.path @> ARRAY[:root]::uuid[]))`,
        { root: f.scopeRoot },
      );
    }
    return qb.orderBy('a.updated_at', 'DESC').addOrderBy('a.id', 'ASC').skip((f.page - 1) * f.pageSize).take(f.pageSize).getManyAndCount();
  }

  /** Published articles in `language`, newest first (idx_article_published). */
  findPublishedPage(language: ArticleLanguage, page: number, pageSize: number): Promise<[Article[], number]> {
    return this.db.manager.findAndCount(Article, {
      where: { language, status: 'published' },
      order: { publishedAt: 'DESC', id: 'ASC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
  }

  findPublishedBySlug(slug: string): Promise<Article | null> {
    return this.db.manager.findOneBy(Article, { slug, status: 'published' });
  }

  async slugsLike(manager: EntityManager, base: string): Promise<string[]> {
    const rows: { slug: string }[] = await manager.query(`SELECT slug FROM article WHERE slug = $1 OR slug LIKE $2`, [base, `${base.replace(/[\\%_]/g, '\\$&')}-%`]);
    return rows.map((r) => r.slug);
  }
}
