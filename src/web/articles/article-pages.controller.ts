import { Body, Get, HttpStatus, PayloadTooLargeException, Post, Query, Req, Res } from '@nestjs/common';
import { FileTooLargeError } from '../../http/uploaded-file';
import { ArticleGenerationService } from '../../articles/article-generation.service';
import { ArticleLanguage, ARTICLE_LANGUAGES } from '../../articles/article-content';
import { ArticlesService } from '../../articles/articles.service';
import { ArticleDto, UpdateArticleDto } from '../../articles/dto/article.dto';
import { RecapDto, RecapInputDto, RECAP_LIMITS } from '../../articles/dto/recap.dto';
import { PHOTO_MAX_BYTES } from '../../articles/photo-storage';
import { readPhotoUpload } from '../../articles/photo-upload';
import { RecapService } from '../../articles/recap.service';
import { AuthUser, CurrentUser, Roles } from '../../auth/auth-user';
import { EventDto } from '../../events/dto/event.dto';
import { EventsService } from '../../events/events.service';
import { DomainError } from '../../http/domain-errors';
import type { FastifyReply, FastifyRequest } from '../../http/request';
import { UuidParam } from '../../http/uuid-param';
import { FieldErrors, validateForm } from '../forms';
import { WebController } from '../web-controller.decorator';

/** Empty quote rows the recap form offers beside the recorded ones. */
const SPARE_QUOTES = 2;
const QUOTE_FIELDS = ['personName', 'position', 'text', 'textEn'] as const;

type QuoteValues = Record<(typeof QUOTE_FIELDS)[number], string>;

/** View model of articles/recap.eta. */
interface RecapView {
  event: EventDto;
  recap: RecapDto;
  values: { highlights: string; highlightsEn: string; outcome: string; outcomeEn: string; author: string; quotes: QuoteValues[] };
  errors: FieldErrors;
  canEdit: boolean;
  articles: { language: ArticleLanguage; article: ArticleDto | null }[];
  /** The language whose regeneration waits for the editor's confirmation (it has edits). */
  confirm: ArticleLanguage | null;
  /** Catalog key of what just happened, or of why a photo was refused. */
  saved: string | null;
  photoError: string | null;
  maxPhotoMb: number;
}

/** View model of articles/editor.eta. */
interface EditorView {
  article: ArticleDto;
  event: EventDto;
  values: { title: string; lead: string; paragraphs: string; byline: string };
  errors: FieldErrors;
  formError: string | null;
  canEdit: boolean;
  saved: string | null;
}

/** Blank-line separated paragraphs of a textarea. */
const paragraphsOf = (text: unknown): string[] =>
  typeof text === 'string' ? text.replace(/\r\n?/g, '\n').split(/\n\s*\n/).map((p) => p.replace(/\s*\n\s*/g, ' ').trim()).filter(Boolean) : [];
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const SAVED = new Set(['recap', 'photo', 'photoDeleted', 'generating', 'article', 'published', 'unpublished', 'restored']);
const PHOTO_ERRORS = new Set(['photo.notImage', 'photo.unreadable', 'photo.missing', 'photo.tooLarge', 'photo.caption']);

/** The organizer's recap of an event (with photo upload and article generation) and the article editor. */
@WebController()
export class ArticlePagesController {
  constructor(
    private readonly events: EventsService,
    private readonly recaps: RecapService,
    private readonly generation: ArticleGenerationService,
    private readonly articles: ArticlesService,
  ) {}

  @Get('events/:id/recap')
  @Roles('organizer', 'leader')
  async recapPage(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Query() q: Record<string, unknown>, @Res() res: FastifyReply): Promise<void> {
    const recap = await this.recaps.get(user, id);
    const confirm = ARTICLE_LANGUAGES.find((l) => l === q.confirm) ?? null;
    const saved = typeof q.saved === 'string' && SAVED.has(q.saved) ? q.saved : null;
    const photoError = typeof q.photoError === 'string' && PHOTO_ERRORS.has(q.photoError) ? q.photoError : null;
    await this.renderRecap(res, user, id, recap, valuesOf(recap), {}, { confirm, saved, photoError });
  }

