import { Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import { JobContext, JobProcessor, ProcessorOf } from '../queue/job-processor';
import { JobPayloads } from '../queue/jobs';
import { MailMessage } from './mail-message.entity';
import { MailMessagesRepository, SendingClaim } from './mail-messages.repository';
import { MailTransport } from './mail-transport';
import { PERSONAL_LINK_PLACEHOLDER, PersonalLinks } from '../registrations/personal-links';

/**
 * `mail.send`: delivers one mail_message, at most once as far as this side can know.
 *
 * 1. Claim: in a transaction the row goes `queued` → `sending` (MailMessagesRepository.claimForSending);
 *    a row already `sent`/`stored` is left alone, so a job that runs twice sends once.
 * 2. Send through the pooled transport, with the row's own Message-ID.
 * 3. Record `sent` with the SMTP message id. If that write is lost (database gone), the id is
 *    remembered with the job in Redis and the retry only records it.
 *
 * Failures: a 5xx reply is permanent: the row is `failed` at once with the server's reply and the
 * job stops (UnrecoverableError); 4xx replies, connection errors and timeouts are transient: the
 * row goes back to `queued` and BullMQ retries with exponential backoff and jitter (the job
 * options), the last attempt leaving it `failed`.
 *
 * The claim is renewed while the send is under way (ClaimLease), so a second run of the same job
 * (BullMQ restarts a job whose lock its worker failed to renew, e.g. a starved event loop on a
 * loaded machine) finds it live and waits for the first run's outcome instead of sending again.
 *
 * The one window that can send twice: a worker killed (SIGKILL, power loss) after the server
 * accepted the message and before step 3. Its job comes back as stalled; the claim, no longer
 * renewed, is then older than its lease, so the message is sent again (same Message-ID, which
 * receivers can deduplicate). Losing it instead would be worse. Without SMTP the message is kept
 * in the local outbox (`stored`).
 */
@ProcessorOf('mail.send')
export class MailSendProcessor implements JobProcessor<'mail.send'> {
  private readonly logger = new Logger(MailSendProcessor.name);

  constructor(
    private readonly messages: MailMessagesRepository,
    private readonly transport: MailTransport,
    private readonly links: PersonalLinks,
  ) {}

  async process({ messageId }: JobPayloads['mail.send'], ctx: JobContext): Promise<void> {
    // An earlier attempt sent it but could not record that (the database connection was lost):
    // record it now, never send it twice.
    const sentBefore = ctx.remembered?.smtpMessageId;
    if (typeof sentBefore === 'string') {
      await this.messages.markDelivered(messageId, { status: 'sent', transport: 'smtp', messageId: sentBefore, attempts: ctx.attempt });
      return;
    }
    if (this.transport.kind === 'local') {
      // One statement: a row already sent or stored is left alone (a job run twice stores once).
      const outcome = await this.messages.markDelivered(messageId, { status: 'stored', transport: 'local', messageId: null, attempts: ctx.attempt });
      if (outcome === 'missing') throw new UnrecoverableError(`mail_message ${messageId} does not exist`);
      return;
    }
    let claim = await this.messages.claimForSending(messageId, ctx.attempt);
    // Another run holds a live claim (its worker lost the job's lock but is still sending, and
    // renews the claim while it does): wait for its outcome, holding this job, then look again.
    const waitUntil = Date.now() + 2 * this.messages.leaseMs;
    while (claim && typeof claim === 'object' && 'busyForMs' in claim && Date.now() < waitUntil) {
      await sleep(Math.min(claim.busyForMs + 100, BUSY_POLL_MS));
      claim = await this.messages.claimForSending(messageId, ctx.attempt);
    }
    // The row is written in the outbox row's transaction, so this means it was deleted since.
    if (!claim) throw new UnrecoverableError(`mail_message ${messageId} does not exist`);
    if (claim === 'done') return;
    if ('busyForMs' in claim) throw new Error(`mail_message ${messageId} is still being sent by another worker`);
    const m = claim.message;
    if (claim.takenOver) this.logger.warn(`mail_message ${m.id}: taking over a send whose worker stopped mid-way; the recipient may get it twice (same Message-ID)`);
    const lease = new ClaimLease(this.messages, claim.claim, (err) => this.logger.warn(`mail_message ${m.id}: could not renew its claim: ${(err as Error).message}`));
    let filled: MailMessage;
    try {
      filled = await this.withCurrentLink(m, claim.linkVersion);
    } catch (err) {
      // Nothing was sent: give the claim back so the retry need not wait out its lease.
      const held = await lease.end();
      if (held) await this.messages.releaseClaim(held).catch(() => undefined);
      if (held && err instanceof UnrecoverableError) await this.messages.recordFailure(m.id, ctx.attempt, err.message, true, held).catch(() => undefined);
      throw err;
    }
    let smtpId: string;
    try {
      smtpId = await this.transport.send(filled, lease.signal);
    } catch (err) {
      const held = await lease.end();
      // Another run took the claim over (this one looked stopped): the message is that run's now.
      if (!held) throw new Error(`mail_message ${m.id}: its claim was taken over by another run; not sent by this one`);
      const permanent = err instanceof UnrecoverableError || MailTransport.classify(err) === 'permanent';
      const reason = describe(err);
      await this.messages.recordFailure(m.id, ctx.attempt, reason, permanent || ctx.isFinalAttempt, held);
      if (permanent) throw new UnrecoverableError(reason);
      // A new error without the transport's code or cause: an SMTP server refusing or timing out
      // (ECONNREFUSED, ETIMEDOUT) is this mail's failed attempt, not a PostgreSQL outage to wait out.
      throw new SmtpTransientError(reason);
    }
    await lease.end();
    try {
      await this.messages.markDelivered(m.id, { status: 'sent', transport: 'smtp', messageId: smtpId, attempts: ctx.attempt });
    } catch (err) {
      // The mail went out: it must not be recorded as failed, nor sent again by the retry.
      await ctx.remember({ smtpMessageId: smtpId });
      throw err;
    }
  }

  /** The stored mail holds a placeholder for the recipient's personal link: the current one goes in now. */
  private async withCurrentLink(stored: MailMessage, linkVersion: number | null): Promise<MailMessage> {
    // A password-reset mail's token is put in the same way: the stored row never holds a usable link.
    const m = stored.html.includes('%%PASSWORD_RESET_TOKEN:') || stored.text.includes('%%PASSWORD_RESET_TOKEN:')
      ? { ...stored, html: await this.links.fillResetTokens(stored.html), text: await this.links.fillResetTokens(stored.text) }
      : stored;
    if (!m.html.includes(PERSONAL_LINK_PLACEHOLDER) && !m.text.includes(PERSONAL_LINK_PLACEHOLDER)) return m;
    // Version 0 (a link from before derived links) is upgraded by currentToken().
    const token = !m.registrationId ? null : linkVersion && linkVersion > 0 ? await this.links.token(m.registrationId, linkVersion) : await this.links.currentToken(m.registrationId);
    if (!token) throw new UnrecoverableError(`mail_message ${m.id}: its registration no longer exists, so it has no personal link`);
    return { ...m, html: PersonalLinks.fill(m.html, token), text: PersonalLinks.fill(m.text, token) };
  }
}

/** How often a run waiting for another run's live claim looks again. */
const BUSY_POLL_MS = 1000;

/**
 * A run's claim on its message while it sends: renewed every lease / 9, so that however long the
 * send takes (queued in the pool, a starved event loop) another run of the job (BullMQ restarts a
 * job whose lock it lost) sees a live claim and waits, instead of taking it over and sending the
 * message a second time. When a renewal finds the claim gone (taken over after all), `signal`
 * aborts this run's send: still queued in the pool, it is never transmitted.
 */
class ClaimLease {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private renewing: Promise<void> | undefined;
  private claim: SendingClaim | null;

  constructor(
    private readonly messages: MailMessagesRepository,
    claim: SendingClaim,
    onError: (err: unknown) => void,
  ) {
    this.claim = claim;
    this.timer = setInterval(() => {
      if (this.renewing || !this.claim) return;
      this.renewing = this.messages
        .renewClaim(this.claim)
        .then((renewed) => {
          this.claim = renewed;
          if (!renewed) this.controller.abort(new Error('the claim on this message was taken over by another run'));
        })
        // A failed renewal (database briefly gone) keeps the claim as it was: the next one tries again.
        .catch(onError)
        .finally(() => (this.renewing = undefined));
    }, Math.max(50, Math.floor(messages.leaseMs / 9)));
    this.timer.unref();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Stops renewing; the claim as last renewed, or null if it is no longer this run's. */
  async end(): Promise<SendingClaim | null> {
    clearInterval(this.timer);
    await this.renewing;
    return this.claim;
  }
}

/** The server's reply when there is one (`550 5.1.1 mailbox unavailable`), else the error's message. */
function describe(err: unknown): string {
  const e = err as { response?: unknown; message?: unknown; code?: unknown };
  if (typeof e?.response === 'string' && e.response) return e.response;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return typeof e?.code === 'string' && !message.includes(e.code) ? `${e.code}: ${message}` : message;
}

/** A transient SMTP failure (4xx, connection, timeout): BullMQ retries it as one attempt. */
export class SmtpTransientError extends Error {
  override readonly name = 'SmtpTransientError';
}
