import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { AuthUser } from '../auth/auth-user';
import { DEFAULT_TIMEZONE } from '../events/event-time';
import { EventsService } from '../events/events.service';
import type { TrainingEvent } from '../events/event.entity';
import { ForbiddenError, InvalidInputError } from '../http/domain-errors';
import { OrganizationScopeService } from '../organizations/organization-scope.service';
import { AttendanceQueryDto, AttendanceReportDto, EventReportDto } from './dto/report.dto';
import { daysBetween, defaultPeriod, isCalendarDate } from './report-math';
import { AttendancePerson, AttendanceUnit, HomeFigures, NextEvent, ReportsRepository } from './reports.repository';

/** Who may read reports and exports: leadership and organizers (admin always). */
export const REPORT_ROLES = ['leader', 'organizer'] as const;
/**
 * A report folds its event's registration tally (ReportsRepository.foldTally) when it read more
 * than this many rows beyond one per group. Each delta row costs a report about a microsecond, so
 * 1,000 of them are not worth a write; a check-in storm writes that many in a second or two, and
 * the next report after it folds them.
 */
export const FOLD_TALLY_SURPLUS = 1_000;
/** The longest period a leadership report covers. */
const MAX_PERIOD_DAYS = 5 * 366;

/**
 * Attendance reports. The rule for who may read them is here once: the caller's role (reports are
 * for leaders and organizers) and the event's or unit's place in the caller's subtree.
 */
@Injectable()
export class ReportsService implements OnModuleDestroy {
  private readonly logger = new Logger(ReportsService.name);
  /** Events whose tally this process is folding (one fold per event at a time; another replica's fold is harmless, see FOLD_TALLY_SQL). */
  private readonly folding = new Map<string, Promise<void>>();

  constructor(
    private readonly reports: ReportsRepository,
    private readonly events: EventsService,
    private readonly scope: OrganizationScopeService,
  ) {}

  /** A fold under way finishes before the database connections close. */
  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.folding.values());
  }

  /** The event if `user` may read its reports: a report role, and the event in their subtree (404 / 403). */
  async readableEvent(user: AuthUser, eventId: string, roles: readonly string[] = REPORT_ROLES): Promise<TrainingEvent> {
    this.assertReportRole(user, roles);
    return this.events.assertReadable(user, eventId);
  }

  /** 403 unless `user` has one of `roles` (admin always may). */
  private assertReportRole(user: AuthUser, roles: readonly string[] = REPORT_ROLES): void {
    if (user.role !== 'admin' && !roles.includes(user.role)) throw new ForbiddenError(`this needs the role ${roles.join(' or ')}; you are ${user.role}`);
  }

  /**
   * The event report as JSON text, built whole by PostgreSQL (EVENT_REPORT_SQL): the API sends it as
   * it is, without parsing and serializing again the 120 KB of a 500-unit report.
   */
  async eventReportJson(user: AuthUser, eventId: string): Promise<string> {
    this.assertReportRole(user);
    // The subtree check and the report in parallel (one round trip less, a fifth of a report's time over
    // the bare SQL): nothing of the report leaves here unless the check passed, and it only reads.
    const [, row] = await Promise.all([this.events.assertReadable(user, eventId), this.reports.eventReport(eventId)]);
    if (row.tallySurplus > FOLD_TALLY_SURPLUS) void this.foldTally(eventId);
    return row.json;
  }

  /** The event report as an object (for the pages). */
  async eventReport(user: AuthUser, eventId: string): Promise<EventReportDto> {
    return JSON.parse(await this.eventReportJson(user, eventId)) as EventReportDto;
  }

  /**
   * Folds the event's registration tally in the background of the report that found it long: the
   * figures are exact either way (the sums do not change), so the report does not wait, and a
   * failure (the database gone for a moment) only leaves the fold to the next report.
   */
  foldTally(eventId: string): Promise<void> {
    const running = this.folding.get(eventId);
    if (running) return running;
    const fold = this.reports
      .foldTally(eventId)
      .then(({ deleted, written }) => this.logger.debug(`folded the registration tally of event ${eventId}: ${deleted} rows into ${written}`))
      .catch((err: unknown) => this.logger.warn(`could not fold the registration tally of event ${eventId}: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => this.folding.delete(eventId));
    this.folding.set(eventId, fold);
    return fold;
  }

  /** The leadership report as JSON text, built whole by PostgreSQL (ATTENDANCE_REPORT_SQL), sent as it is. */
  async attendanceJson(user: AuthUser, q: AttendanceQueryDto, now = new Date()): Promise<string> {
    this.assertReportRole(user);
    const period = defaultPeriod(now, DEFAULT_TIMEZONE);
    const from = q.from ?? period.from;
    const to = q.to ?? (q.from && q.from > period.to ? q.from : period.to);
    if (!isCalendarDate(from)) throw new InvalidInputError('from', 'is not a calendar date');
    if (!isCalendarDate(to)) throw new InvalidInputError('to', 'is not a calendar date');
    const days = daysBetween(from, to);
    if (days < 0) throw new InvalidInputError('to', 'is before from');
    if (days > MAX_PERIOD_DAYS) throw new InvalidInputError('to', 'is more than 5 years after from; choose a shorter period');
    const root = q.organizationId ?? this.scope.scopeRoot(user);
    if (q.organizationId) await this.scope.assertInScope(user, q.organizationId);
    // The delegates of `root`'s subtree, at the events the caller may read (a district's delegates at the province's trainings).
    return this.reports.attendanceReport(root, from, to, this.scope.scopeRoot(user));
  }

  /** The leadership report as an object (for the pages). */
  async attendance(user: AuthUser, q: AttendanceQueryDto, now = new Date()): Promise<AttendanceReportDto> {
    return JSON.parse(await this.attendanceJson(user, q, now)) as AttendanceReportDto;
  }

  /** The attendance list of an event `user` may export, in batches (Vietnamese order, grouped by unit). */
  async attendanceStream(user: AuthUser, eventId: string, roles: readonly string[] = REPORT_ROLES): Promise<{ event: TrainingEvent; units: AttendanceUnit[]; batches: AsyncGenerator<AttendancePerson[]> }> {
    const event = await this.readableEvent(user, eventId, roles);
    const units = await this.reports.attendanceUnits(eventId);
    return { event, units, batches: this.reports.streamAttendanceList(eventId) };
  }

  /** The whole attendance list (for PDFs). */
  async attendanceList(user: AuthUser, eventId: string, roles: readonly string[]): Promise<{ event: TrainingEvent; people: AttendancePerson[] }> {
    const event = await this.readableEvent(user, eventId, roles);
    return { event, people: await this.reports.attendanceList(eventId) };
  }

  /** The live figures of `user`'s home page, over their subtree. */
  async home(user: AuthUser, now = new Date()): Promise<{ figures: HomeFigures; next: NextEvent[] }> {
    const root = this.scope.scopeRoot(user);
    const [figures, next] = await Promise.all([this.reports.homeFigures(root, now), this.reports.nextEvents(root, now, 5)]);
    return { figures, next };
  }
}
