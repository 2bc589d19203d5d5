import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** queued → sending (claimed by one worker, SMTP transaction under way) → sent | stored; failed (permanent, or out of attempts). */
export type MailStatus = 'queued' | 'sending' | 'sent' | 'stored' | 'failed';
export const MAIL_STATUSES: MailStatus[] = ['queued', 'sending', 'sent', 'stored', 'failed'];
export type MailLocale = 'vi' | 'en';

/**
 * An attachment as stored: content in base64. `cid` makes it an inline part (`<img src="cid:…">`).
 * `qrCode` instead of content: a PNG of that check-in code, drawn when the mail is sent or shown
 * (so that writing the mail in a registration's transaction costs no image work).
 */
export interface StoredAttachment {
  filename: string;
  contentType: string;
  content?: string;
  cid?: string;
  qrCode?: string;
}

/**
 * One rendered mail and its delivery (table mail_message), as
 * migrations/1764400201000-MailMessages.ts creates it. registration_id has no
 * foreign key there (the registration table came later), so none here.
 */
@Entity('mail_message')
@Check('mail_message_locale_check', "locale IN ('vi', 'en')")
@Check('mail_message_status_check', "status IN ('queued', 'sending', 'sent', 'stored', 'failed')")
@Check('chk_mail_message_retries', 'retries >= 0')
@Check('mail_message_attempts_check', 'attempts >= 0')
@Check('mail_message_transport_check', "transport IN ('smtp', 'local')")
// (created_at DESC, id) and (status, created_at DESC): TypeORM cannot describe a descending
// key column (it would create them ascending), so it must leave these two indexes alone.
@Index('idx_mail_message_created_at', { synchronize: false })
@Index('idx_mail_message_status', { synchronize: false })
@Index('idx_mail_message_batch_status', ['batchId', 'status'], { where: 'batch_id IS NOT NULL' })
export class MailMessage {
  /** The column defaults to gen_random_uuid(); the mail code sets its own ids anyway. */
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column() toAddress: string;
  @Column({ type: 'varchar', nullable: true }) toName: string | null;
  @Column() template: string;
  @Column({ type: 'varchar' }) locale: MailLocale;
  @Column() subject: string;
  @Column('text') html: string;
  @Column('text') text: string;
  @Column({ type: 'jsonb', nullable: true }) attachments: StoredAttachment[] | null;
  @Index('idx_mail_message_registration_id', { where: 'registration_id IS NOT NULL' })
  @Column({ type: 'uuid', nullable: true })
  registrationId: string | null;
  @Column({ type: 'varchar', nullable: true }) kind: string | null;
  @Column({ type: 'varchar', default: 'queued' }) status: MailStatus;
  @Column({ type: 'int', default: 0 }) attempts: number;
  @Column({ type: 'text', nullable: true }) lastError: string | null;
  @Column({ type: 'varchar', nullable: true }) transport: 'smtp' | 'local' | null;
  @Column({ type: 'varchar', nullable: true }) messageId: string | null;
  /** When a worker claimed it for the SMTP transaction (status sending). */
  @Column({ type: 'timestamptz', nullable: true }) sendingAt: Date | null;
  /** Manual retries of a failed message: each is a new job id (`<id>-r<n>`). */
  @Column({ type: 'int', default: 0 }) retries: number;
  @Column({ type: 'uuid', nullable: true }) eventId: string | null;
  /** The invitation batch that wrote it, if any. */
  @Column({ type: 'uuid', nullable: true }) batchId: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) sentAt: Date | null;
}
