import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../http/pagination';
import { schemaPattern } from '../../http/schema-pattern';
import { AuditLog } from '../audit-log.entity';
import { SingleLine } from '../../http/single-line';

// Fields in range (a `+99:99` offset or a 13th month would make an Invalid Date, not a 400).
const ISO_WITH_OFFSET = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?(Z|[+-](0\d|1[0-4]):?[0-5]\d)$/i;
// A `+` in a query string arrives as a space.
const plusFromQuery = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.replace(/ (\d{2}:?\d{2})$/, '+$1') : value);
const timeMessage = (field: string) => ({ message: `${field} must be an ISO 8601 time, e.g. 2025-03-10T08:00:00+07:00` });

/** One audit entry: who (`actorId`, `actorEmail`; null for the system or a visitor) did `action` to which entity, when. */
export class AuditEntryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) actorId: string | null;
  @ApiProperty({ nullable: true, type: String }) actorEmail: string | null;
  @ApiProperty({ example: 'user.update' }) action: string;
  @ApiProperty({ example: 'user' }) entity: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) entityId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) organizationId: string | null;
  /** What changed, e.g. `{"role": {"from": "organizer", "to": "staff"}}`; never a secret. */
  @ApiProperty({ type: 'object', additionalProperties: true }) changes: Record<string, unknown>;

  static from(a: AuditLog): AuditEntryDto {
    return {
      id: a.id,
      at: a.at.toISOString(),
      actorId: a.actorId,
      actorEmail: a.actorEmail,
      action: a.action,
      entity: a.entity,
      entityId: a.entityId,
      organizationId: a.organizationId,
      changes: a.changes,
    };
  }
}

export class AuditPageDto extends PageMetaDto {
  @ApiProperty({ type: [AuditEntryDto] }) items: AuditEntryDto[];
}

export class ListAuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'actorId must be a UUID' })
  actorId?: string;

  /** e.g. `user`. */
  @ApiPropertyOptional({ minLength: 1, maxLength: 50 })
  @IsOptional()
  @IsString({ message: 'entity must be a string' })
  @SingleLine()
  @MinLength(1, { message: 'entity must not be empty' })
  @MaxLength(50, { message: 'entity must be at most 50 characters' })
  entity?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'entityId must be a UUID' })
  entityId?: string;

  /** What was done, e.g. `event.publish` or `registration.check-in-undo` (`<entity>.<verb>`, exact). */
  @ApiPropertyOptional({ minLength: 1, maxLength: 50, example: 'event.publish' })
  @IsOptional()
  @IsString({ message: 'action must be a string' })
  @SingleLine()
  @MinLength(1, { message: 'action must not be empty' })
  @MaxLength(50, { message: 'action must be at most 50 characters' })
  action?: string;

  /** Entries about this unit or any unit below it. */
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'organizationId must be a UUID' })
  organizationId?: string;

  @ApiPropertyOptional({ example: '2025-01-01T00:00:00+07:00', pattern: schemaPattern(ISO_WITH_OFFSET) })
  @IsOptional()
  @Transform(plusFromQuery)
  @Matches(ISO_WITH_OFFSET, timeMessage('from'))
  from?: string;

  @ApiPropertyOptional({ example: '2025-12-31T23:59:59+07:00', pattern: schemaPattern(ISO_WITH_OFFSET) })
  @IsOptional()
  @Transform(plusFromQuery)
  @Matches(ISO_WITH_OFFSET, timeMessage('to'))
  to?: string;
}
