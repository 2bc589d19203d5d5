import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type MailStatus = 'queued' | 'sent' | 'stored' | 'failed';
export const MAIL_STATUSES: MailStatus[] = ['queued', 'sent', 'stored', 'failed'];
export type MailLocale = 'vi' | 'en';

/** An attachment as stored: content in base64. */
export interface StoredAttachment {
  filename: string;
  contentType: string;
  content: string;
}

/** One rendered mail and its delivery (table mail_message). */
@Entity('mail_message')
export class MailMessage {
  @PrimaryColumn('uuid') id: string;
  @Column() toAddress: string;
  @Column({ type: 'varchar', nullable: true }) toName: string | null;
  @Column() template: string;
  @Column({ type: 'varchar' }) locale: MailLocale;
  @Column() subject: string;
  @Column('text') html: string;
  @Column('text') text: string;
  @Column({ type: 'jsonb', nullable: true }) attachments: StoredAttachment[] | null;
  @Column({ type: 'uuid', nullable: true }) registrationId: string | null;
  @Column({ type: 'varchar', nullable: true }) kind: string | null;
  @Column({ type: 'varchar', default: 'queued' }) status: MailStatus;
  @Column({ type: 'int', default: 0 }) attempts: number;
  @Column({ type: 'text', nullable: true }) lastError: string | null;
  @Column({ type: 'varchar', nullable: true }) transport: 'smtp' | 'local' | null;
  @Column({ type: 'varchar', nullable: true }) messageId: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) sentAt: Date | null;
}
