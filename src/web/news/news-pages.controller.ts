import { Get, Param, Query, Res } from '@nestjs/common';
import { ArticleContent, ArticleLanguage } from '../../articles/article-content';
import { bodyBlocks, renderHtml } from '../../articles/article-render';
import { ArticlesService } from '../../articles/articles.service';
import { ArticleDto } from '../../articles/dto/article.dto';
import { Public } from '../../auth/auth-user';
import { NotFoundError } from '../../http/domain-errors';
import type { FastifyReply } from '../../http/request';
import { isLocale, Translate, translator } from '../i18n/i18n';
import { WebController } from '../web-controller.decorator';
import { rssFeed } from './rss';

const PAGE_SIZE = 10;

/** Words of the article's language, whatever the visitor's page language (an article is in one language). */
interface NewsFrame {
  lang: ArticleLanguage;
  tr: Translate;
  /** Absolute URL of this page, and of the feed. */
  canonical: string;
  feedUrl: string;
}

/** View model of news/article.eta. */
interface ArticleView extends NewsFrame {
  article: { dateline: string; title: string; lead: string; byline: string | null };
  blocks: ReturnType<typeof bodyBlocks>;
  /** The other language's published article, for the `Tiếng Việt | English` switch. */
  switchTo: { vi: string | null; en: string | null } | null;
  share: { facebook: string; zalo: string; url: string };
  og: { title: string; description: string; image: string | null; imageAlt: string | null; publishedAt: string | null };
}

/** View model of news/list.eta. */
interface ListView extends NewsFrame {
  items: { title: string; lead: string; url: string; dateline: string; thumbnail: string | null }[];
  page: number;
  pages: number;
  otherLang: ArticleLanguage;
}

/**
 * The public news pages: published articles, newest first, per language, an
 * article page laid out as an organization's news page (share links, Open
 * Graph and Twitter card tags), and an RSS 2.0 feed.
 */
@WebController('news')
@Public()
export class NewsPagesController {
  constructor(private readonly articles: ArticlesService) {}

  @Get()
  async list(@Query('lang') langParam: unknown, @Query('page') pageParam: unknown, @Res() res: FastifyReply): Promise<void> {
    const lang = this.lang(langParam);
    const page = typeof pageParam === 'string' && /^[1-9][0-9]{0,5}$/.test(pageParam) ? Number(pageParam) : 1;
    const found = await this.articles.listPublished(lang, page, PAGE_SIZE);
    const view: ListView = {
      ...this.frame(lang, `/news?lang=${lang}${page > 1 ? `&page=${page}` : ''}`),
      items: found.items.map((a) => ({ title: a.title ?? '', lead: a.lead ?? '', url: `/news/${a.slug}`, dateline: a.dateline ?? '', thumbnail: a.photos[0] ? a.photos[0].url.replace(/\/web\.jpg$/, '/thumb.jpg') : null })),
      page,
      pages: Math.max(1, Math.ceil(found.total / PAGE_SIZE)),
      otherLang: lang === 'vi' ? 'en' : 'vi',
    };
    await res.view('news/list', view);
  }

  @Get('feed.xml')
  async feed(@Query('lang') langParam: unknown, @Res() res: FastifyReply): Promise<void> {
    const lang = this.lang(langParam);
    const { items } = await this.articles.listPublished(lang, 1, 30);
    const tr = translator(lang);
    const xml = rssFeed({
      title: tr('news.feedTitle'),
      description: tr('news.feedDescription'),
      link: this.articles.absolute(`/news?lang=${lang}`),
      self: this.articles.absolute(`/news/feed.xml?lang=${lang}`),
      language: lang,
      items: items.map((a: ArticleDto) => ({
        title: a.title ?? '',
        link: this.articles.absolute(`/news/${a.slug}`),
        guid: a.id,
        description: a.lead ?? '',
        // Feed readers show the article away from this site: photo URLs absolute.
        html: renderHtml({ language: a.language, dateline: a.dateline ?? '', title: a.title ?? '', lead: a.lead ?? '', paragraphs: a.paragraphs, photos: a.photos, byline: a.byline }, (u) => this.articles.absolute(u)),
        author: a.byline,
        publishedAt: a.publishedAt ? new Date(a.publishedAt) : new Date(a.updatedAt),
        image: a.photos[0] ? this.articles.absolute(a.photos[0].url) : null,
      })),
    });
    await res.header('Content-Type', 'application/rss+xml; charset=utf-8').send(xml);
  }

  @Get(':slug')
  async article(@Param('slug') slug: string, @Res() res: FastifyReply): Promise<void> {
    const found = /^[a-z0-9-]{1,120}$/.test(slug) ? await this.articles.findPublished(slug) : null;
    if (!found) throw new NotFoundError('Article', slug);
    const { article, content, counterpart } = found;
    const lang = article.language;
    const url = this.articles.absolute(`/news/${article.slug}`);
    const first = content.photos[0] ?? null;
    const view: ArticleView = {
      ...this.frame(lang, `/news/${article.slug}`),
      article: { dateline: content.dateline, title: content.title, lead: content.lead, byline: content.byline },
      blocks: bodyBlocks(content),
      switchTo: counterpart ? { vi: lang === 'vi' ? null : `/news/${counterpart.slug}`, en: lang === 'en' ? null : `/news/${counterpart.slug}` } : null,
      share: {
        url,
        facebook: `https://www.facebook.com/sharer/sharer.php?u=${encodeURIComponent(url)}`,
        zalo: `https://sp.zalo.me/plugins/share?href=${encodeURIComponent(url)}`,
      },
      og: { title: content.title, description: description(content), image: first ? this.articles.absolute(first.url) : null, imageAlt: first?.caption ?? null, publishedAt: article.publishedAt },
    };
    await res.view('news/article', view);
  }

  private lang(value: unknown): ArticleLanguage {
    return isLocale(value) ? value : 'vi';
  }

  private frame(lang: ArticleLanguage, path: string): NewsFrame {
    return { lang, tr: translator(lang), canonical: this.articles.absolute(path), feedUrl: this.articles.absolute(`/news/feed.xml?lang=${lang}`) };
  }
}

/** The lead, shortened for link previews. */
function description(c: ArticleContent): string {
  return c.lead.length <= 200 ? c.lead : `${c.lead.slice(0, 197).replace(/\s+\S*$/, '')}…`;
}
