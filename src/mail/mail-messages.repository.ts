import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Not, In, Repository } from 'typeorm';
import { MailMessage, MailStatus } from './mail-message.entity';

/** A mail_message row to insert (the columns with defaults are left out). */
export type NewMailMessage = Omit<MailMessage, 'createdAt' | 'sentAt' | 'status' | 'attempts' | 'lastError' | 'transport' | 'messageId' | 'sendingAt' | 'retries'>;

/**
 * How long a claim (`sending`) protects a message from another run of its job since it was last
 * renewed. The run holding it renews it every SENDING_LEASE_MS / 9 while its send is under way
 * (MailSendProcessor), however long the send takes (queued in the pooled transport behind other
 * mails, a machine so loaded that BullMQ lost the job's lock); a claim this old belonged to a
 * worker that stopped.
 */
export const SENDING_LEASE_MS = 45_000;

/** A claim: which row, and the claim's `sending_at` as PostgreSQL wrote it (microseconds), which names this run's claim. */
export interface SendingClaim {
  id: string;
  token: string;
}

@Injectable()
export class MailMessagesRepository {
  /** SENDING_LEASE_MS; a test shortens it on the instance. */
  leaseMs = SENDING_LEASE_MS;

  constructor(@InjectRepository(MailMessage) private readonly repo: Repository<MailMessage>) {}

  async insert(manager: EntityManager, message: NewMailMessage): Promise<void> {
    await manager.insert(MailMessage, message);
  }

  /** One INSERT for a batch of mails. */
  async insertMany(manager: EntityManager, messages: NewMailMessage[]): Promise<void> {
    if (messages.length) await manager.insert(MailMessage, messages);
  }

  findById(id: string): Promise<MailMessage | null> {
    return this.repo.findOneBy({ id });
  }

