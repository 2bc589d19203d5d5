import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { retryOnceIfConnectionLost } from '../database/connection-errors';
import { runInTransaction } from '../database/transaction';

/** What the one check-in statement learns: the event, the registration, and the check-in inserted or found. */
export interface CheckInAttempt {
  eventStatus: string | null;
  inScope: boolean;
  sessionOk: boolean;
  registrationId: string | null;
  registrationStatus: string | null;
  fullName: string | null;
  email: string | null;
  position: string | null;
  role: string | null;
  organizationId: string | null;
  code: string | null;
  /** Set when this call inserted the check-in. */
  insertedId: string | null;
  /** The check-in row (inserted or the one already there). */
  checkInId: string | null;
  sessionId: string | null;
  checkedInAt: Date | null;
  nonce: string | null;
}

export interface CheckInCommand {
  eventId: string;
  by: { code: string } | { registrationId: string };
  sessionId: string | null;
  scannedAt: Date;
  userId: string;
  nonce: string | null;
  /** Organization subtree root of the user; null = admin. */
  scopeRoot: string | null;
}

const ATTEMPT_SQL = (match: string) => `
  WITH ev AS (
    SELECT e.id, e.status,
           ($7::uuid IS NULL OR e.organization_id = $7::uuid
             OR EXISTS (SELECT 1 FROM organization o WHERE o.id = e.organization_id AND o.path @> ARRAY[$7::uuid])) AS in_scope
      FROM event e WHERE e.id = $1
  ), reg AS (
    SELECT r.id, r.status, r.full_name, r.email, r.position, r.role, r.organization_id, r.code
      FROM registration r WHERE ${match} AND r.event_id = $1
  ), ses AS (
    SELECT ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM session s WHERE s.id = $3::uuid AND s.event_id = $1)) AS ok
  ), ins AS (
    INSERT INTO check_in (event_id, registration_id, session_id, checked_in_at, checked_in_by_id, nonce)
    SELECT $1, reg.id, $3::uuid, $4, $5, $6 FROM ev, reg, ses
     WHERE ev.in_scope AND ev.status IN ('published', 'completed') AND reg.status = 'confirmed' AND ses.ok
    ON CONFLICT DO NOTHING
    RETURNING id, session_id, checked_in_at, nonce
  )
  SELECT ev.status AS "eventStatus", ev.in_scope AS "inScope", ses.ok AS "sessionOk",
         reg.id AS "registrationId", reg.status AS "registrationStatus", reg.full_name AS "fullName", reg.email,
         reg.position, reg.role, reg.organization_id AS "organizationId", reg.code,
         ins.id AS "insertedId",
         COALESCE(ins.id, ex.id) AS "checkInId", COALESCE(ins.session_id, ex.session_id) AS "sessionId",
         COALESCE(ins.checked_in_at, ex.checked_in_at) AS "checkedInAt", COALESCE(ins.nonce, ex.nonce) AS nonce
    FROM ev CROSS JOIN ses
    LEFT JOIN reg ON true
    LEFT JOIN ins ON true
    LEFT JOIN check_in ex ON ins.id IS NULL AND ex.registration_id = reg.id
                         AND ex.session_id IS NOT DISTINCT FROM $3::uuid`;
/** The check-in by code (exported for the bench's raw node:http + pg limit server, test/bench/limit-server.ts). */
export const BY_CODE = ATTEMPT_SQL('r.code = $2');
const BY_ID = ATTEMPT_SQL('r.id = $2::uuid');

@Injectable()
export class CheckInsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * The whole check-in in one statement (one round trip): event status and
   * scope, registration by code or id, session ownership, the insert (a
   * no-op when the check-in exists: the unique index decides), and the
   * existing row. Null when the event does not exist.
   */
  async attempt(c: CheckInCommand): Promise<CheckInAttempt | null> {
    const byCode = 'code' in c.by;
    const key = 'code' in c.by ? c.by.code : c.by.registrationId;
    const values = [c.eventId, key, c.sessionId, c.scannedAt, c.userId, c.nonce, c.scopeRoot];
    // A named prepared statement on the pg pool, not DataSource.query(): PostgreSQL then parses and
    // plans this CTE once per connection instead of on every scan (the door's hot path).
    const pool = (this.db.driver as PostgresDriver).master as { query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: CheckInAttempt[] }> };
    // One idempotent statement (ON CONFLICT DO NOTHING, then the existing row is read): safe to run again
    // when the connection was lost under it, even if it had committed.
    const { rows } = await retryOnceIfConnectionLost(() =>
      pool.query({ name: byCode ? 'td_check_in_by_code' : 'td_check_in_by_id', text: byCode ? BY_CODE : BY_ID, values }),
    );
    return rows[0] ?? null;
  }

  /**
   * The existing check-in, read after the statement above lost a race: the
   * row that blocked its insert was committed after its snapshot was taken.
   */
  async findExisting(registrationId: string, sessionId: string | null): Promise<{ id: string; sessionId: string | null; checkedInAt: Date; nonce: string | null } | null> {
    const rows = await this.db.query(
      `SELECT id, session_id AS "sessionId", checked_in_at AS "checkedInAt", nonce FROM check_in
        WHERE registration_id = $1 AND session_id IS NOT DISTINCT FROM $2::uuid`,
      [registrationId, sessionId],
    );
    return rows[0] ?? null;
  }

  async findEventOfCheckIn(id: string): Promise<{ eventId: string; organizationId: string } | null> {
    const rows = await this.db.query(
      `SELECT c.event_id AS "eventId", e.organization_id AS "organizationId" FROM check_in c JOIN event e ON e.id = c.event_id WHERE c.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Deletes the check-in (in the caller's transaction when given); returns what it was, or null when it was already gone. */
  async delete(id: string, manager?: EntityManager): Promise<{ registrationId: string; sessionId: string | null; checkedInAt: Date } | null> {
    const rows = await (manager ?? this.db.manager).query(
      `WITH gone AS (DELETE FROM check_in WHERE id = $1 RETURNING registration_id, session_id, checked_in_at)
       SELECT registration_id AS "registrationId", session_id AS "sessionId", checked_in_at AS "checkedInAt" FROM gone`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** A transaction retried on deadlock / serialization failure (see runInTransaction): `work` may run more than once. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return runInTransaction(this.db, work);
  }

  findEvent(id: string): Promise<{ id: string; organizationId: string; status: string }[]> {
    return this.db.query(`SELECT id, organization_id AS "organizationId", status FROM event WHERE id = $1`, [id]);
  }

  /**
   * Live counts: confirmed registrations, those checked in (at the door or
   * any session), and per session — two aggregate queries on indexes.
   */
  async stats(eventId: string): Promise<{ expected: number; checkedIn: number; bySession: { sessionId: string; title: string; startsAt: Date; checkedIn: number }[] }> {
    const [totals] = await this.db.query(
      `SELECT count(*)::int AS expected,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM check_in c WHERE c.registration_id = r.id))::int AS "checkedIn",
              count(*) FILTER (WHERE r.role = 'delegate')::int AS "expectedDelegates"
         FROM registration r WHERE r.event_id = $1 AND r.status = 'confirmed'`,
      [eventId],
    );
    const bySession = await this.db.query(
      `SELECT s.id AS "sessionId", s.title, s.starts_at AS "startsAt", count(c.id)::int AS "checkedIn"
         FROM session s LEFT JOIN check_in c ON c.session_id = s.id
        WHERE s.event_id = $1
        GROUP BY s.id ORDER BY s.starts_at, s.id`,
      [eventId],
    );
    return { ...totals, bySession };
  }
}
