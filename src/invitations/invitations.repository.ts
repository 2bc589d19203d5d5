import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { runInTransaction } from '../database/transaction';
import type { MailRecipient } from '../registrations/registration-mails';
import { BatchTemplate, InvitationBatch } from './invitation.entity';

/** Which registrations of an event a batch selects. */
export interface RecipientFilter {
  registrationIds?: string[];
  statuses: string[];
  /** A unit's subtree (from the organizations domain). */
  organizationIds?: string[];
  /** Skip registrations that already have a mail of this template queued, on its way or sent. */
  notYetSentTemplate?: BatchTemplate;
}

export interface BatchCounts {
  total: number;
  queued: number;
  sending: number;
  sent: number;
  failed: number;
}

export interface InvitationRow {
  id: string;
  batchId: string;
  registrationId: string;
  fullName: string;
  email: string;
  language: string;
  template: string;
  status: 'queued' | 'sending' | 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
  sentAt: Date | null;
  mailMessageId: string | null;
  createdAt: Date;
}

// A recipient's delivery status: no mail yet (the fan-out has not rendered it) counts as queued;
// `stored` (no SMTP_URL: the local outbox) counts as sent.
const STATUS_SQL = `CASE WHEN i.mail_message_id IS NULL THEN 'queued' WHEN m.status IN ('sent', 'stored') THEN 'sent' ELSE m.status END`;

/**
 * SQL of invitation_batch and invitation. The selection reads the registration table in the same
 * statement that writes the invitations (one INSERT … SELECT, whatever the number of recipients),
 * and the fan-out reads the recipients' mail fields with their invitation rows: the one place this
 * domain reads another's table, because a batch of 10,000 must not cost 10,000 service calls.
 */
