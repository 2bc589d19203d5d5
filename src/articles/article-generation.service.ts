import { Injectable } from '@nestjs/common';
import { AuthUser } from '../auth/auth-user';
import { EventsService } from '../events/events.service';
import { ConflictError } from '../http/domain-errors';
import { OrganizationsService } from '../organizations/organizations.service';
import { OutboxService } from '../queue/outbox.service';
import { AuditService, auditActor } from '../audit/audit.service';
import { JobPayloads } from '../queue/jobs';
import { SessionsService } from '../sessions/sessions.service';
import type { ArticleSource } from './article-content';
import { Article, ArticleVersion } from './article.entity';
import { generateArticle } from './article-generator';
import { ArticlesRepository } from './articles.repository';
import { GenerateArticleDto } from './dto/article.dto';
import { photoUrl } from './photo-storage';
import { RecapRepository } from './recap.repository';

/**
 * A generation still `generating` after this long lost its job (e.g. BullMQ failed it as stalled
 * without running the processor): a new request starts another one instead of waiting for it.
 */
const STALE_GENERATION_MS = 5 * 60_000;

/** Events an article can be written about: it has happened, or is happening. */
const ARTICLE_EVENT_STATUSES = ['published', 'completed'];

/**
 * Generation of articles: the request (an article row marked `generating` and
 * an outbox row in one transaction) and the job that writes the text from the
 * event's data and its recap (article.generate, ArticleGenerateProcessor).
 */
@Injectable()
export class ArticleGenerationService {
  constructor(
    private readonly articles: ArticlesRepository,
    private readonly recaps: RecapRepository,
    private readonly events: EventsService,
    private readonly organizations: OrganizationsService,
    private readonly sessions: SessionsService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Queues the (re)generation of the event's article in `language`. An article
   * an editor changed is only overwritten when the caller says so, and its
   * edited text is then kept in previousVersion. A published article must be
   * unpublished first; one already being generated is returned as it is.
   */
  async request(user: AuthUser, eventId: string, dto: GenerateArticleDto): Promise<Article> {
    const event = await this.events.assertManageable(user, eventId);
    if (!ARTICLE_EVENT_STATUSES.includes(event.status)) {
      throw new ConflictError(`an article is written about a published or completed event; this one is ${event.status}`, { status: event.status }, { code: 'article.eventStatus', params: { eventStatus: event.status } });
    }
    return this.articles.transaction(async (manager) => {
      const { article, created } = await this.articles.lockOrCreate(manager, eventId, dto.language);
      const from = created ? null : article.status;
      if (!created) {
        // Already on its way; unless it has waited so long that its job was surely lost (then ask again).
        if (article.status === 'generating' && Date.now() - article.updatedAt.getTime() < STALE_GENERATION_MS) return article;
        if (article.status === 'published') {
          throw new ConflictError('the article is published; unpublish it before generating it again', { status: article.status }, { code: 'article.published' });
        }
        if (article.editedAt && dto.overwriteEdits !== true) {
          throw new ConflictError('the article was edited since it was generated; send overwriteEdits: true to replace the edits (the edited version is kept and can be restored)', { field: 'overwriteEdits', editedAt: article.editedAt.toISOString() }, { code: 'article.hasEdits' });
        }
        if (article.editedAt) article.previousVersion = versionOf(article);
        article.generation += 1;
        article.status = 'generating';
        article.failureReason = null;
        await this.articles.save(article, manager);
      }
      await this.outbox.add(manager, 'article.generate', { eventId, language: dto.language, articleId: article.id, generation: article.generation }, { key: `${article.id}-${article.generation}` });
      await this.audit.record(manager, {
        actor: auditActor(user),
        action: 'article.generate',
        entity: 'article',
        entityId: article.id,
        organizationId: event.organizationId,
        changes: { eventId, language: dto.language, generation: article.generation, status: { from, to: 'generating' }, ...(dto.overwriteEdits ? { overwriteEdits: true } : {}) },
      });
      return article;
    });
  }

  /**
   * The job: writes the article and stores it as a draft, unless the request
   * it answers is stale (a newer generation was asked for). The draft queued at
   * an event's completion (no articleId) is written only when the event has no
   * article in that language yet. Safe to run twice: the stored state decides.
   */
  async generate(payload: JobPayloads['article.generate'], isFinalAttempt: boolean): Promise<void> {
    let article: Article | null;
    if (payload.articleId) {
      article = await this.articles.findById(payload.articleId);
      if (!article || article.generation !== payload.generation || article.status !== 'generating') return;
    } else {
      const { article: found, created } = await this.articles.transaction((manager) => this.articles.lockOrCreate(manager, payload.eventId, payload.language));
      // An article that is not `generating` was written already (by this job before, or on request).
      if (!created && found.status !== 'generating') return;
      article = found;
    }
    try {
      const source = await this.source(article.eventId);
      if (!source) return; // the event was deleted, and the article with it
      const content = generateArticle(source, article.language, new Date());
      await this.articles.storeGenerated(article.id, article.generation, content);
    } catch (err) {
      await this.articles.recordFailure(article.id, article.generation, (err as Error).message ?? String(err), isFinalAttempt);
      throw err;
    }
  }

  /** What the article is written from; null when the event does not exist. */
  async source(eventId: string): Promise<ArticleSource | null> {
    const event = await this.events.findById(eventId);
    if (!event) return null;
    const [organizer, sessions, recap, photos, attendance] = await Promise.all([
      this.organizations.mustExist(event.organizationId),
      this.sessions.listForCheckedEvent(event),
      this.recaps.findRecap(eventId),
      this.recaps.listPhotos(eventId),
      this.recaps.attendance(eventId),
    ]);
    return {
      event: {
        kind: event.kind,
        title: event.title,
        titleEn: event.titleEn,
        audience: event.audience,
        audienceEn: event.audienceEn,
        startsAt: event.startsAt,
        endsAt: event.endsAt,
        timezone: event.timezone,
      },
      organizer: { name: organizer.name, nameEn: organizer.nameEn, abbreviation: organizer.abbreviation, locality: organizer.locality, shortName: organizer.shortName },
      officials: attendance.officials,
      delegates: { checkedIn: attendance.checkedInDelegates, confirmed: attendance.confirmedDelegates },
      sessions: sessions.map((s) => ({
        title: s.title,
        topic: s.topic,
        description: s.description,
        startsAt: new Date(s.startsAt),
        presenters: s.speakers.filter((sp) => sp.role === 'presenter').map((sp) => ({ honorific: sp.honorific, fullName: sp.fullName, affiliation: sp.affiliation })),
      })),
      recap: {
        highlights: recap?.highlights ?? [],
        highlightsEn: recap?.highlightsEn ?? [],
        outcome: recap?.outcome ?? null,
        outcomeEn: recap?.outcomeEn ?? null,
        quotes: recap?.quotes ?? [],
        author: recap?.author ?? null,
      },
      photos: photos.map((p) => ({ id: p.id, url: photoUrl(p.id), caption: p.caption, captionEn: p.captionEn })),
    };
  }
}

/** The article's current text, to be kept when a regeneration replaces it. */
export function versionOf(a: Article): ArticleVersion {
  return {
    dateline: a.dateline,
    title: a.title,
    lead: a.lead,
    paragraphs: a.paragraphs ?? [],
    photos: a.photos ?? [],
    byline: a.byline,
    editedAt: a.editedAt?.toISOString() ?? null,
    savedAt: new Date().toISOString(),
  };
}
