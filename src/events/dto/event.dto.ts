import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsTimeZone, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { INT4_MAX } from '../../http/validation';
import { PageMetaDto, PageQueryDto } from '../../http/pagination';
import { EVENT_KINDS, EVENT_STATUSES, EventKind, EventStatus, REGISTRATION_MODES, RegistrationMode, TrainingEvent } from '../event.entity';
import { ISO_WITH_OFFSET, REQUEST_TIME, toLocalIso } from '../event-time';
import { trim } from '../../http/transforms';
import { schemaPattern } from '../../http/schema-pattern';
import { MultiLine, SingleLine } from '../../http/single-line';

/** An ISO 8601 time with an offset, or a wall time without one (read in the event's `timezone`). */
const TIME = REQUEST_TIME;
// An unencoded `+07:00` in a query string arrives as ` 07:00`.
const plusFromQuery = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.replace(/ (\d{2}:?\d{2})$/, '+$1') : value);
const timeMessage = (field: string) => ({ message: `${field} must be an ISO 8601 time, e.g. 2025-03-10T08:00:00+07:00` });

export class EventDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  /** Public page: /e/:slug */
  @ApiProperty() slug: string;
  @ApiProperty({ enum: EVENT_KINDS }) kind: EventKind;
  @ApiProperty() title: string;
  @ApiProperty({ nullable: true, type: String }) titleEn: string | null;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ nullable: true, type: String }) descriptionEn: string | null;
  @ApiProperty({ nullable: true, type: String }) audience: string | null;
  @ApiProperty({ nullable: true, type: String }) audienceEn: string | null;
  @ApiProperty({ format: 'uuid' }) organizationId: string;
  @ApiProperty({ nullable: true, type: String }) venue: string | null;
  /** UTC, e.g. 2025-03-10T01:00:00.000Z */
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'date-time' }) endsAt: string;
  /** Start as wall time in `timezone` with its offset, for display, e.g. 2025-03-10T08:00:00+07:00 */
  @ApiProperty({ example: '2025-03-10T08:00:00+07:00' }) startsAtLocal: string;
  @ApiProperty({ example: '2025-03-10T17:00:00+07:00' }) endsAtLocal: string;
  /** IANA zone the event is shown in. */
  @ApiProperty({ example: 'Asia/Ho_Chi_Minh' }) timezone: string;
  /** Seats for confirmed delegates; null = unlimited. */
  @ApiProperty({ nullable: true, type: Number }) capacity: number | null;
  /** Confirmed delegates counted against capacity. */
  @ApiProperty() confirmedCount: number;
  @ApiProperty() waitlist: boolean;
  @ApiProperty({ enum: REGISTRATION_MODES }) registrationMode: RegistrationMode;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) registrationOpensAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) registrationClosesAt: string | null;
  /** Hours before the start when confirmed delegates get a reminder. */
  @ApiProperty() reminderHoursBefore: number;
  @ApiProperty({ enum: EVENT_STATUSES }) status: EventStatus;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) publishedAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) completedAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) cancelledAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;

  static from(e: TrainingEvent): EventDto {
    const iso = (d: Date | null) => (d ? d.toISOString() : null);
    return {
      id: e.id,
      slug: e.slug,
      kind: e.kind,
      title: e.title,
      titleEn: e.titleEn,
      description: e.description,
      descriptionEn: e.descriptionEn,
      audience: e.audience,
      audienceEn: e.audienceEn,
      organizationId: e.organizationId,
      venue: e.venue,
      startsAt: e.startsAt.toISOString(),
      endsAt: e.endsAt.toISOString(),
      startsAtLocal: toLocalIso(e.startsAt, e.timezone),
      endsAtLocal: toLocalIso(e.endsAt, e.timezone),
      timezone: e.timezone,
      capacity: e.capacity,
      confirmedCount: e.confirmedCount,
      waitlist: e.waitlist,
      registrationMode: e.registrationMode,
      registrationOpensAt: iso(e.registrationOpensAt),
      registrationClosesAt: iso(e.registrationClosesAt),
      reminderHoursBefore: e.reminderHoursBefore,
      status: e.status,
      publishedAt: iso(e.publishedAt),
      completedAt: iso(e.completedAt),
      cancelledAt: iso(e.cancelledAt),
      createdAt: e.createdAt.toISOString(),
      updatedAt: e.updatedAt.toISOString(),
    };
  }
}

export class CreateEventDto {
  /** Vietnamese title; the slug is made from it at creation. */
  @ApiProperty({ example: 'Tập huấn kỹ năng đàm phán thương lượng tập thể', minLength: 1, maxLength: 300 })
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MinLength(1, { message: 'title must not be empty' })
  @MaxLength(300)
  title: string;