@Injectable()
export class InvitationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return runInTransaction(this.dataSource.manager, work);
  }

  /** A new batch; with `dedupKey`, a batch already written under it is returned instead (null = it existed). */
  async createBatch(
    manager: EntityManager,
    b: { eventId: string; template: BatchTemplate; createdById: string | null; dedupKey?: string; details?: InvitationBatch['details'] },
  ): Promise<string | null> {
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO invitation_batch (event_id, template, created_by_id, dedup_key, details)
       VALUES ($1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (dedup_key) DO NOTHING
       RETURNING id`,
      [b.eventId, b.template, b.createdById, b.dedupKey ?? null, b.details ? JSON.stringify(b.details) : null],
    );
    return rows[0]?.id ?? null;
  }

  /** The recipients, in one statement; returns how many were selected (and stores it as the batch's total). */
  async selectRecipients(manager: EntityManager, batchId: string, eventId: string, f: RecipientFilter): Promise<number> {
    const [rows]: [{ total: number }[], number] = await manager.query(
      `WITH picked AS (
         INSERT INTO invitation (batch_id, event_id, registration_id)
         SELECT $1, r.event_id, r.id
           FROM registration r
          WHERE r.event_id = $2
            AND r.status = ANY($3::text[])
            AND ($4::uuid[] IS NULL OR r.id = ANY($4::uuid[]))
            AND ($5::uuid[] IS NULL OR r.organization_id = ANY($5::uuid[]))
            AND ($6::text IS NULL OR NOT EXISTS (
                  SELECT 1 FROM invitation i2
                    JOIN invitation_batch b2 ON b2.id = i2.batch_id AND b2.template = $6
                    LEFT JOIN mail_message m2 ON m2.id = i2.mail_message_id
                   WHERE i2.registration_id = r.id AND i2.batch_id <> $1
                     AND (i2.mail_message_id IS NULL OR m2.status IN ('queued', 'sending', 'sent', 'stored'))))
         ON CONFLICT (batch_id, registration_id) DO NOTHING
         RETURNING 1
       )
       UPDATE invitation_batch SET total = (SELECT count(*) FROM picked) WHERE id = $1 RETURNING total`,
      [batchId, eventId, f.statuses, f.registrationIds ?? null, f.organizationIds ?? null, f.notYetSentTemplate ?? null],
    );
    return rows[0]?.total ?? 0;
  }

  /** How many of `ids` are registrations of the event. */
  async countRegistrationsOfEvent(eventId: string, ids: string[]): Promise<number> {
    const [row]: { n: number }[] = await this.dataSource.query(`SELECT count(*)::int AS n FROM registration WHERE event_id = $1 AND id = ANY($2::uuid[])`, [eventId, ids]);
    return row.n;
  }

  findBatch(id: string, manager: EntityManager = this.dataSource.manager): Promise<InvitationBatch | null> {
    return manager.findOneBy(InvitationBatch, { id });
  }

  /**
   * Up to `limit` recipients of the batch whose mail is not written yet, locked for this
   * transaction (SKIP LOCKED: two runs of the fan-out split them instead of writing two mails).
   */
  async claimUnrendered(manager: EntityManager, batchId: string, limit: number): Promise<(MailRecipient & { invitationId: string })[]> {
    return manager.query(
      `SELECT i.id AS "invitationId", r.id, r.event_id AS "eventId", r.language, r.full_name AS "fullName", r.email, r.code, r.status
         FROM invitation i JOIN registration r ON r.id = i.registration_id
        WHERE i.batch_id = $1 AND i.mail_message_id IS NULL
        ORDER BY i.id
        LIMIT $2
        FOR UPDATE OF i SKIP LOCKED`,
      [batchId, limit],
    );
  }

  async setMessages(manager: EntityManager, invitationIds: string[], messageIds: string[]): Promise<void> {
    await manager.query(
      `UPDATE invitation i SET mail_message_id = t.message_id
         FROM unnest($1::uuid[], $2::uuid[]) AS t(id, message_id)
        WHERE i.id = t.id`,
      [invitationIds, messageIds],
    );
  }

  async markRendered(batchId: string): Promise<void> {
    await this.dataSource.query(`UPDATE invitation_batch SET rendered_at = now() WHERE id = $1 AND rendered_at IS NULL`, [batchId]);
  }

  async counts(batchId: string): Promise<BatchCounts> {
    const [row]: BatchCounts[] = await this.dataSource.query(
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE s = 'queued')::int AS queued,
              count(*) FILTER (WHERE s = 'sending')::int AS sending,
              count(*) FILTER (WHERE s = 'sent')::int AS sent,
              count(*) FILTER (WHERE s = 'failed')::int AS failed
         FROM (SELECT ${STATUS_SQL} AS s FROM invitation i LEFT JOIN mail_message m ON m.id = i.mail_message_id WHERE i.batch_id = $1) x`,
      [batchId],
    );
    return row;
  }

  async list(f: { eventId: string; batchId?: string; status?: string; page: number; pageSize: number }): Promise<[InvitationRow[], number]> {
    const where = `i.event_id = $1 AND ($2::uuid IS NULL OR i.batch_id = $2) AND ($3::text IS NULL OR ${STATUS_SQL} = $3)`;
    const from = `FROM invitation i
                  JOIN invitation_batch b ON b.id = i.batch_id
                  JOIN registration r ON r.id = i.registration_id
                  LEFT JOIN mail_message m ON m.id = i.mail_message_id`;
    const params = [f.eventId, f.batchId ?? null, f.status ?? null];
    const rows: InvitationRow[] = await this.dataSource.query(
      `SELECT i.id, i.batch_id AS "batchId", i.registration_id AS "registrationId", r.full_name AS "fullName", r.email, r.language,
              b.template, ${STATUS_SQL} AS status, COALESCE(m.attempts, 0) AS attempts, m.last_error AS "lastError", m.sent_at AS "sentAt",
              i.mail_message_id AS "mailMessageId", i.created_at AS "createdAt"
         ${from}
        WHERE ${where}
        ORDER BY i.created_at DESC, i.id
        LIMIT $4 OFFSET $5`,
      [...params, f.pageSize, (f.page - 1) * f.pageSize],
    );
    const [{ n }]: { n: number }[] = await this.dataSource.query(`SELECT count(*)::int AS n ${from} WHERE ${where}`, params);
    return [rows, n];
  }

  /** The failed mails of a batch (or of these invitations of it). */
  async failedMessageIds(batchId: string, invitationIds?: string[]): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT m.id FROM invitation i JOIN mail_message m ON m.id = i.mail_message_id
        WHERE i.batch_id = $1 AND m.status = 'failed' AND ($2::uuid[] IS NULL OR i.id = ANY($2::uuid[]))`,
      [batchId, invitationIds ?? null],
    );
    return rows.map((r) => r.id);
  }

  /** The event's batches, newest first (the invitations page). */
  async batchesOf(eventId: string, limit = 20): Promise<InvitationBatch[]> {
    return this.dataSource.manager.find(InvitationBatch, { where: { eventId }, order: { createdAt: 'DESC', id: 'ASC' }, take: limit });
  }

  /** The event's first registration in `language` (the preview's recipient). */
  async firstRecipient(eventId: string, language: string): Promise<MailRecipient | null> {
    const rows: MailRecipient[] = await this.dataSource.query(
      `SELECT id, event_id AS "eventId", language, full_name AS "fullName", email, code, status
         FROM registration WHERE event_id = $1 AND language = $2 AND status <> 'cancelled' ORDER BY created_at, id LIMIT 1`,
      [eventId, language],
    );
    return rows[0] ?? null;
  }

  /** The registration of `eventId` with this address (case-insensitive), for "lost your link?". */
  async findRecipientByEmail(eventId: string, email: string): Promise<MailRecipient | null> {
    const rows: MailRecipient[] = await this.dataSource.query(
      `SELECT id, event_id AS "eventId", language, full_name AS "fullName", email, code, status
         FROM registration WHERE event_id = $1 AND lower(email) = lower($2)`,
      [eventId, email.trim()],
    );
    return rows[0] ?? null;
  }
}
