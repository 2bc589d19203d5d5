import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../http/pagination';
import { formatCheckInCode } from '../registration-code';
import {
  Language,
  LANGUAGES,
  Registration,
  REGISTRATION_ROLES,
  REGISTRATION_STATUSES,
  RegistrationRole,
  RegistrationStatus,
} from '../registration.entity';
import { trim } from '../../http/transforms';
import { SingleLine } from '../../http/single-line';

const trimLower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

export class RegistrationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty() fullName: string;
  @ApiProperty() email: string;
  @ApiProperty({ nullable: true, type: String }) phone: string | null;
  @ApiProperty({ nullable: true, type: String }) position: string | null;
  /** The delegate's unit. */
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) organizationId: string | null;
  @ApiProperty({ enum: REGISTRATION_ROLES }) role: RegistrationRole;
  @ApiProperty({ enum: LANGUAGES }) language: Language;
  @ApiProperty({ enum: REGISTRATION_STATUSES }) status: RegistrationStatus;
  /** Check-in code as printed, e.g. `7KQ2-9MXD-4F` (input is accepted with or without dashes). */
  @ApiProperty({ example: '7KQ2-9MXD-4F' }) code: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) confirmedAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) waitlistedAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) cancelledAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static from(r: Registration): RegistrationDto {
    const iso = (d: Date | null) => (d ? d.toISOString() : null);
    return {
      id: r.id,
      eventId: r.eventId,
      fullName: r.fullName,
      email: r.email,
      phone: r.phone,
      position: r.position,
      organizationId: r.organizationId,
      role: r.role,
      language: r.language,
      status: r.status,
      code: formatCheckInCode(r.code),
      confirmedAt: iso(r.confirmedAt),
      waitlistedAt: iso(r.waitlistedAt),
      cancelledAt: iso(r.cancelledAt),
      createdAt: r.createdAt.toISOString(),
    };
  }
}

/** The answer to a new registration: the only time the secret token is shown. */
export class CreatedRegistrationDto extends RegistrationDto {
  /** Secret of the personal link; shown once (only its hash is stored). */
  @ApiProperty() token: string;
  /** The personal link APP_URL/r/<token>. */
  @ApiProperty() link: string;
}

export class CreateRegistrationDto {
  @ApiProperty({ example: 'Nguyễn Văn An', minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MinLength(1, { message: 'fullName must not be empty' })
  @MaxLength(200)
  fullName: string;

  @ApiProperty({ format: 'email', maxLength: 254 })
  @Transform(trimLower)
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(254)
  email: string;

  @ApiPropertyOptional({ maxLength: 50 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MaxLength(50)
  phone?: string;

  @ApiPropertyOptional({ example: 'Chủ tịch Công đoàn cơ sở', maxLength: 200 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MaxLength(200)
  position?: string;

  /** The delegate's unit; must be in the organizer's subtree when an organizer adds it. */
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'organizationId must be a UUID' })
  organizationId?: string;

  /** Without a token only `delegate`. */
  @ApiPropertyOptional({ enum: REGISTRATION_ROLES, default: 'delegate' })
  @IsOptional()
  @IsIn(REGISTRATION_ROLES, { message: `role must be one of ${REGISTRATION_ROLES.join(', ')}` })
  role?: RegistrationRole;

  @ApiPropertyOptional({ enum: LANGUAGES, default: 'vi' })
  @IsOptional()
  @IsIn(LANGUAGES, { message: 'language must be vi or en' })
  language?: Language;
}

/** Organizer's edit: any field of the registration form; e-mail may change but not to one already registered for the event. */
export class UpdateRegistrationDto extends PartialType(CreateRegistrationDto) {}

/** How a registrations list may be ordered (`-` = descending). */
export const REGISTRATION_SORTS = ['name', '-name', 'status', '-status', 'created', '-created'] as const;
export type RegistrationSort = (typeof REGISTRATION_SORTS)[number];

export class ListRegistrationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: REGISTRATION_STATUSES })
  @IsOptional()
  @IsIn(REGISTRATION_STATUSES, { message: `status must be one of ${REGISTRATION_STATUSES.join(', ')}` })
  status?: RegistrationStatus;

  /** The delegates of this unit and its descendants. */
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'organizationId must be a UUID' })
  organizationId?: string;

  @ApiPropertyOptional({ enum: REGISTRATION_ROLES })
  @IsOptional()
  @IsIn(REGISTRATION_ROLES, { message: `role must be one of ${REGISTRATION_ROLES.join(', ')}` })
  role?: RegistrationRole;

  /** Part of the name or e-mail, accents and case ignored. */
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MaxLength(100)
  q?: string;

  /** Order of the list: by name (given name first, Vietnamese order; the default), status or time of registration; `-` reverses. */
  @ApiPropertyOptional({ enum: REGISTRATION_SORTS, default: 'name' })
  @IsOptional()
  @IsIn(REGISTRATION_SORTS, { message: `sort must be one of ${REGISTRATION_SORTS.join(', ')}` })
  sort?: RegistrationSort;
}

export class RegistrationPageDto extends PageMetaDto {
  @ApiProperty({ type: [RegistrationDto] }) items: RegistrationDto[];
}

export class ImportResultDto {
  /** Rows written. */
  @ApiProperty() imported: number;
  @ApiProperty() confirmed: number;
  @ApiProperty() invited: number;
  @ApiProperty() waitlisted: number;
}
