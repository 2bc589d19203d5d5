import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { InvalidInputError } from '../http/domain-errors';
import { OutboxService } from '../queue/outbox.service';
import { MailLocale } from './mail-message.entity';
import { MailMessagesRepository } from './mail-messages.repository';
import { MailRenderer } from './mail-renderer';

/** A mail to send, as other domains describe it. */
export interface MailRequest {
  to: string;
  toName?: string;
  /** Template name in src/mail/templates, e.g. `notice`. */
  template: string;
  locale: MailLocale;
  /** The template's variables (escaped when rendered). */
  data: Record<string, unknown>;
  /** A string content is taken as UTF-8 text (e.g. an .ics file). */
  attachments?: { filename: string; contentType: string; content: Buffer | string }[];
  registrationId?: string;
  kind?: string;
}

/**
 * Writes a mail: rendered now, stored in mail_message and queued through
 * the outbox, all in the caller's transaction, so the mail exists exactly
 * when the change that caused it does.
 */
@Injectable()
export class MailService {
  constructor(
    private readonly renderer: MailRenderer,
    private readonly messages: MailMessagesRepository,
    private readonly outbox: OutboxService,
  ) {}

  /** Returns the mail_message id. */
  async enqueue(manager: EntityManager, msg: MailRequest): Promise<string> {
    const to = msg.to.trim();
    // One address, no header injection: the transport would otherwise fail only at send time.
    if (!/^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/.test(to)) throw new InvalidInputError('to', 'must be one e-mail address');
    const rendered = this.renderer.render(msg.template, msg.locale, msg.data);
    const id = randomUUID();
    await this.messages.insert(manager, {
      id,
      toAddress: to,
      toName: msg.toName?.replace(/[\r\n]+/g, ' ').trim() || null,
      template: msg.template,
      locale: msg.locale,
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      attachments: msg.attachments?.length
        ? msg.attachments.map((a) => ({
            filename: a.filename,
            contentType: a.contentType,
            content: (typeof a.content === 'string' ? Buffer.from(a.content, 'utf8') : a.content).toString('base64'),
          }))
        : null,
      registrationId: msg.registrationId ?? null,
      kind: msg.kind ?? null,
    });
    await this.outbox.add(manager, 'mail.send', { messageId: id }, { key: id });
    return id;
  }
}
