import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsIn, IsOptional, IsUUID, MaxLength } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../http/pagination';

/** Templates an organizer sends by hand; change and cancellation notices are automatic. */
export const SENDABLE_TEMPLATES = ['invitation', 'reminder'] as const;
export type SendableTemplate = (typeof SENDABLE_TEMPLATES)[number];
/** Largest explicit list of registrations in one request. */
export const MAX_SELECTED = 10_000;
/** Per-recipient delivery status. */
export const INVITATION_STATUSES = ['queued', 'sending', 'sent', 'failed'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/** Who gets the mail: the given registrations, or the event's registrations filtered by status and unit. */
export class SendInvitationsDto {
  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX_SELECTED, description: 'exactly these registrations of the event (others in the list, or an empty list: 400)' })
  @IsOptional()
  @IsArray({ message: 'registrationIds must be an array of UUIDs' })
  @ArrayMaxSize(MAX_SELECTED, { message: `registrationIds must hold at most ${MAX_SELECTED} ids` })
  @IsUUID('all', { each: true, message: 'registrationIds must be UUIDs' })
  registrationIds?: string[];

  @ApiPropertyOptional({ enum: ['invited', 'confirmed'], description: 'only registrations in this status (default: invited and confirmed)' })
  @IsOptional()
  @IsIn(['invited', 'confirmed'], { message: 'status must be invited or confirmed' })
  status?: 'invited' | 'confirmed';

  @ApiPropertyOptional({ format: 'uuid', description: "only this unit's subtree" })
  @IsOptional()
  @IsUUID('all', { message: 'organizationId must be a UUID' })
  organizationId?: string;

  @ApiPropertyOptional({ enum: SENDABLE_TEMPLATES, default: 'invitation' })
  @IsOptional()
  @IsIn(SENDABLE_TEMPLATES, { message: `template must be one of ${SENDABLE_TEMPLATES.join(', ')}` })
  template?: SendableTemplate;

  @ApiPropertyOptional({ default: false, description: 'skip registrations that already have this template queued, on its way or sent' })
  @IsOptional()
  @IsBoolean({ message: 'notYetSent must be a boolean' })
  notYetSent?: boolean;
}

export class BatchCreatedDto {
  @ApiProperty({ format: 'uuid' }) batchId: string;
  /** Recipients selected: one mail each. */
  @ApiProperty({ type: 'integer', minimum: 0 }) queued: number;
}

export class BatchProgressDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty({ enum: ['invitation', 'reminder', 'event-changed', 'event-cancelled'] }) template: string;
  @ApiProperty({ type: 'integer', minimum: 0 }) total: number;
  /** Not yet sent: waiting to be rendered, queued, or between attempts. */
  @ApiProperty({ type: 'integer', minimum: 0 }) queued: number;
  /** In an SMTP transaction right now. */
  @ApiProperty({ type: 'integer', minimum: 0 }) sending: number;
  /** Delivered to the SMTP server (or kept in the local outbox without SMTP_URL). */
  @ApiProperty({ type: 'integer', minimum: 0 }) sent: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) failed: number;
  /** sent + failed over total, 0–100 (100 for an empty batch). */
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100 }) percent: number;
  @ApiProperty() done: boolean;
  @ApiProperty() createdAt: Date;
}

/** One recipient of a batch and how its mail went. */
export class InvitationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) batchId: string;
  @ApiProperty({ format: 'uuid' }) registrationId: string;
  @ApiProperty() fullName: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: ['vi', 'en'] }) language: string;
  @ApiProperty({ enum: ['invitation', 'reminder', 'event-changed', 'event-cancelled'] }) template: string;
  @ApiProperty({ enum: INVITATION_STATUSES }) status: InvitationStatus;
  @ApiProperty({ type: 'integer', minimum: 0 }) attempts: number;
  /** The server's reply (or the connection error) of the last failed attempt. */
  @ApiProperty({ nullable: true, type: String }) lastError: string | null;
  @ApiProperty({ nullable: true, type: Date }) sentAt: Date | null;
  /** The mail, once rendered. */
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) mailMessageId: string | null;
  @ApiProperty() createdAt: Date;
}

export class InvitationPageDto extends PageMetaDto {
  @ApiProperty({ type: [InvitationDto] }) items: InvitationDto[];
}

export class ListInvitationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: INVITATION_STATUSES })
  @IsOptional()
  @IsIn(INVITATION_STATUSES, { message: `status must be one of ${INVITATION_STATUSES.join(', ')}` })
  status?: InvitationStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'batchId must be a UUID' })
  batchId?: string;
}

/** Retry failed mails: these invitations, or (without ids) every failed one of the batch. */
export class RetryInvitationsDto {
  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX_SELECTED })
  @IsOptional()
  @IsArray({ message: 'invitationIds must be an array of UUIDs' })
  @ArrayMaxSize(MAX_SELECTED, { message: `invitationIds must hold at most ${MAX_SELECTED} ids` })
  @IsUUID('all', { each: true, message: 'invitationIds must be UUIDs' })
  invitationIds?: string[];
}

export class RetriedDto {
  /** Failed mails put back in the queue. */
  @ApiProperty({ type: 'integer', minimum: 0 }) retried: number;
}

/** One mail of a registration's history. */
export class RegistrationMailDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ nullable: true, type: String }) kind: string | null;
  @ApiProperty() subject: string;
  @ApiProperty() to: string;
  @ApiProperty({ enum: ['vi', 'en'] }) locale: string;
  @ApiProperty({ enum: ['queued', 'sending', 'sent', 'stored', 'failed'] }) status: string;
  @ApiProperty({ type: 'integer', minimum: 0 }) attempts: number;
  @ApiProperty({ nullable: true, type: String }) lastError: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ nullable: true, type: Date }) sentAt: Date | null;
}

export class ResendLinkDto {
  @ApiProperty({ format: 'email', maxLength: 320, example: 'lan@example.org' })
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(320, { message: 'email must be at most 320 characters' })
  email: string;
}

export class EmptyDto {}
