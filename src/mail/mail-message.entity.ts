import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type MailStatus = 'queued' | 'sent' | 'stored' | 'failed';
export const MAIL_STATUSES: MailStatus[] = ['queued', 'sent', 'stored', 'failed'];
export type MailLocale = 'vi' | 'en';

/** An attachment as stored: content in base64. */
export interface StoredAttachment {
  filename: string;
  contentType: string;
  content: string;
}

/**
 * One rendered mail and its delivery (table mail_message), as
 * migrations/1764400201000-MailMessages.ts creates it. registration_id has no
 * foreign key there (the registration table came later), so none here.
 */
@Entity('mail_message')
@Check('mail_message_locale_check', "locale IN ('vi', 'en')")
@Check('mail_message_status_check', "status IN ('queued', 'sent', 'stored', 'failed')")
@Check('mail_message_attempts_check', 'attempts >= 0')
@Check('mail_message_transport_check', "transport IN ('smtp', 'local')")
// (created_at DESC, id) and (status, created_at DESC): TypeORM cannot describe a descending
// key column (it would create them ascending), so it must leave these two indexes alone.
@Index('idx_mail_message_created_at', { synchronize: false })
@Index('idx_mail_message_status', { synchronize: false })
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
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) sentAt: Date | null;
}
