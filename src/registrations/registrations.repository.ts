import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, QueryFailedError, Repository } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { runInTransaction } from '../database/transaction';
import type { PreparedMail } from '../mail/mail.service';
import { Registration, RegistrationRole, RegistrationStatus } from './registration.entity';
import { viPersonOrder } from '../database/vietnamese-order';

/** A registration row to insert (the service has decided status, code and token). */
export type NewRegistration = Pick<
  Registration,
  'id' | 'eventId' | 'fullName' | 'email' | 'phone' | 'position' | 'organizationId' | 'role' | 'language' | 'status' | 'source' | 'tokenHash' | 'code' | 'createdById'
>;

// The seat UPDATE runs first (the registration INSERT reads it) and takes the event row lock; the
// inserts that follow and the COMMIT are all server-side. Data-modifying CTEs always run to
// completion, so the mail and outbox rows are written whenever the registration is.
// Exported with its values (below) for the bench's raw limit server (test/bench/limit-server.ts).
export const CONFIRMED_WITH_SEAT_SQL = `
  WITH seat AS (
    UPDATE event SET confirmed_count = confirmed_count + 1
     WHERE id = $1 AND status = ANY($2::text[]) AND (capacity IS NULL OR confirmed_count < capacity)
    RETURNING id
  ), reg AS (
    INSERT INTO registration (id, event_id, full_name, email, phone, position, organization_id, role, language, status, source,
                              token_hash, code, created_by_id, confirmed_at)
    SELECT $3::uuid, seat.id, $4, $5, $6, $7, $8::uuid, $9, $10, 'confirmed', $11, $12::bytea, $13, $14::uuid, now() FROM seat
    RETURNING id, created_at, updated_at, confirmed_at
  ), mail AS (
    INSERT INTO mail_message (id, to_address, to_name, template, locale, subject, html, text, attachments, registration_id, kind, event_id)
    SELECT $15::uuid, $16, $17, $18, $19, $20, $21, $22, $23::jsonb, reg.id, $24, $1 FROM reg
    RETURNING id
  ), job AS (
    INSERT INTO outbox (id, job_name, payload, dedup_key, job_id, run_at)
    SELECT $25::uuid, $26, $27::jsonb, $28, $29, COALESCE($30::timestamptz, now()) FROM mail
    ON CONFLICT (job_id) DO NOTHING
  )
  SELECT created_at AS "createdAt", updated_at AS "updatedAt", confirmed_at AS "confirmedAt" FROM reg`;

/** The parameters of CONFIRMED_WITH_SEAT_SQL, in its order. */
export function confirmedWithSeatValues(row: NewRegistration, statuses: readonly string[], mail: PreparedMail): unknown[] {
  const { message: m, job } = mail;
  return [
    row.eventId, statuses, row.id, row.fullName, row.email, row.phone, row.position, row.organizationId, row.role,
    row.language, row.source, row.tokenHash, row.code, row.createdById,
    m.id, m.toAddress, m.toName, m.template, m.locale, m.subject, m.html, m.text, m.attachments === null ? null : JSON.stringify(m.attachments), m.kind,
    job.id, job.jobName, JSON.stringify(job.payload), job.dedupKey, job.jobId, job.runAt,
  ];
}

export interface RegistrationFilter {
  eventId: string;
  status?: RegistrationStatus;
  role?: RegistrationRole;
  /** Units whose delegates are listed (a unit's subtree, from the organizations domain). */
  organizationIds?: string[];
  q?: string;
  /** `name` (the default), `status` or `created`; a leading `-` reverses. */
  sort?: string;
  page: number;
  pageSize: number;
}

@Injectable()
export class RegistrationsRepository {
  constructor(@InjectRepository(Registration) private readonly repo: Repository<Registration>) {}

  /** A transaction retried on deadlock / serialization failure (see runInTransaction): `work` may run more than once. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return runInTransaction(this.repo.manager, work);
  }

  private pool(): { query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: any[] }> } {
    return (this.repo.manager.connection.driver as PostgresDriver).master;
  }

  findById(id: string, manager: EntityManager = this.repo.manager): Promise<Registration | null> {
    return manager.findOneBy(Registration, { id });
  }

  /** Locks the row: every status change goes through here, so two changes of one registration serialize. */
  findByIdForUpdate(manager: EntityManager, id: string): Promise<Registration | null> {
    return manager.findOne(Registration, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  findByTokenHash(hash: Buffer, manager: EntityManager = this.repo.manager): Promise<Registration | null> {
    return manager.findOneBy(Registration, { tokenHash: hash });
  }

  findByTokenHashForUpdate(manager: EntityManager, hash: Buffer): Promise<Registration | null> {
    return manager.findOne(Registration, { where: { tokenHash: hash }, lock: { mode: 'pessimistic_write' } });
  }

  // Seats: event.confirmed_count is this domain's counter of confirmed delegates, kept on the event
  // row so that a seat is one conditional UPDATE under that row's lock. It is written only here, in
  // the registration's own transaction or statement (the storm's single statement needs it there).

  /**
   * Takes one seat: a conditional increment of the event's counter. The row
   * lock it takes lasts until the caller commits, so it is the last thing
   * before the few writes that depend on it. False when the event is full or
   * not in one of `statuses`.
   */
  async takeSeat(manager: EntityManager, eventId: string, statuses: readonly string[]): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows, affectedCount].
    const [rows]: [unknown[], number] = await manager.query(
      `UPDATE event SET confirmed_count = confirmed_count + 1
        WHERE id = $1 AND status = ANY($2) AND (capacity IS NULL OR confirmed_count < capacity)
        RETURNING confirmed_count`,
      [eventId, statuses],
    );
    return rows.length > 0;
  }

