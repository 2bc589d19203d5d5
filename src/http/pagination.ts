import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { INT4_MAX } from './validation';

/** Largest page size a list answers. */
export const PAGE_SIZE_MAX = 500;

/**
 * A query-string integer: only plain decimal digits become a number. Anything
 * else (`1.5e308`, `1e3`, `0x10`, ` 1`, `abc`, ``, a repeated or nested
 * parameter) is left as it came, so `@IsInt()` refuses it with a 400 naming
 * the parameter. (`Number()` would read `1.5e308` as an integer and the
 * database would get an OFFSET of Infinity.)
 */
export const queryInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^[0-9]{1,16}$/.test(value) ? Number(value) : value);

const pageMessage = { message: `page must be an integer from 1 to ${INT4_MAX}` };
const pageSizeMessage = { message: `pageSize must be an integer from 1 to ${PAGE_SIZE_MAX}` };

/** `?page=1&pageSize=50` as api.md states; extend it in list query DTOs. */
export class PageQueryDto {
  /** 1-based; bounded so that the row offset stays an exact integer. */
  @ApiPropertyOptional({ type: 'integer', default: 1, minimum: 1, maximum: INT4_MAX })
  @IsOptional()
  @Transform(queryInt)
  @IsInt(pageMessage)
  @Min(1, pageMessage)
  @Max(INT4_MAX, pageMessage)
  page: number = 1;

  @ApiPropertyOptional({ type: 'integer', default: 50, minimum: 1, maximum: PAGE_SIZE_MAX })
  @IsOptional()
  @Transform(queryInt)
  @IsInt(pageSizeMessage)
  @Min(1, pageSizeMessage)
  @Max(PAGE_SIZE_MAX, pageSizeMessage)
  pageSize: number = 50;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export function toPage<E, T>(rows: E[], total: number, q: PageQueryDto, map: (e: E) => T): Page<T> {
  return { items: rows.map(map), total, page: q.page, pageSize: q.pageSize };
}

/** The page shape of api.md for the OpenAPI document: `{items, total, page, pageSize}`. */
export abstract class PageMetaDto {
  /** Rows matching the filters, over all pages. */
  @ApiProperty({ type: 'integer', minimum: 0 }) total: number;
  @ApiProperty({ type: 'integer', minimum: 1 }) page: number;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: PAGE_SIZE_MAX }) pageSize: number;
}
