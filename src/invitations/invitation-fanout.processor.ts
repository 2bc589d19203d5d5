import { EventsService } from '../events/events.service';
import { MailService } from '../mail/mail.service';
import { JobContext, JobProcessor, ProcessorOf } from '../queue/job-processor';
import { JobPayloads } from '../queue/jobs';
import { MailExtras, RegistrationMailKind, RegistrationMails } from '../registrations/registration-mails';
import { SessionsService } from '../sessions/sessions.service';
import { InvitationsRepository } from './invitations.repository';

/** Recipients rendered per transaction: big enough to amortise the statements, small enough to keep locks short. */
const CHUNK = 250;

/**
 * `invitations.fanout`: renders the mail of every recipient of a batch, in its recipient's
 * language, and queues it (mail row + outbox row), CHUNK recipients per transaction. Safe to run
 * twice or at once on two workers: a recipient is claimed with SKIP LOCKED and gets its mail in
 * the transaction that claims it, so each gets exactly one; a run cut short leaves the rest for
 * the retry.
 */
@ProcessorOf('invitations.fanout')
export class InvitationFanoutProcessor implements JobProcessor<'invitations.fanout'> {
  constructor(
    private readonly invitations: InvitationsRepository,
    private readonly events: EventsService,
    private readonly sessions: SessionsService,
    private readonly mails: RegistrationMails,
    private readonly mail: MailService,
  ) {}

  async process({ batchId }: JobPayloads['invitations.fanout'], _ctx: JobContext): Promise<void> {
    const batch = await this.invitations.findBatch(batchId);
    if (!batch) return; // its event was deleted, and the batch with it
    const event = await this.events.findById(batch.eventId);
    if (!event) return;
    const sessions = batch.template === 'event-cancelled' ? [] : await this.sessions.listForCheckedEvent(event);
    const extras: MailExtras = {
      batchId,
      sessions,
      previous: batch.details
        ? {
            startsAt: batch.details.startsAt ? new Date(batch.details.startsAt) : undefined,
            endsAt: batch.details.endsAt ? new Date(batch.details.endsAt) : undefined,
            venue: batch.details.venue,
          }
        : undefined,
    };
    const kind: RegistrationMailKind = batch.template;
    for (;;) {
      const written = await this.invitations.transaction(async (manager) => {
        const recipients = await this.invitations.claimUnrendered(manager, batchId, CHUNK);
        if (!recipients.length) return 0;
        const ids = await this.mail.enqueueMany(manager, recipients.map((r) => this.mails.build(kind, r, event, extras)));
        await this.invitations.setMessages(manager, recipients.map((r) => r.invitationId), ids);
        return recipients.length;
      });
      if (written < CHUNK) break;
    }
    await this.invitations.markRendered(batchId);
  }
}
