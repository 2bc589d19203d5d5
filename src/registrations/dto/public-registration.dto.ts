import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { TrainingEvent } from '../../events/event.entity';
import { toLocalIso } from '../../events/event-time';
import { formatCheckInCode } from '../registration-code';
import { Registration, REGISTRATION_ROLES, REGISTRATION_STATUSES, RegistrationRole, RegistrationStatus } from '../registration.entity';

export class PublicSessionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty({ nullable: true, type: String }) topic: string | null;
  @ApiProperty({ nullable: true, type: String }) room: string | null;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'date-time' }) endsAt: string;
}

export class PublicEventDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() slug: string;
  @ApiProperty() title: string;
  @ApiProperty({ nullable: true, type: String }) titleEn: string | null;
  @ApiProperty({ nullable: true, type: String }) venue: string | null;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'date-time' }) endsAt: string;
  @ApiProperty({ example: '2025-03-10T08:00:00+07:00' }) startsAtLocal: string;
  @ApiProperty() timezone: string;
  @ApiProperty() status: string;
  @ApiProperty() registrationMode: string;
}

/** What a delegate sees through their personal link. */
export class PublicRegistrationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() fullName: string;
  @ApiProperty() email: string;
  @ApiProperty({ nullable: true, type: String }) position: string | null;
  @ApiProperty({ enum: REGISTRATION_ROLES }) role: RegistrationRole;
  @ApiProperty() language: string;
  @ApiProperty({ enum: REGISTRATION_STATUSES }) status: RegistrationStatus;
  /** Check-in code as printed, e.g. `7KQ2-9MXD-4F`. */
  @ApiProperty() code: string;
  /** SVG QR code of the check-in code (reachable with the same token). */
  @ApiProperty() qrSvgUrl: string;
  /** The event as an iCalendar file. */
  @ApiProperty() icsUrl: string;
  @ApiProperty({ type: PublicEventDto }) event: PublicEventDto;
  @ApiProperty({ type: [PublicSessionDto] }) sessions: PublicSessionDto[];

  static from(r: Registration, event: TrainingEvent, sessions: PublicSessionDto[], baseUrl: string): PublicRegistrationDto {
    return {
      id: r.id,
      fullName: r.fullName,
      email: r.email,
      position: r.position,
      role: r.role,
      language: r.language,
      status: r.status,
      code: formatCheckInCode(r.code),
      qrSvgUrl: `${baseUrl}/qr.svg`,
      icsUrl: `${baseUrl}/event.ics`,
      event: {
        id: event.id,
        slug: event.slug,
        title: event.title,
        titleEn: event.titleEn,
        venue: event.venue,
        startsAt: event.startsAt.toISOString(),
        endsAt: event.endsAt.toISOString(),
        startsAtLocal: toLocalIso(event.startsAt, event.timezone),
        timezone: event.timezone,
        status: event.status,
        registrationMode: event.registrationMode,
      },
      sessions,
    };
  }
}

export class RsvpDto {
  /** true: I will attend; false: I decline. */
  @ApiProperty()
  @IsBoolean({ message: 'accept must be true or false' })
  accept: boolean;
}
