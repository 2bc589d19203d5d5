import { Body, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '../auth/auth-user';
import { ApiController, ApiErrors } from '../http/api-controller.decorator';
import { Page } from '../http/pagination';
import { UuidParam } from '../http/uuid-param';
import { ArticlesService } from './articles.service';
import { ArticleDto, ArticlePageDto, ListArticlesQueryDto, UpdateArticleDto } from './dto/article.dto';

@ApiController('articles', 'recap and articles')
export class ArticlesController {
  constructor(private readonly articles: ArticlesService) {}

  @Get()
  @Roles('organizer', 'leader')
  @ApiOkResponse({ type: ArticlePageDto })
  list(@CurrentUser() user: AuthUser, @Query() q: ListArticlesQueryDto): Promise<Page<ArticleDto>> {
    return this.articles.list(user, q);
  }

  @Get(':id')
  @Roles('organizer', 'leader')
  @ApiOkResponse({ type: ArticleDto })
  get(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<ArticleDto> {
    return this.articles.get(user, id);
  }

  /** An editor's change of the text; the article then counts as edited. */
  @Patch(':id')
  @Roles('organizer')
  @ApiOkResponse({ type: ArticleDto })
  @ApiErrors({ 409: 'the article is still being generated, or its generation failed' })
  update(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Body() dto: UpdateArticleDto): Promise<ArticleDto> {
    return this.articles.update(user, id, dto);
  }

  /** Publishes a draft at `/news/<slug>` (the slug is given once and kept). */
  @Post(':id/publish')
  @HttpCode(200)
  @Roles('organizer')
  @ApiOkResponse({ type: ArticleDto })
  @ApiErrors({ 409: 'the article is not a draft (being generated, or failed)' })
  publish(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<ArticleDto> {
    return this.articles.publish(user, id);
  }

  @Post(':id/unpublish')
  @HttpCode(200)
  @Roles('organizer')
  @ApiOkResponse({ type: ArticleDto })
  @ApiErrors({ 409: 'the article is being generated or failed' })
  unpublish(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<ArticleDto> {
    return this.articles.unpublish(user, id);
  }

  /** Brings back the edited text the last regeneration replaced. */
  @Post(':id/restore-previous')
  @HttpCode(200)
  @Roles('organizer')
  @ApiOkResponse({ type: ArticleDto })
  @ApiErrors({ 409: 'there is no previous version, or the article is not a draft' })
  restorePrevious(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<ArticleDto> {
    return this.articles.restorePrevious(user, id);
  }
}