  /** Newest first; without the bodies, which a list does not show. */
  findPage(page: number, pageSize: number, status?: MailStatus): Promise<[MailMessage[], number]> {
    return this.repo.findAndCount({
      where: status ? { status } : {},
      select: {
        id: true, toAddress: true, toName: true, template: true, locale: true, subject: true, registrationId: true,
        kind: true, status: true, attempts: true, lastError: true, transport: true, messageId: true, createdAt: true, sentAt: true, eventId: true, batchId: true,
      },
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
  }

  /**
   * Claims a message for one SMTP transaction: `queued` becomes `sending`, atomically. Another run
   * of the same job that finds it `sending` gets `busyForMs` while the claim is younger than
   * SENDING_LEASE_MS (the first run may still be talking to the server); an older claim belonged to
   * a worker that died mid-send and is taken over (`takenOver`: that message may have reached the
   * server already). `sent`, `stored` ('done') and `failed` (until a manual retry puts it back to
   * `queued`) are never claimed. The claim's token is what renewClaim, releaseClaim and
   * recordFailure check, so a run whose claim was taken over changes nothing of the new one.
   */
  async claimForSending(id: string, attempt: number): Promise<{ message: MailMessage; takenOver: boolean; linkVersion: number | null; claim: SendingClaim } | { busyForMs: number } | 'done' | null> {
    // One statement (the row lock of the UPDATE decides between two runs), one round trip.
    const [rows]: [Record<string, unknown>[], number] = await this.repo.manager.query(
      `WITH old AS (SELECT id, status AS old_status FROM mail_message WHERE id = $1 FOR UPDATE)
       UPDATE mail_message m
          SET status = 'sending', sending_at = now(), attempts = GREATEST(m.attempts, $2)
         FROM old
        WHERE m.id = old.id
          AND (m.status = 'queued' OR (m.status = 'sending' AND (m.sending_at IS NULL OR m.sending_at < now() - make_interval(secs => $3))))
        RETURNING m.*, old.old_status, m.sending_at::text AS claim_token,
                  (SELECT r.link_version FROM registration r WHERE r.id = m.registration_id) AS link_version`,
      [id, attempt, this.leaseMs / 1000],
    );
    if (rows.length) {
      const row = rows[0];
      const message = this.repo.create(this.repo.manager.connection.getMetadata(MailMessage).columns.reduce<Record<string, unknown>>((acc, c) => {
        acc[c.propertyName] = row[c.databaseName];
        return acc;
      }, {}) as unknown as MailMessage);
      // The recipient's link version comes with the claim: the personal link is derived from it, no second query.
      return {
        message,
        takenOver: row.old_status === 'sending',
        linkVersion: row.link_version === null || row.link_version === undefined ? null : Number(row.link_version),
        claim: { id, token: String(row.claim_token) },
      };
    }
    const [now]: { status: string; ageMs: number | null }[] = await this.repo.manager.query(
      `SELECT status, (extract(epoch FROM now() - sending_at) * 1000)::float8 AS "ageMs" FROM mail_message WHERE id = $1`,
      [id],
    );
    if (!now) return null;
    if (now.status === 'sending') return { busyForMs: Math.max(0, this.leaseMs - (now.ageMs ?? 0)) };
    return 'done';
  }

  /**
   * Renews a claim while its send is under way; returns the renewed claim, or null when it is no
   * longer this run's (another run took it over, or the row left `sending`).
   */
  async renewClaim(claim: SendingClaim): Promise<SendingClaim | null> {
    const [rows]: [{ token: string }[], number] = await this.repo.manager.query(
      `UPDATE mail_message SET sending_at = clock_timestamp()
        WHERE id = $1 AND status = 'sending' AND sending_at = $2::timestamptz
        RETURNING sending_at::text AS token`,
      [claim.id, claim.token],
    );
    return rows.length ? { id: claim.id, token: rows[0].token } : null;
  }

  /** A claim given back before anything was sent (only while it is still this run's). */
  async releaseClaim(claim: SendingClaim): Promise<void> {
    await this.repo.manager.query(
      `UPDATE mail_message SET status = 'queued', sending_at = NULL WHERE id = $1 AND status = 'sending' AND sending_at = $2::timestamptz`,
      [claim.id, claim.token],
    );
  }

  /** Failed messages among `ids` back to `queued` (a manual retry); returns them with their new retry number. */
  async requeueFailed(manager: EntityManager, ids: string[]): Promise<{ id: string; retries: number }[]> {
    if (!ids.length) return [];
    const [rows]: [{ id: string; retries: number }[], number] = await manager.query(
      `UPDATE mail_message SET status = 'queued', retries = retries + 1, attempts = 0, sending_at = NULL
        WHERE id = ANY($1::uuid[]) AND status = 'failed'
        RETURNING id, retries`,
      [ids],
    );
    return rows;
  }

  /** A registration's mails, newest first (its mail history), without the bodies. */
  findByRegistration(registrationId: string): Promise<MailMessage[]> {
    return this.repo.find({
      where: { registrationId },
      select: { id: true, toAddress: true, toName: true, template: true, locale: true, subject: true, registrationId: true, kind: true, status: true, attempts: true, lastError: true, transport: true, messageId: true, createdAt: true, sentAt: true, eventId: true, batchId: true, retries: true, sendingAt: true },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: 200,
    });
  }

  /**
   * Delivered (or kept locally) on this attempt; a row already delivered is left alone. Says whether
   * the row was changed, was delivered before ('done'), or does not exist ('missing').
   */
  async markDelivered(
    id: string,
    fields: { status: 'sent' | 'stored'; transport: 'smtp' | 'local'; messageId: string | null; attempts: number },
  ): Promise<'changed' | 'done' | 'missing'> {
    // Plain SQL, one round trip: once per mail on the send path, where the query builder's cost shows.
    const rows: { changed: boolean }[] = await this.repo.manager.query(
      `WITH changed AS (
         UPDATE mail_message SET status = $2, transport = $3, message_id = $4, attempts = $5, last_error = NULL, sent_at = now(), sending_at = NULL
          WHERE id = $1 AND status NOT IN ('sent', 'stored')
          RETURNING id)
       SELECT EXISTS (SELECT 1 FROM changed) AS changed FROM mail_message WHERE id = $1`,
      [id, fields.status, fields.transport, fields.messageId, fields.attempts],
    );
    return !rows.length ? 'missing' : rows[0].changed ? 'changed' : 'done';
  }

  /**
   * A failed attempt: `queued` again for the retry, or `failed` for good (permanent, or the last
   * attempt). With `claim`, only while the row is still under that claim: a run whose claim was
   * taken over must not put the other run's send back to `queued` (a third run would send it again).
   */
  async recordFailure(id: string, attempts: number, error: string, final: boolean, claim?: SendingClaim): Promise<void> {
    if (claim) {
      await this.repo.manager.query(
        `UPDATE mail_message SET attempts = $3, last_error = $4, status = $5, sending_at = NULL
          WHERE id = $1 AND status = 'sending' AND sending_at = $2::timestamptz`,
        [id, claim.token, attempts, error.slice(0, 4000), final ? 'failed' : 'queued'],
      );
      return;
    }
    await this.repo.update(
      { id, status: Not(In(['sent', 'stored'])) },
      { attempts, lastError: error.slice(0, 4000), status: final ? 'failed' : 'queued', sendingAt: null },
    );
  }
}