  @ApiPropertyOptional({ maxLength: 300 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MaxLength(300)
  titleEn?: string;

  @ApiProperty({ enum: EVENT_KINDS })
  @IsIn(EVENT_KINDS, { message: `kind must be one of ${EVENT_KINDS.join(', ')}` })
  kind: EventKind;

  /** The organizer unit; must be in your subtree. */
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'organizationId must be a UUID' })
  organizationId: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MaxLength(500)
  venue?: string;

  /** ISO 8601 with an offset (or a wall time in `timezone`). */
  @ApiProperty({ example: '2025-03-10T08:00:00+07:00', pattern: schemaPattern(TIME) })
  @IsString()
  @SingleLine()
  @Matches(TIME, timeMessage('startsAt'))
  startsAt: string;

  @ApiProperty({ example: '2025-03-10T17:00:00+07:00', pattern: schemaPattern(TIME) })
  @IsString()
  @SingleLine()
  @Matches(TIME, timeMessage('endsAt'))
  endsAt: string;

  /** IANA zone name; default Asia/Ho_Chi_Minh. */
  @ApiPropertyOptional({ example: 'Asia/Ho_Chi_Minh', minLength: 1 })
  @IsOptional()
  @IsString()
  @SingleLine()
  @IsTimeZone({ message: 'timezone must be an IANA time zone, e.g. Asia/Ho_Chi_Minh' })
  timezone?: string;

  /** Seats for confirmed delegates; omit or null for unlimited. */
  @ApiPropertyOptional({ nullable: true, type: 'integer', minimum: 0, maximum: 2147483647 })
  @IsOptional()
  @IsInt({ message: 'capacity must be an integer' })
  @Min(0)
  @Max(INT4_MAX)
  capacity?: number | null;

  @ApiProperty({ enum: REGISTRATION_MODES })
  @IsIn(REGISTRATION_MODES, { message: `registrationMode must be one of ${REGISTRATION_MODES.join(', ')}` })
  registrationMode: RegistrationMode;

  @ApiPropertyOptional({ nullable: true, type: String, pattern: schemaPattern(TIME) })
  @IsOptional()
  @IsString()
  @SingleLine()
  @Matches(TIME, timeMessage('registrationOpensAt'))
  registrationOpensAt?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, pattern: schemaPattern(TIME) })
  @IsOptional()
  @IsString()
  @SingleLine()
  @Matches(TIME, timeMessage('registrationClosesAt'))
  registrationClosesAt?: string | null;

  /** Whether delegates beyond capacity are waitlisted (else refused). */
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  waitlist?: boolean;

  /** Hours before the start when the reminder goes out; default 24. */
  @ApiPropertyOptional({ default: 24, minimum: 0, maximum: 8760, type: 'integer' })
  @IsOptional()
  @IsInt()
  @Min(0)
  // A year ahead is already more than any reminder needs.
  @Max(8760)
  reminderHoursBefore?: number;

  @ApiPropertyOptional({ maxLength: 20000 })
  @IsOptional()
  @IsString()
  @MultiLine()
  @MaxLength(20000)
  description?: string;

  @ApiPropertyOptional({ maxLength: 20000 })
  @IsOptional()
  @IsString()
  @MultiLine()
  @MaxLength(20000)
  descriptionEn?: string;

  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptional()
  @IsString()
  @SingleLine()
  @MaxLength(5000)
  audience?: string;

  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptional()
  @IsString()
  @SingleLine()
  @MaxLength(5000)
  audienceEn?: string;
}

/** PATCH: any subset of the creation fields; `null` clears capacity or a registration bound. */
export class UpdateEventDto extends PartialType(CreateEventDto) {}

export class ListEventsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: EVENT_STATUSES })
  @IsOptional()
  @IsIn(EVENT_STATUSES, { message: `status must be one of ${EVENT_STATUSES.join(', ')}` })
  status?: EventStatus;

  /** Events organized by this unit or its descendants. */
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'organizationId must be a UUID' })
  organizationId?: string;

  /** Events ending at or after this time. */
  @ApiPropertyOptional({ example: '2025-01-01T00:00:00+07:00', pattern: schemaPattern(ISO_WITH_OFFSET) })
  @IsOptional()
  @Transform(plusFromQuery)
  @Matches(ISO_WITH_OFFSET, timeMessage('from'))
  from?: string;

  /** Events starting at or before this time. */
  @ApiPropertyOptional({ example: '2025-12-31T23:59:59+07:00', pattern: schemaPattern(ISO_WITH_OFFSET) })
  @IsOptional()
  @Transform(plusFromQuery)
  @Matches(ISO_WITH_OFFSET, timeMessage('to'))
  to?: string;
}

export class EventPageDto extends PageMetaDto {
  @ApiProperty({ type: [EventDto] }) items: EventDto[];
}
