import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { INT4_MAX } from '../../http/validation';
import { REQUEST_TIME, toLocalIso } from '../../events/event-time';
import { Session } from '../session.entity';
import { SPEAKER_ROLES, SpeakerRole } from '../session-speaker.entity';
import { trim } from '../../http/transforms';
import { schemaPattern } from '../../http/schema-pattern';
import { MultiLine, SingleLine } from '../../http/single-line';

const timeMessage = (field: string) => ({ message: `${field} must be an ISO 8601 time, e.g. 2025-03-10T08:00:00+07:00` });

export class SessionSpeakerInputDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'speakerId must be a UUID' })
  speakerId: string;

  /** Default presenter. */
  @ApiPropertyOptional({ enum: SPEAKER_ROLES, default: 'presenter' })
  @IsOptional()
  @IsIn(SPEAKER_ROLES, { message: `role must be one of ${SPEAKER_ROLES.join(', ')}` })
  role?: SpeakerRole;
}

export class CreateSessionDto {
  @ApiProperty({ example: 'Khai mạc', minLength: 1, maxLength: 300 })
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
  topic?: string;

  @ApiPropertyOptional({ maxLength: 10000 })
  @IsOptional()
  @IsString()
  @MultiLine()
  @MaxLength(10000)
  description?: string;

  /** Inside the event's time span; with an offset, or a wall time in the event's zone. */
  @ApiProperty({ example: '2025-03-10T08:00:00+07:00', pattern: schemaPattern(REQUEST_TIME) })
  @IsString()
  @SingleLine()
  @Matches(REQUEST_TIME, timeMessage('startsAt'))
  startsAt: string;

  @ApiProperty({ example: '2025-03-10T09:30:00+07:00', pattern: schemaPattern(REQUEST_TIME) })
  @IsString()
  @SingleLine()
  @Matches(REQUEST_TIME, timeMessage('endsAt'))
  endsAt: string;

  @ApiPropertyOptional({ example: 'Hội trường A', maxLength: 200 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MaxLength(200)
  room?: string;

  /** Order among sessions starting at the same time; default 0. */
  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: 2147483647, type: 'integer' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(INT4_MAX)
  position?: number;

  /** Presenters and moderators; a speaker may appear once. */
  @ApiProperty({ type: [SessionSpeakerInputDto], maxItems: 50 })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => SessionSpeakerInputDto)
  speakers: SessionSpeakerInputDto[];
}

/** PATCH: any subset; `speakers` replaces the whole list. */
export class UpdateSessionDto extends PartialType(CreateSessionDto) {}

export class SessionSpeakerDto {
  @ApiProperty({ format: 'uuid' }) speakerId: string;
  @ApiProperty() fullName: string;
  @ApiProperty({ nullable: true, type: String }) honorific: string | null;
  @ApiProperty({ nullable: true, type: String }) position: string | null;
  @ApiProperty({ nullable: true, type: String }) affiliation: string | null;
  @ApiProperty({ enum: SPEAKER_ROLES }) role: SpeakerRole;
}

export class SessionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty() title: string;
  @ApiProperty({ nullable: true, type: String }) topic: string | null;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ nullable: true, type: String }) room: string | null;
  /** UTC */
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'date-time' }) endsAt: string;
  /** Wall time in the event's zone with its offset, for display. */
  @ApiProperty({ example: '2025-03-10T08:00:00+07:00' }) startsAtLocal: string;
  @ApiProperty({ example: '2025-03-10T09:30:00+07:00' }) endsAtLocal: string;
  @ApiProperty() position: number;
  @ApiProperty({ type: [SessionSpeakerDto] }) speakers: SessionSpeakerDto[];

  static from(s: Session, timezone: string, speakers: SessionSpeakerDto[]): SessionDto {
    return {
      id: s.id,
      eventId: s.eventId,
      title: s.title,
      topic: s.topic,
      description: s.description,
      room: s.room,
      startsAt: s.startsAt.toISOString(),
      endsAt: s.endsAt.toISOString(),
      startsAtLocal: toLocalIso(s.startsAt, timezone),
      endsAtLocal: toLocalIso(s.endsAt, timezone),
      position: s.position,
      speakers,
    };
  }
}
