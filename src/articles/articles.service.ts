import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { diff } from '../audit/audit-actions';
import { AuditService, auditActor } from '../audit/audit.service';
import { AuthUser } from '../auth/auth-user';
import { APP_CONFIG, AppConfig } from '../config/config';
import { isUniqueViolation } from '../database/constraint-errors';
import { slugify } from '../events/slug';
import { EventsService } from '../events/events.service';
import { ConflictError, NotFoundError } from '../http/domain-errors';
import { Page, toPage } from '../http/pagination';
import { OrganizationScopeService } from '../organizations/organization-scope.service';
import type { ArticleContent, ArticleLanguage } from './article-content';
import { Article } from './article.entity';
import { versionOf } from './article-generation.service';
import { datelineFor } from './article-generator';
import { renderHtml, renderMarkdown } from './article-render';
import { ArticlesRepository } from './articles.repository';
import { ArticleDto, ListArticlesQueryDto, UpdateArticleDto } from './dto/article.dto';

/** A published article as the public pages show it (no entity leaves the domain). */
export interface PublicArticle {
  article: ArticleDto;
  content: ArticleContent;
  /** The same event's article in the other language, when it is published too. */
  counterpart: { language: ArticleLanguage; slug: string } | null;
}

/**
 * Editing, publishing and reading articles. Editors change the text freely;
 * publishing gives the article its slug once (Vietnamese without diacritics,
 * unique) and keeps it through unpublishing, so shared links never break.
 */