  @Post('events/:id/recap')
  @Roles('organizer')
  async saveRecap(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Body() body: Record<string, unknown>, @Res() res: FastifyReply): Promise<void> {
    const quotes: QuoteValues[] = [];
    for (let i = 0; i < RECAP_LIMITS.quotes + SPARE_QUOTES; i++) {
      const row = Object.fromEntries(QUOTE_FIELDS.map((f) => [f, str(body[`q${i}_${f}`])])) as QuoteValues;
      if (QUOTE_FIELDS.some((f) => row[f])) quotes.push(row);
    }
    const values = { highlights: str(body.highlights), highlightsEn: str(body.highlightsEn), outcome: str(body.outcome), outcomeEn: str(body.outcomeEn), author: str(body.author), quotes };
    const input = {
      highlights: paragraphsOf(values.highlights),
      highlightsEn: paragraphsOf(values.highlightsEn),
      ...(values.outcome ? { outcome: values.outcome } : {}),
      ...(values.outcomeEn ? { outcomeEn: values.outcomeEn } : {}),
      ...(values.author ? { author: values.author } : {}),
      quotes: quotes.map((row) => Object.fromEntries(QUOTE_FIELDS.filter((f) => row[f]).map((f) => [f, row[f]]))),
    };
    const { value, errors } = await validateForm(RecapInputDto, input);
    if (errors) {
      const recap = await this.recaps.get(user, id);
      return this.renderRecap(res, user, id, recap, values, errors, {}, HttpStatus.BAD_REQUEST);
    }
    await this.recaps.put(user, id, value);
    res.redirect(`/events/${id}/recap?saved=recap`, 303);
  }

  /** The upload form without script: one photo and its captions (the page's script sends several through the API). */
  @Post('events/:id/recap/photos')
  @Roles('organizer')
  async uploadPhoto(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    try {
      await this.recaps.addPhoto(user, id, await readPhotoUpload(req, PHOTO_MAX_BYTES));
      res.redirect(`/events/${id}/recap?saved=photo#photos`, 303);
    } catch (e) {
      // Over the limit: the page again at once (413, the rest of the body unread), with the catalog's message.
      if (e instanceof FileTooLargeError) {
        const recap = await this.recaps.get(user, id);
        return this.renderRecap(res, user, id, recap, valuesOf(recap), {}, { photoError: 'photo.tooLarge' }, HttpStatus.PAYLOAD_TOO_LARGE);
      }
      const code = e instanceof PayloadTooLargeException ? 'photo.tooLarge' : e instanceof DomainError && e.code.startsWith('photo.') ? e.code : (e as { getStatus?: () => number }).getStatus?.() === 400 ? 'photo.caption' : null;
      if (!code) throw e;
      res.redirect(`/events/${id}/recap?photoError=${code}#photos`, 303);
    }
  }

  @Post('events/:id/recap/photos/:photoId/delete')
  @Roles('organizer')
  async deletePhoto(@CurrentUser() user: AuthUser, @UuidParam() id: string, @UuidParam('photoId') photoId: string, @Res() res: FastifyReply): Promise<void> {
    await this.recaps.deletePhoto(user, photoId);
    res.redirect(`/events/${id}/recap?saved=photoDeleted#photos`, 303);
  }

  /** Generates (or regenerates) an article; an edited one first asks for confirmation. */
  @Post('events/:id/recap/articles')
  @Roles('organizer')
  async generate(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Body() body: Record<string, unknown>, @Res() res: FastifyReply): Promise<void> {
    const language = ARTICLE_LANGUAGES.find((l) => l === body.language) ?? 'vi';
    try {
      await this.generation.request(user, id, { language, overwriteEdits: body.overwriteEdits === 'true' });
      res.redirect(`/events/${id}/recap?saved=generating#articles`, 303);
    } catch (e) {
      if (e instanceof DomainError && e.code === 'article.hasEdits') return res.redirect(`/events/${id}/recap?confirm=${language}#articles`, 303);
      throw e;
    }
  }

  @Get('articles/:id/edit')
  @Roles('organizer', 'leader')
  async editor(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Query('saved') saved: unknown, @Res() res: FastifyReply): Promise<void> {
    const { article } = await this.articles.getForEditor(user, id);
    await this.renderEditor(res, user, article, editorValues(article), {}, null, typeof saved === 'string' && SAVED.has(saved) ? saved : null);
  }

