import { ApiProperty, ApiPropertyOptional, ApiSchema, ApiSchemaOptions } from '@nestjs/swagger';

/**
 * NestJS's error body as HttpExceptionFilter writes it. Domain errors add
 * details beside these fields (e.g. `field`, `status`, `eventStatus`), so the
 * schema allows other properties.
 */
@ApiSchema({ description: "NestJS's error shape; some errors add details beside these fields", additionalProperties: true } as ApiSchemaOptions)
export class ErrorDto {
  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 400 }) statusCode: number;
  /** A 400 from validation has one message per field; other errors have one message. */
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], example: ['title must not be empty'] }) message: string | string[];
  /** The status's reason phrase, e.g. `Bad Request`. */
  @ApiProperty({ example: 'Bad Request' }) error: string;
  /** The field a service-level 400 or 409 is about, when there is one. */
  @ApiPropertyOptional() field?: string;
  /** A 429: the limit that was reached (`registration`, `tokenMisses`, `linkResend`: RATE_LIMIT_*). */
  @ApiPropertyOptional({ example: 'registration' }) limit?: string;
}

/** One problem in an imported file. */
export class RowErrorDto {
  /** The line in the file (the header is row 1); 0 when the file cannot be read at all. */
  @ApiProperty({ type: 'integer', minimum: 0 }) row: number;
  @ApiProperty() field: string;
  @ApiProperty() message: string;
  /** The problem's catalog key (under `errors.importRow.`), for pages that word it in the reader's language. */
  @ApiPropertyOptional() code?: string;
  /** The values its text needs (e.g. `value`, `max`). */
  @ApiPropertyOptional({ type: 'object', additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }] } }) params?: Record<string, string | number>;
}

/** 422: a file that cannot be imported, with every bad row (nothing was imported). */
@ApiSchema({ additionalProperties: true } as ApiSchemaOptions)
export class ImportErrorDto extends ErrorDto {
  @ApiProperty({ type: [RowErrorDto] }) errors: RowErrorDto[];
}
