import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createTransport } from 'nodemailer';
import { APP_CONFIG, AppConfig } from '../config/config';
import { MailMessage, StoredAttachment } from './mail-message.entity';

type Transporter = ReturnType<typeof createTransport>;

/** Whether a failed send may succeed later (4xx, connection trouble, timeouts) or never will (5xx). */
export type SendFailure = 'transient' | 'permanent';

/**
 * The SMTP side of mail: one pooled nodemailer transport per process,
 * created on first use, closed at shutdown; DKIM-signed when configured.
 * Without SMTP_URL there is no transport and mail is kept in the local
 * outbox instead. The rate (SMTP_RATE_PER_SECOND) is BullMQ's limiter on
 * the mail queue, shared by every worker (see MailRateLimit), not a
 * per-process throttle here.
 */
@Injectable()
export class MailTransport implements OnApplicationShutdown {
  private transporter: Transporter | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** `smtp` when SMTP_URL is set, else `local` (the local outbox). */
  get kind(): 'smtp' | 'local' {
    return this.config.smtpUrl ? 'smtp' : 'local';
  }

  /**
   * Sends a stored message; returns the SMTP Message-ID. The Message-ID is the row's own
   * (`<id@host>`), so a message sent twice (a worker killed mid-send, see MailSendProcessor)
   * is recognisable as one message by the receiving side. `signal` withdraws it: still queued in
   * the pool, it is never sent; already being transmitted, its connection is closed.
   */
  async send(m: MailMessage, signal?: AbortSignal): Promise<string> {
    const info = await this.pool().sendMail({
      ...(signal ? { signal } : {}),
      to: m.toName ? { name: m.toName, address: m.toAddress } : m.toAddress,
      subject: m.subject,
      html: m.html,
      text: m.text,
      messageId: MailTransport.messageIdOf(m.id, this.config.mailFrom),
      attachments: await Promise.all((m.attachments ?? []).map(async (a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: await attachmentContent(a),
        ...(a.cid ? { cid: a.cid, contentDisposition: 'inline' as const } : {}),
      }))),
    });
    return String(info.messageId);
  }

  /** The Message-ID header of mail_message `id`. */
  static messageIdOf(id: string, mailFrom: string): string {
    const domain = /@([^>\s]+)/.exec(mailFrom)?.[1] ?? 'trainingdesk';
    return `<${id}@${domain}>`;
  }

  /**
   * Classifies a nodemailer error: a 5xx reply is permanent (the server refused this message or
   * recipient, retrying will not help); 4xx replies, connection errors and timeouts are transient.
   */
  static classify(err: unknown): SendFailure {
    const code = Number((err as { responseCode?: unknown })?.responseCode);
    return code >= 500 && code < 600 ? 'permanent' : 'transient';
  }

  onApplicationShutdown(): void {
    this.transporter?.close();
    this.transporter = undefined;
  }

  private pool(): Transporter {
    if (!this.config.smtpUrl) throw new Error('SMTP_URL is not set');
    this.transporter ??= createTransport(
      {
        url: this.config.smtpUrl,
        pool: true,
        maxConnections: 8,
        maxMessages: 1000,
        // Bounded, so that a send that hangs is given up (its claim is renewed while it runs, see MailSendProcessor).
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
        ...(this.config.dkim ? { dkim: this.config.dkim } : {}),
      },
      { from: this.config.mailFrom },
    );
    return this.transporter;
  }
}

/** The bytes of a stored attachment: its content, or the QR code it stands for, drawn now. */
export async function attachmentContent(a: StoredAttachment): Promise<Buffer> {
  if (a.content !== undefined) return Buffer.from(a.content, 'base64');
  if (a.qrCode) {
    const { default: QRCode } = await import('qrcode');
    return QRCode.toBuffer(a.qrCode, { type: 'png', errorCorrectionLevel: 'M', margin: 2, scale: 6 });
  }
  return Buffer.alloc(0);
}
