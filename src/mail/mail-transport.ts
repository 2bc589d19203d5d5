import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createTransport } from 'nodemailer';
import { APP_CONFIG, AppConfig } from '../config/config';
import { MailMessage } from './mail-message.entity';

type Transporter = ReturnType<typeof createTransport>;

/**
 * The SMTP side of mail: one pooled nodemailer transport per process,
 * created on first use, closed at shutdown. Without SMTP_URL there is no
 * transport and mail is kept in the local outbox instead.
 */
@Injectable()
export class MailTransport implements OnApplicationShutdown {
  private transporter: Transporter | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** `smtp` when SMTP_URL is set, else `local` (the local outbox). */
  get kind(): 'smtp' | 'local' {
    return this.config.smtpUrl ? 'smtp' : 'local';
  }

  /** Sends a stored message; returns the SMTP Message-ID. */
  async send(m: MailMessage): Promise<string> {
    const info = await this.pool().sendMail({
      to: m.toName ? { name: m.toName, address: m.toAddress } : m.toAddress,
      subject: m.subject,
      html: m.html,
      text: m.text,
      attachments: (m.attachments ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content, encoding: 'base64' })),
    });
    return String(info.messageId);
  }

  onApplicationShutdown(): void {
    this.transporter?.close();
    this.transporter = undefined;
  }

  private pool(): Transporter {
    if (!this.config.smtpUrl) throw new Error('SMTP_URL is not set');
    this.transporter ??= createTransport(
      { url: this.config.smtpUrl, pool: true, maxConnections: 8, maxMessages: 1000 },
      { from: this.config.mailFrom },
    );
    return this.transporter;
  }
}
