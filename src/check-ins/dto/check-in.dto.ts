import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

const NONCE = /^[\x21-\x7e]{1,100}$/;

export class CreateCheckInDto {
  /**
   * The door's usual scan, `{code, nonce?}` with a string code of at most 40 characters (trimmed)
   * and a valid nonce, accepted without class-transformer and class-validator (see FastBodyCheck):
   * the same instance as the full validation's. Anything else (other fields, null, NUL characters,
   * a wrong type) is left to it.
   */
  static acceptAsIs(value: unknown): CreateCheckInDto | undefined {
    // A plain object (JSON.parse's): not an array or other class, whatever realm it comes from.
    const proto = value !== null && typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
    if (!proto || Object.getPrototypeOf(proto) !== null) return undefined;
    const body = value as Record<string, unknown>;
    for (const key of Object.keys(body)) if (key !== 'code' && key !== 'nonce') return undefined;
    const { code, nonce } = body;
    if (typeof code !== 'string' || code.includes('\u0000')) return undefined;
    const trimmed = code.trim();
    if (trimmed.length > 40) return undefined;
    if (nonce !== undefined && (typeof nonce !== 'string' || !NONCE.test(nonce))) return undefined;
    const dto = new CreateCheckInDto();
    dto.code = trimmed;
    if (nonce !== undefined) dto.nonce = nonce;
    return dto;
  }

  /** The check-in code as scanned or typed (`7KQ2-9MXD-4F`, any case, with or without dashes). Give this or registrationId. */
  @ApiPropertyOptional({ example: '7KQ2-9MXD-4F', maxLength: 40 })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MaxLength(40)
  code?: string;

  /** Check in a registration found by name at the desk. Give this or code. */
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'registrationId must be a UUID' })
  registrationId?: string;

  /** A session of the event; without it, the check-in is at the event's door. */
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'sessionId must be a UUID' })
  sessionId?: string;

  /** The scanner's idempotency key: a retry with the same nonce gets the original answer back. */
  @ApiPropertyOptional({ maxLength: 100, minLength: 1, pattern: '^[\\x21-\\x7e]{1,100}$' })
  @IsOptional()
  @IsString()
  @Matches(NONCE, { message: 'nonce must be 1 to 100 printable ASCII characters' })
  nonce?: string;

  /** When the code was scanned, for scans made offline and sent later; default now. At most 5 minutes ahead of the server clock. */
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'scannedAt must be an ISO 8601 time with an offset' })
  scannedAt?: string;
}

export class CheckInDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) registrationId: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) sessionId: string | null;
  /** When the code was scanned. */
  @ApiProperty({ format: 'date-time' }) checkedInAt: string;
}

/** The person at the desk: enough to greet and verify them. */
export class CheckInRegistrationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() fullName: string;
  @ApiProperty() email: string;
  @ApiProperty({ nullable: true, type: String }) position: string | null;
  @ApiProperty() role: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) organizationId: string | null;
  @ApiProperty() status: string;
  @ApiProperty({ example: '7KQ2-9MXD-4F' }) code: string;
}

export class CheckInResultDto {
  @ApiProperty({ type: CheckInDto }) checkIn: CheckInDto;
  @ApiProperty({ type: CheckInRegistrationDto }) registration: CheckInRegistrationDto;
  /** true when the registration was already checked in (here or at this session): the first check-in is returned. */
  @ApiProperty() duplicate: boolean;
}

export class SessionStatsDto {
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  @ApiProperty() title: string;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty() checkedIn: number;
}

export class CheckInStatsDto {
  /** Confirmed registrations (all roles). */
  @ApiProperty() expected: number;
  /** Confirmed delegates among them. */
  @ApiProperty() expectedDelegates: number;
  /** Confirmed registrations checked in at the door or at any session. */
  @ApiProperty() checkedIn: number;
  @ApiProperty({ type: [SessionStatsDto] }) bySession: SessionStatsDto[];
}
