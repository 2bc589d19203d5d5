import { UnrecoverableError } from 'bullmq';
import { JobContext, JobProcessor, ProcessorOf } from '../queue/job-processor';
import { JobPayloads } from '../queue/jobs';
import { MailMessage } from './mail-message.entity';
import { MailMessagesRepository } from './mail-messages.repository';
import { MailTransport } from './mail-transport';
import { PERSONAL_LINK_PLACEHOLDER, PersonalLinks } from '../registrations/personal-links';

/**
 * `mail.send`: delivers one mail_message. Idempotent: a message already
 * sent or stored is left alone. Without SMTP the message is kept in the
 * local outbox (status `stored`). A failure to send is recorded and rethrown
 * so BullMQ retries; the last attempt leaves the message `failed`. A mail
 * sent whose delivery could not be recorded (the database connection was
 * lost) is remembered with the job in Redis, and the retry only records it.
 */
@ProcessorOf('mail.send')
export class MailSendProcessor implements JobProcessor<'mail.send'> {
  constructor(
    private readonly messages: MailMessagesRepository,
    private readonly transport: MailTransport,
    private readonly links: PersonalLinks,
  ) {}

  async process({ messageId }: JobPayloads['mail.send'], ctx: JobContext): Promise<void> {
    const m = await this.messages.findById(messageId);
    // The row is written in the outbox row's transaction, so this means it was deleted since.
    if (!m) throw new UnrecoverableError(`mail_message ${messageId} does not exist`);
    if (m.status === 'sent' || m.status === 'stored') return;
    if (this.transport.kind === 'local') {
      await this.messages.markDelivered(m.id, { status: 'stored', transport: 'local', messageId: null, attempts: ctx.attempt });
      return;
    }
    // An earlier attempt sent it but could not record that (the database connection was lost):
    // record it now, never send it twice.
    const sentBefore = ctx.remembered?.smtpMessageId;
    if (typeof sentBefore === 'string') {
      await this.messages.markDelivered(m.id, { status: 'sent', transport: 'smtp', messageId: sentBefore, attempts: ctx.attempt });
      return;
    }
    let smtpId: string;
    try {
      smtpId = await this.transport.send(await this.withCurrentLink(m));
    } catch (err) {
      await this.messages.recordFailure(m.id, ctx.attempt, (err as Error).message, ctx.isFinalAttempt);
      throw err;
    }
    try {
      await this.messages.markDelivered(m.id, { status: 'sent', transport: 'smtp', messageId: smtpId, attempts: ctx.attempt });
    } catch (err) {
      // The mail went out: it must not be recorded as failed, nor sent again by the retry.
      await ctx.remember({ smtpMessageId: smtpId });
      throw err;
    }
  }

  /** The stored mail holds a placeholder for the recipient's personal link: the current one goes in now. */
  private async withCurrentLink(m: MailMessage): Promise<MailMessage> {
    if (!m.html.includes(PERSONAL_LINK_PLACEHOLDER) && !m.text.includes(PERSONAL_LINK_PLACEHOLDER)) return m;
    const token = m.registrationId ? await this.links.currentToken(m.registrationId) : null;
    if (!token) throw new UnrecoverableError(`mail_message ${m.id}: its registration no longer exists, so it has no personal link`);
    return { ...m, html: PersonalLinks.fill(m.html, token), text: PersonalLinks.fill(m.text, token) };
  }
}