  @Post('articles/:id/edit')
  @Roles('organizer')
  async saveArticle(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Body() body: Record<string, unknown>, @Res() res: FastifyReply): Promise<void> {
    const values = { title: str(body.title), lead: str(body.lead), paragraphs: typeof body.paragraphs === 'string' ? body.paragraphs : '', byline: str(body.byline) };
    const { value, errors } = await validateForm(UpdateArticleDto, { title: values.title, lead: values.lead, paragraphs: paragraphsOf(values.paragraphs), byline: values.byline });
    const { article } = await this.articles.getForEditor(user, id);
    if (errors) return this.renderEditor(res, user, article, values, errors, null, null, HttpStatus.BAD_REQUEST);
    try {
      await this.articles.update(user, id, value);
    } catch (e) {
      if (!(e instanceof DomainError) || e.status !== 409) throw e;
      return this.renderEditor(res, user, article, values, {}, e.code, null, e.status);
    }
    res.redirect(`/articles/${id}/edit?saved=article`, 303);
  }

  @Post('articles/:id/publish')
  @Roles('organizer')
  async publish(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Res() res: FastifyReply): Promise<void> {
    await this.articles.publish(user, id);
    res.redirect(`/articles/${id}/edit?saved=published`, 303);
  }

  @Post('articles/:id/unpublish')
  @Roles('organizer')
  async unpublish(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Res() res: FastifyReply): Promise<void> {
    await this.articles.unpublish(user, id);
    res.redirect(`/articles/${id}/edit?saved=unpublished`, 303);
  }

  @Post('articles/:id/restore')
  @Roles('organizer')
  async restore(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Res() res: FastifyReply): Promise<void> {
    await this.articles.restorePrevious(user, id);
    res.redirect(`/articles/${id}/edit?saved=restored`, 303);
  }

  private async renderRecap(
    res: FastifyReply,
    user: AuthUser,
    eventId: string,
    recap: RecapDto,
    values: RecapView['values'],
    errors: FieldErrors,
    extra: Partial<Pick<RecapView, 'confirm' | 'saved' | 'photoError'>>,
    status: number = HttpStatus.OK,
  ): Promise<void> {
    const event = await this.events.get(user, eventId);
    const { items } = await this.articles.list(user, { eventId, page: 1, pageSize: 10 });
    const quotes = [...values.quotes];
    for (let i = 0; i < SPARE_QUOTES; i++) quotes.push({ personName: '', position: '', text: '', textEn: '' });
    const articles = ARTICLE_LANGUAGES.map((language) => ({ language, article: items.find((a) => a.language === language) ?? null }));
    // "Being written" is old news once nothing is being written any more (the worker was quicker than the redirect).
    const saved = extra.saved === 'generating' && !articles.some((a) => a.article?.status === 'generating') ? null : (extra.saved ?? null);
    const view: RecapView = {
      event,
      recap,
      values: { ...values, quotes },
      errors,
      canEdit: user.role === 'admin' || user.role === 'organizer',
      articles,
      confirm: extra.confirm ?? null,
      saved,
      photoError: extra.photoError ?? null,
      maxPhotoMb: Math.round(PHOTO_MAX_BYTES / 1024 / 1024),
    };
    await res.status(status).view('articles/recap', view);
  }

  private async renderEditor(res: FastifyReply, user: AuthUser, article: ArticleDto, values: EditorView['values'], errors: FieldErrors, formError: string | null, saved: string | null, status: number = HttpStatus.OK): Promise<void> {
    const event = await this.events.get(user, article.eventId);
    const view: EditorView = { article, event, values, errors, formError, canEdit: user.role === 'admin' || user.role === 'organizer', saved };
    await res.status(status).view('articles/editor', view);
  }
}

function valuesOf(r: RecapDto): RecapView['values'] {
  return {
    highlights: r.highlights.join('\n\n'),
    highlightsEn: r.highlightsEn.join('\n\n'),
    outcome: r.outcome ?? '',
    outcomeEn: r.outcomeEn ?? '',
    author: r.author ?? '',
    quotes: r.quotes.map((q) => ({ personName: q.personName, position: q.position ?? '', text: q.text, textEn: q.textEn ?? '' })),
  };
}

function editorValues(a: ArticleDto): EditorView['values'] {
  return { title: a.title ?? '', lead: a.lead ?? '', paragraphs: a.paragraphs.join('\n\n'), byline: a.byline ?? '' };
}
