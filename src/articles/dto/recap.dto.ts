import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { trim } from '../../http/transforms';
import { MultiLine, SingleLine } from '../../http/single-line';

/** Limits of a recap: generous for a news article, bounded for the database and the page. */
export const RECAP_LIMITS = { paragraphs: 20, paragraph: 5000, quotes: 20, quote: 2000, name: 200 } as const;

export class QuoteInputDto {
  @ApiProperty({ example: 'Trần Văn Nam', minLength: 1, maxLength: RECAP_LIMITS.name })
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MinLength(1, { message: 'personName must not be empty' })
  @MaxLength(RECAP_LIMITS.name)
  personName: string;

  @ApiPropertyOptional({ example: 'Chủ tịch LĐLĐ tỉnh', maxLength: RECAP_LIMITS.name })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MaxLength(RECAP_LIMITS.name)
  position?: string;

  /** As said, in Vietnamese. */
  @ApiProperty({ minLength: 1, maxLength: RECAP_LIMITS.quote })
  @Transform(trim)
  @IsString()
  @MultiLine()
  @MinLength(1, { message: 'text must not be empty' })
  @MaxLength(RECAP_LIMITS.quote)
  text: string;

  /** For the English article; without it the Vietnamese text is used. */
  @ApiPropertyOptional({ maxLength: RECAP_LIMITS.quote })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MultiLine()
  @MaxLength(RECAP_LIMITS.quote)
  textEn?: string;
}

const paragraphs = ({ value }: { value: unknown }) => (Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim() : v)).filter((v) => v !== '') : value);

/** PUT /events/:id/recap: the whole recap (a field left out is emptied). */
export class RecapInputDto {
  /** Paragraphs of the article's body, as written, in order (empty ones are dropped). */
  @ApiPropertyOptional({ type: 'array', items: { type: 'string', maxLength: RECAP_LIMITS.paragraph }, maxItems: RECAP_LIMITS.paragraphs })
  @IsOptional()
  @Transform(paragraphs)
  @IsArray()
  @ArrayMaxSize(RECAP_LIMITS.paragraphs)
  @IsString({ each: true })
  @MultiLine({ each: true })
  @MaxLength(RECAP_LIMITS.paragraph, { each: true })
  highlights?: string[];

  @ApiPropertyOptional({ type: 'array', items: { type: 'string', maxLength: RECAP_LIMITS.paragraph }, maxItems: RECAP_LIMITS.paragraphs })
  @IsOptional()
  @Transform(paragraphs)
  @IsArray()
  @ArrayMaxSize(RECAP_LIMITS.paragraphs)
  @IsString({ each: true })
  @MultiLine({ each: true })
  @MaxLength(RECAP_LIMITS.paragraph, { each: true })
  highlightsEn?: string[];

  /** What the event achieved: one paragraph near the end. */
  @ApiPropertyOptional({ maxLength: RECAP_LIMITS.paragraph })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MultiLine()
  @MaxLength(RECAP_LIMITS.paragraph)
  outcome?: string;

  @ApiPropertyOptional({ maxLength: RECAP_LIMITS.paragraph })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MultiLine()
  @MaxLength(RECAP_LIMITS.paragraph)
  outcomeEn?: string;

  @ApiPropertyOptional({ type: [QuoteInputDto], maxItems: RECAP_LIMITS.quotes })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(RECAP_LIMITS.quotes)
  @ValidateNested({ each: true })
  @Type(() => QuoteInputDto)
  quotes?: QuoteInputDto[];

  /** The byline: who wrote the article. */
  @ApiPropertyOptional({ example: 'Minh Anh', maxLength: RECAP_LIMITS.name })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MaxLength(RECAP_LIMITS.name)
  author?: string;
}

export class QuoteDto {
  @ApiProperty() personName: string;
  @ApiProperty({ nullable: true, type: String }) position: string | null;
  @ApiProperty() text: string;
  @ApiProperty({ nullable: true, type: String }) textEn: string | null;
}

export class PhotoDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) eventId: string;
  /** The web-sized copy (at most 1600 px on its longer side), JPEG without EXIF metadata. */
  @ApiProperty({ example: '/api/v1/public/photos/0b6c.../web.jpg' }) url: string;
  /** A 400 px thumbnail. */
  @ApiProperty({ example: '/api/v1/public/photos/0b6c.../thumb.jpg' }) thumbnailUrl: string;
  @ApiProperty() caption: string;
  @ApiProperty({ nullable: true, type: String }) captionEn: string | null;
  @ApiProperty({ type: 'integer' }) width: number;
  @ApiProperty({ type: 'integer' }) height: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class RecapDto {
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty({ type: [String] }) highlights: string[];
  @ApiProperty({ type: [String] }) highlightsEn: string[];
  @ApiProperty({ nullable: true, type: String }) outcome: string | null;
  @ApiProperty({ nullable: true, type: String }) outcomeEn: string | null;
  @ApiProperty({ type: [QuoteDto] }) quotes: QuoteDto[];
  @ApiProperty({ nullable: true, type: String }) author: string | null;
  /** In upload order. */
  @ApiProperty({ type: [PhotoDto] }) photos: PhotoDto[];
  /** null until the recap is first saved. */
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) updatedAt: string | null;
}

/** The text fields of POST /events/:id/photos (multipart, beside `file`). */
export class PhotoFieldsDto {
  @ApiProperty({ minLength: 1, maxLength: 500 })
  @Transform(trim)
  @IsString({ message: 'caption must be text' })
  @SingleLine()
  @MinLength(1, { message: 'caption must not be empty' })
  @MaxLength(500)
  caption: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @Transform(trim)
  @IsString({ message: 'captionEn must be text' })
  @SingleLine()
  @MaxLength(500)
  captionEn?: string;
}

/** The photo upload as the OpenAPI document shows it. */
export class PhotoUploadDto extends PhotoFieldsDto {
  /** JPEG, PNG or WebP, at most 15 MB; checked by its content, not its name. */
  @ApiProperty({ type: 'string', format: 'binary' }) file: unknown;
}

export class PhotoCreatedDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() url: string;
  @ApiProperty({ type: PhotoDto }) photo: PhotoDto;
}
