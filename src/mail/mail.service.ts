import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { InvalidInputError } from '../http/domain-errors';
import { OutboxRow } from '../queue/outbox.repository';
import { OutboxService } from '../queue/outbox.service';
import { MailLocale } from './mail-message.entity';
import { MailMessagesRepository, NewMailMessage } from './mail-messages.repository';
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
  /**
   * A string content is taken as UTF-8 text (e.g. an .ics file). `cid` makes it inline
   * (`<img src="cid:…">`); `qrCode` instead of content: the PNG of that code, drawn when sent.
   */
  attachments?: { filename: string; contentType: string; content?: Buffer | string; cid?: string; qrCode?: string }[];
  registrationId?: string;
  kind?: string;
  eventId?: string;
  /** The invitation batch that writes it. */
  batchId?: string;
}

/** A mail validated and rendered but not yet written: its mail_message row and the outbox row that sends it. */
export interface PreparedMail {
  message: NewMailMessage;
  job: OutboxRow;
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
    const mail = this.prepare(msg);
    await this.messages.insert(manager, mail.message);
    await this.outbox.add(manager, 'mail.send', { messageId: mail.message.id }, { key: mail.message.id });
    return mail.message.id;
  }

  /** Writes several mails with two statements in all (mail rows, outbox rows), whatever their number. */
  async enqueueMany(manager: EntityManager, msgs: MailRequest[]): Promise<string[]> {
    const mails = msgs.map((m) => this.prepare(m));
    await this.messages.insertMany(manager, mails.map((m) => m.message));
    await this.outbox.addMany(manager, mails.map((m) => m.job));
    return mails.map((m) => m.message.id);
  }

  /**
   * Sends failed messages again: each goes back to `queued` with a new job (`<id>-r<n>`; the
   * failed job keeps its own id in BullMQ's history). Only `failed` ones: a message sent or on its
   * way is never sent again. Returns the ids put back.
   */
  async retry(manager: EntityManager, ids: string[]): Promise<string[]> {
    const requeued = await this.messages.requeueFailed(manager, ids);
    await this.outbox.addMany(manager, requeued.map((m) => this.outbox.row('mail.send', { messageId: m.id }, { key: `${m.id}-r${m.retries}` })));
    return requeued.map((m) => m.id);
  }

  /** Rows from prepare() were committed by the caller's own statement: the relay takes them now. */
  written(): void {
    this.outbox.written();
  }

  /**
   * Validates and renders `msg` into the rows enqueue() would write, for a
   * caller that writes them in one statement with its own change (the
   * registration storm's single-statement seat). The caller calls
   * `outbox.written()` after that statement commits.
   */
  prepare(msg: MailRequest): PreparedMail {
    const to = msg.to.trim();
    // One address, no header injection: the transport would otherwise fail only at send time.
    if (!/^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/.test(to)) throw new InvalidInputError('to', 'must be one e-mail address');
    const rendered = this.renderer.render(msg.template, msg.locale, msg.data);
    const id = randomUUID();
    const message: NewMailMessage = {
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
            ...(a.content !== undefined ? { content: (typeof a.content === 'string' ? Buffer.from(a.content, 'utf8') : a.content).toString('base64') } : {}),
            ...(a.cid ? { cid: a.cid } : {}),
            ...(a.qrCode ? { qrCode: a.qrCode } : {}),
          }))
        : null,
      registrationId: msg.registrationId ?? null,
      kind: msg.kind ?? null,
      eventId: msg.eventId ?? null,
      batchId: msg.batchId ?? null,
    };
    return { message, job: this.outbox.row('mail.send', { messageId: id }, { key: id }) };
  }
}