  /**
   * A confirmed delegate in ONE autocommitted statement: the seat (the
   * conditional increment of the event's counter), the registration, its
   * confirmation mail and the mail's outbox row. The event row is locked
   * only while PostgreSQL runs the three inserts and commits, never across
   * a round trip to this process, so seat-takers queue for microseconds
   * instead of milliseconds; and the mail exists exactly when the seat
   * does. Null when no seat was taken (full, or the event not in
   * `statuses`): then nothing was written. A named prepared statement, as
   * the check-in: parsed and planned once per connection.
   */
  async insertConfirmedTakingSeat(
    row: NewRegistration,
    statuses: readonly string[],
    mail: PreparedMail,
  ): Promise<Pick<Registration, 'createdAt' | 'updatedAt' | 'confirmedAt'> | null> {
    const values = confirmedWithSeatValues(row, statuses, mail);
    try {
      const { rows } = await this.pool().query({ name: 'td_registration_confirmed_with_seat', text: CONFIRMED_WITH_SEAT_SQL, values });
      return rows[0] ?? null;
    } catch (err) {
      // As TypeORM reports driver errors, so the unique-email 409 and the error filter's mapping apply.
      throw err instanceof Error && 'code' in err ? new QueryFailedError(CONFIRMED_WITH_SEAT_SQL, values, err) : err;
    }
  }

  /** Takes up to `wanted` seats at once (import); returns how many it got. */
  async takeSeats(manager: EntityManager, eventId: string, wanted: number): Promise<number> {
    if (wanted === 0) return 0;
    const [rows]: [{ granted: number }[], number] = await manager.query(
      `WITH before AS (SELECT confirmed_count, capacity FROM event WHERE id = $1 AND status <> 'cancelled' FOR UPDATE)
       UPDATE event e
          SET confirmed_count = e.confirmed_count + LEAST($2::int, COALESCE(b.capacity - b.confirmed_count, $2::int))
         FROM before b
        WHERE e.id = $1
       RETURNING e.confirmed_count - b.confirmed_count AS granted`,
      [eventId, wanted],
    );
    return rows[0]?.granted ?? 0;
  }

  async releaseSeat(manager: EntityManager, eventId: string): Promise<void> {
    await manager.query(`UPDATE event SET confirmed_count = confirmed_count - 1 WHERE id = $1`, [eventId]);
  }

  /**
   * Confirms the oldest waiting delegates while seats are free, in one statement whatever their
   * number: the event row is locked, as many waiting rows as there are free seats are picked in
   * waiting order (a row someone else is changing right now is passed over, SKIP LOCKED), confirmed,
   * and the seats counted (waitlisted_at stays: when they started waiting). Returns the promoted registrations.
   */
  async promoteWaitlisted(manager: EntityManager, eventId: string, statuses: readonly string[]): Promise<Registration[]> {
    // A SELECT at the top: TypeORM answers it with the rows themselves.
    const rows: Record<string, unknown>[] = await manager.query(
      `WITH ev AS (
         SELECT id, CASE WHEN capacity IS NULL THEN NULL ELSE GREATEST(capacity - confirmed_count, 0) END AS free
           FROM event WHERE id = $1 AND status = ANY($2::text[]) FOR UPDATE
       ), pick AS (
         SELECT r.id FROM registration r
          WHERE r.event_id = $1 AND r.status = 'waitlisted' AND EXISTS (SELECT 1 FROM ev)
          ORDER BY r.waitlisted_at, r.id
          LIMIT (SELECT free FROM ev)
          FOR UPDATE OF r SKIP LOCKED
       ), promoted AS (
         UPDATE registration r SET status = 'confirmed', confirmed_at = now(), updated_at = now()
           FROM pick WHERE r.id = pick.id
         RETURNING r.*
       ), seats AS (
         UPDATE event SET confirmed_count = confirmed_count + (SELECT count(*) FROM promoted)
          WHERE id = $1 AND EXISTS (SELECT 1 FROM promoted)
       )
       SELECT * FROM promoted ORDER BY waitlisted_at, id`,
      [eventId, statuses],
    );
    return rows.map((row) => this.fromRow(row));
  }