@Injectable()
export class ArticlesService {
  constructor(
    private readonly articles: ArticlesRepository,
    private readonly events: EventsService,
    private readonly scope: OrganizationScopeService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  async get(user: AuthUser, id: string): Promise<ArticleDto> {
    const article = await this.mustFind(id);
    await this.events.assertReadable(user, article.eventId);
    return this.toDto(article);
  }

  async list(user: AuthUser, q: ListArticlesQueryDto): Promise<Page<ArticleDto>> {
    if (q.eventId) await this.events.assertReadable(user, q.eventId);
    const [rows, total] = await this.articles.findPage({ eventId: q.eventId, language: q.language, status: q.status, scopeRoot: this.scope.scopeRoot(user), page: q.page, pageSize: q.pageSize });
    return toPage(rows, total, q, (a) => this.toDto(a));
  }

  /** An editor's change: the article then counts as edited (a regeneration asks before replacing it). */
  async update(user: AuthUser, id: string, dto: UpdateArticleDto): Promise<ArticleDto> {
    const { eventId } = await this.mustFind(id);
    const event = await this.events.assertManageable(user, eventId);
    return this.toDto(
      await this.articles.transaction(async (manager) => {
        const article = (await this.articles.findByIdForUpdate(manager, id))!;
        if (article.status !== 'draft' && article.status !== 'published') {
          throw new ConflictError(`the article is ${article.status}; it can be edited once it is generated`, { status: article.status }, { code: 'article.notEditable', params: { articleStatus: article.status } });
        }
        const before = { ...article };
        if (dto.title !== undefined) article.title = dto.title;
        if (dto.lead !== undefined) article.lead = dto.lead;
        if (dto.paragraphs !== undefined) article.paragraphs = dto.paragraphs;
        if (dto.byline !== undefined) article.byline = dto.byline === '' ? null : dto.byline;
        article.editedAt = new Date();
        const saved = await this.articles.save(article, manager);
        const changes = diff(before, saved, ['title', 'lead', 'paragraphs', 'byline']);
        if (Object.keys(changes).length) await this.record(manager, user, 'article.update', saved, event.organizationId, changes);
        return saved;
      }),
    );
  }

  /** Brings back the edited text a regeneration replaced; the replaced generated text becomes the previous version. */
  async restorePrevious(user: AuthUser, id: string): Promise<ArticleDto> {
    const { eventId } = await this.mustFind(id);
    const event = await this.events.assertManageable(user, eventId);
    return this.toDto(
      await this.articles.transaction(async (manager) => {
        const article = (await this.articles.findByIdForUpdate(manager, id))!;
        const previous = article.previousVersion;
        if (!previous) throw new ConflictError('the article has no previous version to restore', {}, { code: 'article.noPrevious' });
        if (article.status !== 'draft') {
          throw new ConflictError(`the article is ${article.status}; a previous version can be restored into a draft`, { status: article.status }, { code: 'article.notEditable', params: { articleStatus: article.status } });
        }
        const current = versionOf(article);
        Object.assign(article, { dateline: previous.dateline, title: previous.title, lead: previous.lead, paragraphs: previous.paragraphs, photos: previous.photos, byline: previous.byline });
        article.editedAt = new Date();
        article.previousVersion = current;
        const saved = await this.articles.save(article, manager);
        await this.record(manager, user, 'article.restore-previous', saved, event.organizationId, { title: { from: current.title, to: saved.title } });
        return saved;
      }),
    );
  }

  /** Publishes a draft (again publishing a published one changes nothing). */
  async publish(user: AuthUser, id: string): Promise<ArticleDto> {
    const { eventId } = await this.mustFind(id);
    const event = await this.events.assertManageable(user, eventId);
    for (let attempt = 0; ; attempt++) {
      try {
        return this.toDto(
          await this.articles.transaction(async (manager) => {
            const article = (await this.articles.findByIdForUpdate(manager, id))!;
            if (article.status === 'published') return article;
            if (article.status !== 'draft') {
              throw new ConflictError(`only a draft can be published; the article is ${article.status}`, { status: article.status }, { code: 'article.notDraft', params: { articleStatus: article.status } });
            }
            if (!article.slug) article.slug = await this.freeSlug(manager, article.title ?? '');
            article.status = 'published';
            article.publishedAt = new Date();
            // The dateline is the publication time (articles.md rule 1).
            article.dateline = datelineFor(article.language, article.publishedAt, event.timezone);
            const saved = await this.articles.save(article, manager);
            await this.record(manager, user, 'article.publish', saved, event.organizationId, { status: { from: 'draft', to: 'published' }, slug: saved.slug });
            return saved;
          }),
        );
      } catch (err) {
        // Two articles published at once with the same title: the second takes the next free slug.
        if (attempt < 3 && isUniqueViolation(err, 'uq_article_slug')) continue;
        throw err;
      }
    }
  }

  async unpublish(user: AuthUser, id: string): Promise<ArticleDto> {
    const { eventId } = await this.mustFind(id);
    const event = await this.events.assertManageable(user, eventId);
    return this.toDto(
      await this.articles.transaction(async (manager) => {
        const article = (await this.articles.findByIdForUpdate(manager, id))!;
        if (article.status === 'draft') return article;
        if (article.status !== 'published') {
          throw new ConflictError(`only a published article can be unpublished; the article is ${article.status}`, { status: article.status }, { code: 'article.notPublished', params: { articleStatus: article.status } });
        }
        article.status = 'draft';
        article.publishedAt = null;
        const saved = await this.articles.save(article, manager);
        await this.record(manager, user, 'article.unpublish', saved, event.organizationId, { status: { from: 'published', to: 'draft' } });
        return saved;
      }),
    );
  }

  // ---- Public pages ----

  async listPublished(language: ArticleLanguage, page: number, pageSize: number): Promise<Page<ArticleDto>> {
    const [rows, total] = await this.articles.findPublishedPage(language, page, pageSize);
    return toPage(rows, total, { page, pageSize }, (a) => this.toDto(a));
  }

  async findPublished(slug: string): Promise<PublicArticle | null> {
    const article = await this.articles.findPublishedBySlug(slug);
    if (!article) return null;
    const other = await this.articles.findByEventAndLanguage(article.eventId, article.language === 'vi' ? 'en' : 'vi');
    return {
      article: this.toDto(article),
      content: contentOf(article),
      counterpart: other?.status === 'published' && other.slug ? { language: other.language, slug: other.slug } : null,
    };
  }

  /** The article for the editor's pages (any status). */
  async getForEditor(user: AuthUser, id: string): Promise<{ article: ArticleDto; content: ArticleContent }> {
    const article = await this.mustFind(id);
    await this.events.assertReadable(user, article.eventId);
    return { article: this.toDto(article), content: contentOf(article) };
  }

  /** An absolute URL under APP_URL (links in feeds, Open Graph tags, share buttons). */
  absolute(path: string): string {
    return /^https?:\/\//.test(path) ? path : `${this.config.appUrl}${path}`;
  }

  toDto(a: Article): ArticleDto {
    const content = contentOf(a);
    const generated = a.title !== null;
    const previous = a.previousVersion;
    return {
      id: a.id,
      eventId: a.eventId,
      language: a.language,
      status: a.status,
      dateline: a.dateline,
      title: a.title,
      lead: a.lead,
      paragraphs: content.paragraphs,
      photos: content.photos,
      byline: a.byline,
      html: generated ? renderHtml(content) : null,
      markdown: generated ? renderMarkdown(content, (u) => this.absolute(u)) : null,
      slug: a.slug,
      publicUrl: a.status === 'published' && a.slug ? this.absolute(`/news/${a.slug}`) : null,
      publishedAt: a.publishedAt?.toISOString() ?? null,
      failureReason: a.failureReason,
      editedAt: a.editedAt?.toISOString() ?? null,
      generatedAt: a.generatedAt?.toISOString() ?? null,
      previousVersion: previous ? { title: previous.title, lead: previous.lead, paragraphs: previous.paragraphs, byline: previous.byline, editedAt: previous.editedAt, savedAt: previous.savedAt } : null,
      updatedAt: a.updatedAt.toISOString(),
    };
  }

  private record(manager: EntityManager, user: AuthUser, action: string, a: Article, organizationId: string, changes: Record<string, unknown>): Promise<void> {
    return this.audit.record(manager, { actor: auditActor(user), action, entity: 'article', entityId: a.id, organizationId, changes: { eventId: a.eventId, language: a.language, ...changes } });
  }

  private async mustFind(id: string): Promise<Article> {
    const article = await this.articles.findById(id);
    if (!article) throw new NotFoundError('Article', id);
    return article;
  }

  /** `slugify(title)`, or with `-2`, `-3`, ... when taken (the unique index decides under races). */
  private async freeSlug(manager: Parameters<ArticlesRepository['slugsLike']>[0], title: string): Promise<string> {
    // At most 100 characters, cut between words.
    const full = slugify(title, 1000);
    const base = full.length <= 100 ? full : full.slice(0, 101).replace(/-[^-]*$/, '');
    const taken = new Set(await this.articles.slugsLike(manager, base));
    if (!taken.has(base)) return base;
    for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
  }
}

export function contentOf(a: Article): ArticleContent {
  return { language: a.language, dateline: a.dateline ?? '', title: a.title ?? '', lead: a.lead ?? '', paragraphs: a.paragraphs ?? [], photos: a.photos ?? [], byline: a.byline };
}
