import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  ATTENDANCE_LIST_SQL,
  ATTENDANCE_REPORT_SQL,
  ATTENDANCE_UNITS_SQL,
  EVENT_REPORT_SQL,
  FOLD_TALLY_SQL,
  HOME_FIGURES_SQL,
  NEXT_EVENTS_SQL,
} from './reports.sql';

/** The event report as PostgreSQL writes it: api.md's EventReportDto as JSON text, and how long the event's tally has grown. */
export interface EventReportRow {
  json: string;
  /** Rows of the event's registration tally that a fold would remove (not part of the report). */
  tallySurplus: number;
}

/** One person of an attendance list. */
export interface AttendancePerson {
  id: string;
  fullName: string;
  position: string | null;
  email: string;
  phone: string | null;
  role: string;
  code: string;
  organizationId: string | null;
  organizationName: string | null;
  checkedInAt: Date | null;
}

export interface AttendanceUnit {
  organizationId: string | null;
  organizationName: string | null;
  confirmed: number;
  checkedIn: number;
}

export interface HomeFigures {
  upcomingEvents: number;
  confirmedRegistrations: number;
  waitlisted: number;
  checkInsToday: number;
}

export interface NextEvent {
  id: string;
  title: string;
  titleEn: string | null;
  startsAt: Date;
  timezone: string;
  confirmedCount: number;
  capacity: number | null;
  checkedIn: number;
}

/** Rows fetched per round trip when an export streams a list through a cursor. */
const CURSOR_BATCH = 2_000;

/**
 * Aggregates for reports, each one statement (see reports.sql.ts for why a report reads the
 * tables of several domains). Lists for exports stream through a server-side cursor, so an
 * export of 100,000 people never holds them all.
 */
@Injectable()
export class ReportsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async eventReport(eventId: string): Promise<EventReportRow> {
    const [row] = await this.db.query(EVENT_REPORT_SQL, [eventId]);
    return row;
  }

  /** Folds the event's registration tally into one row per group (FOLD_TALLY_SQL): the rows it deleted and the sums it wrote. */
  async foldTally(eventId: string): Promise<{ deleted: number; written: number }> {
    const [row] = await this.db.query(FOLD_TALLY_SQL, [eventId]);
    return row;
  }

  /** `rootId`'s subtree over the period, among the events of `scopeRoot`'s subtree (null: every unit, every event): api.md's AttendanceReportDto as JSON text. */
  async attendanceReport(rootId: string | null, from: string, to: string, scopeRoot: string | null): Promise<string> {
    const [row] = await this.db.query(ATTENDANCE_REPORT_SQL, [rootId, from, to, scopeRoot]);
    return row.json;
  }

  attendanceUnits(eventId: string): Promise<AttendanceUnit[]> {
    return this.db.query(ATTENDANCE_UNITS_SQL, [eventId]);
  }

  /** The whole list at once: for PDFs, which hold their pages anyway. */
  attendanceList(eventId: string): Promise<AttendancePerson[]> {
    return this.db.query(ATTENDANCE_LIST_SQL, [eventId]);
  }

  /** The list in batches through a cursor (one snapshot, one connection held until the last batch or an early return). */
  async *streamAttendanceList(eventId: string): AsyncGenerator<AttendancePerson[]> {
    const runner = this.db.createQueryRunner('slave');
    await runner.connect();
    let open = false;
    try {
      await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      open = true;
      await runner.query(`DECLARE td_attendance NO SCROLL CURSOR FOR ${ATTENDANCE_LIST_SQL}`, [eventId]);
      for (;;) {
        const rows: AttendancePerson[] = await runner.query(`FETCH ${CURSOR_BATCH} FROM td_attendance`);
        if (rows.length) yield rows;
        if (rows.length < CURSOR_BATCH) break;
      }
      await runner.query('COMMIT');
      open = false;
    } finally {
      // An error, or an early return (the client went away): ROLLBACK also closes the cursor.
      if (open) await runner.query('ROLLBACK').catch(() => undefined);
      await runner.release();
    }
  }

  async homeFigures(rootId: string | null, now: Date): Promise<HomeFigures> {
    const [row] = await this.db.query(HOME_FIGURES_SQL, [rootId, now]);
    return row;
  }

  nextEvents(rootId: string | null, now: Date, limit: number): Promise<NextEvent[]> {
    return this.db.query(NEXT_EVENTS_SQL, [rootId, now, limit]);
  }
}
