import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../http/pagination';
import { trim } from '../../http/transforms';
import { ARTICLE_LANGUAGES, ArticleLanguage } from '../article-content';
import { ARTICLE_STATUSES, ArticleStatus } from '../article.entity';
import { MultiLine, SingleLine } from '../../http/single-line';

export const ARTICLE_LIMITS = { title: 500, lead: 3000, paragraphs: 100, paragraph: 10000, byline: 200 } as const;

export class GenerateArticleDto {
  @ApiProperty({ enum: ARTICLE_LANGUAGES })
  @IsIn(ARTICLE_LANGUAGES, { message: `language must be one of ${ARTICLE_LANGUAGES.join(', ')}` })
  language: ArticleLanguage;

  /**
   * The article exists and an editor changed it: regenerating replaces those edits, so it must be
   * asked for (409 naming this field otherwise). The edited version is kept (previousVersion) and can be restored.
   */
  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean({ message: 'overwriteEdits must be true or false' })
  overwriteEdits?: boolean;
}

export class UpdateArticleDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: ARTICLE_LIMITS.title })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MinLength(1, { message: 'title must not be empty' })
  @MaxLength(ARTICLE_LIMITS.title)
  title?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: ARTICLE_LIMITS.lead })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MultiLine()
  @MinLength(1, { message: 'lead must not be empty' })
  @MaxLength(ARTICLE_LIMITS.lead)
  lead?: string;

  /** The whole body after the lead, one string per paragraph (empty ones are dropped); photos keep their places. */
  @ApiPropertyOptional({ type: 'array', items: { type: 'string', maxLength: ARTICLE_LIMITS.paragraph }, maxItems: ARTICLE_LIMITS.paragraphs })
  @IsOptional()
  @Transform(({ value }) => (Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim() : v)).filter((v) => v !== '') : value))
  @IsArray()
  @ArrayMaxSize(ARTICLE_LIMITS.paragraphs)
  @IsString({ each: true })
  @MultiLine({ each: true })
  @MaxLength(ARTICLE_LIMITS.paragraph, { each: true })
  paragraphs?: string[];

  /** '' removes the byline. */
  @ApiPropertyOptional({ maxLength: ARTICLE_LIMITS.byline })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MaxLength(ARTICLE_LIMITS.byline)
  byline?: string;
}

export class ListArticlesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'eventId must be a UUID' })
  eventId?: string;

  @ApiPropertyOptional({ enum: ARTICLE_LANGUAGES })
  @IsOptional()
  @IsIn(ARTICLE_LANGUAGES, { message: `language must be one of ${ARTICLE_LANGUAGES.join(', ')}` })
  language?: ArticleLanguage;

  @ApiPropertyOptional({ enum: ARTICLE_STATUSES })
  @IsOptional()
  @IsIn(ARTICLE_STATUSES, { message: `status must be one of ${ARTICLE_STATUSES.join(', ')}` })
  status?: ArticleStatus;
}

export class ArticlePhotoDto {
  @ApiProperty({ format: 'uuid' }) photoId: string;
  @ApiProperty() url: string;
  @ApiProperty() caption: string;
  /** Shown after this paragraph; 0 = right after the lead. */
  @ApiProperty({ type: 'integer', minimum: 0 }) afterParagraph: number;
}

export class ArticleVersionDto {
  @ApiProperty({ nullable: true, type: String }) title: string | null;
  @ApiProperty({ nullable: true, type: String }) lead: string | null;
  @ApiProperty({ type: [String] }) paragraphs: string[];
  @ApiProperty({ nullable: true, type: String }) byline: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) editedAt: string | null;
  /** When a regeneration set it aside. */
  @ApiProperty({ format: 'date-time' }) savedAt: string;
}

@ApiExtraModels(ArticleVersionDto)
export class ArticleDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty({ enum: ARTICLE_LANGUAGES }) language: ArticleLanguage;
  @ApiProperty({ enum: ARTICLE_STATUSES }) status: ArticleStatus;
  /** The publication time as the article prints it (`16/03/2026 - 09:30`; `16 March 2026, 09:30`). */
  @ApiProperty({ nullable: true, type: String }) dateline: string | null;
  @ApiProperty({ nullable: true, type: String }) title: string | null;
  @ApiProperty({ nullable: true, type: String }) lead: string | null;
  @ApiProperty({ type: [String] }) paragraphs: string[];
  @ApiProperty({ type: [ArticlePhotoDto] }) photos: ArticlePhotoDto[];
  @ApiProperty({ nullable: true, type: String }) byline: string | null;
  /** The article rendered as an HTML fragment, every text escaped; null until generated. */
  @ApiProperty({ nullable: true, type: String }) html: string | null;
  @ApiProperty({ nullable: true, type: String }) markdown: string | null;
  /** Given at the first publication and kept. */
  @ApiProperty({ nullable: true, type: String }) slug: string | null;
  /** The public page (`APP_URL/news/<slug>`) while published. */
  @ApiProperty({ nullable: true, type: String }) publicUrl: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) publishedAt: string | null;
  /** Why the last generation failed (status failed), or the last attempt's error while it is retried. */
  @ApiProperty({ nullable: true, type: String }) failureReason: string | null;
  /** When an editor last changed it; null while it is as generated. */
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) editedAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) generatedAt: string | null;
  /** The edited version the last regeneration replaced (POST /articles/:id/restore-previous brings it back). */
  @ApiProperty({ nullable: true, allOf: [{ $ref: getSchemaPath(ArticleVersionDto) }] }) previousVersion: ArticleVersionDto | null;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class ArticlePageDto extends PageMetaDto {
  @ApiProperty({ type: [ArticleDto] }) items: ArticleDto[];
}