  /** Ends every remaining wait (the waiting list was switched off); returns those registrations. */
  async cancelWaitlisted(manager: EntityManager, eventId: string): Promise<Registration[]> {
    const [rows]: [Record<string, unknown>[], number] = await manager.query(
      `UPDATE registration SET status = 'cancelled', cancelled_at = now(), waitlisted_at = NULL, updated_at = now()
        WHERE event_id = $1 AND status = 'waitlisted'
       RETURNING *`,
      [eventId],
    );
    return rows.map((row) => this.fromRow(row));
  }

  /** A raw registration row (snake_case columns) as the entity. */
  private fromRow(row: Record<string, unknown>): Registration {
    return this.repo.manager.create(Registration, Object.fromEntries(Object.entries(row).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v])));
  }

  create(manager: EntityManager, row: NewRegistration): Promise<Registration> {
    const entity = manager.create(Registration, {
      ...row,
      confirmedAt: row.status === 'confirmed' ? new Date() : null,
      waitlistedAt: row.status === 'waitlisted' ? new Date() : null,
    });
    return manager.save(Registration, entity);
  }

  /** Writes the mutable fields of `r` (one UPDATE, no read-before-write). */
  async update(manager: EntityManager, r: Registration): Promise<void> {
    await manager.update(Registration, { id: r.id }, {
      fullName: r.fullName,
      email: r.email,
      phone: r.phone,
      position: r.position,
      organizationId: r.organizationId,
      role: r.role,
      language: r.language,
      status: r.status,
      confirmedAt: r.confirmedAt,
      waitlistedAt: r.waitlistedAt,
      declinedAt: r.declinedAt,
      cancelledAt: r.cancelledAt,
    });
  }

  /** One INSERT for the whole batch (import): unnest of column arrays, no per-row round trip. */
  async insertMany(manager: EntityManager, rows: NewRegistration[]): Promise<void> {
    if (!rows.length) return;
    const col = <K extends keyof NewRegistration>(k: K) => rows.map((r) => r[k]);
    await manager.query(
      `INSERT INTO registration (id, event_id, full_name, email, phone, position, organization_id, role, language, status, source,
                                 token_hash, code, created_by_id, confirmed_at, waitlisted_at)
       SELECT t.id, t.event_id, t.full_name, t.email, t.phone, t.position, t.organization_id, t.role, t.language, t.status, t.source,
              t.token_hash, t.code, t.created_by_id,
              CASE WHEN t.status = 'confirmed' THEN now() END,
              -- clock_timestamp() plus the row's ordinal keeps the file's order on the waitlist.
              CASE WHEN t.status = 'waitlisted' THEN now() + (t.ord * interval '1 microsecond') END
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::text[], $8::text[], $9::text[],
                     $10::text[], $11::bytea[], $12::text[], $13::uuid[], $14::uuid[])
              WITH ORDINALITY AS t(event_id, full_name, email, phone, position, organization_id, role, language, status, source,
                                   token_hash, code, created_by_id, id, ord)`,
      [
        col('eventId'), col('fullName'), col('email'), col('phone'), col('position'), col('organizationId'), col('role'),
        col('language'), col('status'), col('source'), col('tokenHash'), col('code'), col('createdById'), col('id'),
      ],
    );
  }

  /** Which of `emails` (lower-cased) already have a registration for the event. */
  async existingEmails(manager: EntityManager, eventId: string, emails: string[]): Promise<Set<string>> {
    if (!emails.length) return new Set();
    const rows: { email: string }[] = await manager.query(
      `SELECT lower(email) AS email FROM registration WHERE event_id = $1 AND lower(email) = ANY($2::text[])`,
      [eventId, emails],
    );
    return new Set(rows.map((r) => r.email));
  }

  async list(f: RegistrationFilter): Promise<[Registration[], number]> {
    const q = this.repo.createQueryBuilder('r').where('r.event_id = :eventId', { eventId: f.eventId });
    if (f.status) q.andWhere('r.status = :status', { status: f.status });
    if (f.role) q.andWhere('r.role = :role', { role: f.role });
    if (f.organizationIds) {
      q.andWhere('r.organization_id = ANY(:orgs::uuid[])', { orgs: f.organizationIds });
    }
    if (f.q) {
      const like = '%' + f.q.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
      q.andWhere(`td_search_fold(r.full_name || ' ' || r.email) LIKE td_search_fold(:like)`, { like });
    }
    // Vietnamese order, by given name (see database/vietnamese-order.ts), within any other chosen order.
    const desc = f.sort?.startsWith('-') ? 'DESC' : 'ASC';
    const by = f.sort?.replace(/^-/, '') ?? 'name';
    if (by === 'status') q.orderBy('r.status', desc);
    else if (by === 'created') q.orderBy('r.created_at', desc);
    const nameOrder = desc === 'DESC' && by === 'name' ? viPersonOrder('r.full_name').replace(/COLLATE vi/g, 'COLLATE vi DESC') : viPersonOrder('r.full_name');
    if (by === 'name') q.orderBy(nameOrder);
    else q.addOrderBy(nameOrder);
    return q
      .addOrderBy('r.id', 'ASC')
      .skip((f.page - 1) * f.pageSize)
      .take(f.pageSize)
      .getManyAndCount();
  }
}
