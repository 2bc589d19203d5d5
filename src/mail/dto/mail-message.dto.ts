import { PersonalLinks } from '../../registrations/personal-links';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../http/pagination';
import { MAIL_STATUSES, MailMessage, MailStatus } from '../mail-message.entity';

/** One mail in a list: who, what, and how its delivery went. */
export class MailMessageDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() to: string;
  @ApiProperty({ nullable: true, type: String }) toName: string | null;
  /** Template name, e.g. `notice`. */
  @ApiProperty() template: string;
  @ApiProperty({ enum: ['vi', 'en'] }) locale: 'vi' | 'en';
  @ApiProperty() subject: string;
  /** queued → sending → sent (SMTP) or stored (no SMTP_URL: the local outbox); failed: refused for good (5xx) or out of attempts. */
  @ApiProperty({ enum: MAIL_STATUSES }) status: MailStatus;
  @ApiProperty() attempts: number;
  @ApiProperty({ nullable: true, type: String }) lastError: string | null;
  @ApiProperty({ nullable: true, enum: ['smtp', 'local'] }) transport: 'smtp' | 'local' | null;
  /** The SMTP Message-ID once sent. */
  @ApiProperty({ nullable: true, type: String }) messageId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) registrationId: string | null;
  /** What the mail is about, e.g. `registration-confirmed`. */
  @ApiProperty({ nullable: true, type: String }) kind: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) eventId: string | null;
  /** The invitation batch that wrote it. */
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) batchId: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ nullable: true, type: Date }) sentAt: Date | null;

  static from(m: MailMessage): MailMessageDto {
    return {
      id: m.id,
      to: m.toAddress,
      toName: m.toName,
      template: m.template,
      locale: m.locale,
      subject: m.subject,
      status: m.status,
      attempts: m.attempts,
      lastError: m.lastError,
      transport: m.transport,
      messageId: m.messageId,
      registrationId: m.registrationId,
      kind: m.kind,
      eventId: m.eventId ?? null,
      batchId: m.batchId ?? null,
      createdAt: m.createdAt,
      sentAt: m.sentAt,
    };
  }
}

export class MailMessagePageDto extends PageMetaDto {
  @ApiProperty({ type: [MailMessageDto] }) items: MailMessageDto[];
}

export class MailAttachmentInfoDto {
  /** Its position in the mail, for GET /admin/mail-messages/:id/attachments/:index. */
  @ApiProperty() index: number;
  @ApiProperty() filename: string;
  @ApiProperty() contentType: string;
  /** Size in bytes as stored (0 for a QR code, drawn when the mail is sent or shown). */
  @ApiProperty() size: number;
  /** Set for an inline part, shown in the HTML as `cid:<cid>`. */
  @ApiProperty({ nullable: true, type: String }) cid: string | null;
}

/** One mail with its rendered bodies (the HTML is the escaped render; show it in a sandboxed iframe). */
export class MailMessageDetailDto extends MailMessageDto {
  @ApiProperty() html: string;
  @ApiProperty() text: string;
  @ApiProperty({ type: [MailAttachmentInfoDto] }) attachments: MailAttachmentInfoDto[];

  /** A stored mail never holds the recipient's personal link: its token is shown masked. */
  static override from(m: MailMessage): MailMessageDetailDto {
    return {
      ...MailMessageDto.from(m),
      html: PersonalLinks.mask(m.html),
      text: PersonalLinks.mask(m.text),
      attachments: (m.attachments ?? []).map((a, index) => ({
        index,
        filename: a.filename,
        contentType: a.contentType,
        size: a.content ? Buffer.byteLength(a.content, 'base64') : 0,
        cid: a.cid ?? null,
      })),
    };
  }
}

export class MailMessageQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: MAIL_STATUSES })
  @IsOptional()
  @IsIn(MAIL_STATUSES, { message: `status must be one of ${MAIL_STATUSES.join(', ')}` })
  status?: MailStatus;
}
