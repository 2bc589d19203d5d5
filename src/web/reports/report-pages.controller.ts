import { Get, Query, Req, Res } from '@nestjs/common';
import { DateTime } from 'luxon';
import { AuthUser, CurrentUser, Roles } from '../../auth/auth-user';
import { InvalidInputError } from '../../http/domain-errors';
import type { FastifyReply, FastifyRequest } from '../../http/request';
import { UuidParam } from '../../http/uuid-param';
import { OrganizationsService } from '../../organizations/organizations.service';
import { AttendanceQueryDto, AttendanceReportDto, EventReportDto } from '../../reports/dto/report.dto';
import { ReportsService } from '../../reports/reports.service';
import { Locale, translator } from '../i18n/i18n';
import { parentOptions, ParentOption } from '../organizations/organization-tree';
import { WebController } from '../web-controller.decorator';
import { LineChart, monthLineChart, percent, StatusBars, statusBarChart, UnitBarChart, unitBarChart } from './charts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** View model of reports/dashboard.eta. */
interface DashboardView {
  report: AttendanceReportDto;
  units: ParentOption[];
  filter: { from: string; to: string; organizationId: string };
  rootName: string;
  unitChart: UnitBarChart;
  monthChart: LineChart;
  statusChart: StatusBars;
  events: { id: string; title: string; date: string; status: string; confirmed: number; checkedIn: number; rate: string }[];
  percent: (r: number) => string;
  canPrint: boolean;
  formError: string | null;
}

/** View model of reports/event.eta. */
interface EventReportView {
  report: EventReportDto;
  title: string;
  when: string;
  unitChart: UnitBarChart;
  percent: (r: number) => string;
  canBadges: boolean;
  sessions: { title: string; startsAt: string; checkedIn: number }[];
}

const localDay = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toFormat('dd/MM/yyyy');
const localTime = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toFormat('dd/MM/yyyy HH:mm');

/** Leadership pages: the dashboard over a period and a unit's subtree, and each event's report. */
@WebController('reports')
@Roles('leader', 'organizer')
export class ReportPagesController {
  constructor(
    private readonly reports: ReportsService,
    private readonly organizations: OrganizationsService,
  ) {}

  @Get()
  async dashboard(@CurrentUser() user: AuthUser, @Query() query: Record<string, unknown>, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const locale: Locale = req.locale ?? 'vi';
    const t = translator(locale);
    const text = (k: string) => (typeof query[k] === 'string' ? (query[k] as string).trim() : '');
    const q: AttendanceQueryDto = {};
    const organizationId = text('organizationId');
    if (UUID.test(organizationId)) q.organizationId = organizationId;
    if (DATE.test(text('from'))) q.from = text('from');
    if (DATE.test(text('to'))) q.to = text('to');
    let report: AttendanceReportDto;
    let formError: string | null = null;
    try {
      report = await this.reports.attendance(user, q);
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      formError = t('reports.invalidFilter', { message: err.message });
      report = await this.reports.attendance(user, { organizationId: q.organizationId });
    }
    const orgs = await this.organizations.list(user);
    const names = new Map(orgs.map((o) => [o.id, o.name]));
    const rootName = report.organizationId ? (names.get(report.organizationId) ?? '') : t('reports.wholeTree');
    const drill = (id: string, self: boolean) => (self ? null : `/reports?organizationId=${id}&from=${report.from}&to=${report.to}`);
    const view: DashboardView = {
      report,
      units: parentOptions(orgs),
      filter: { from: report.from, to: report.to, organizationId: report.organizationId ?? '' },
      rootName,
      unitChart: unitBarChart(report.byOrganization.map((o) => ({ ...o, label: o.self ? t('reports.self', { name: o.name }) : o.name, href: drill(o.organizationId, o.self) }))),
      monthChart: monthLineChart(report.byMonth),
      statusChart: statusBarChart(report.byStatus),
      events: report.byEvent.map((e) => ({
        id: e.eventId,
        title: locale === 'en' && e.titleEn ? e.titleEn : e.title,
        date: localDay(e.startsAt, e.timezone),
        status: e.status,
        confirmed: e.confirmed,
        checkedIn: e.checkedIn,
        rate: percent(e.attendanceRate),
      })),
      percent,
      canPrint: true,
      formError,
    };
    await res.status(formError ? 400 : 200).view('reports/dashboard', view);
  }

  @Get('events/:id')
  async event(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const locale: Locale = req.locale ?? 'vi';
    const report = await this.reports.eventReport(user, id);
    const e = report.event;
    const view: EventReportView = {
      report,
      title: locale === 'en' && e.titleEn ? e.titleEn : e.title,
      when: `${localTime(e.startsAt, e.timezone)} – ${localTime(e.endsAt, e.timezone)}`,
      unitChart: unitBarChart(report.byOrganization.map((o) => ({ ...o, label: `${'· '.repeat(Math.max(0, o.depth - (report.byOrganization[0]?.depth ?? 0)))}${o.name}`, href: null }))),
      percent,
      canBadges: user.role === 'admin' || user.role === 'organizer',
      sessions: report.bySession.map((s) => ({ title: s.title, startsAt: localTime(s.startsAt, e.timezone), checkedIn: s.checkedIn })),
    };
    await res.view('reports/event', view);
  }
}
