import { Get, Header, Query, Res } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import type { Readable } from 'node:stream';
import { AuthUser, CurrentUser, Roles } from '../auth/auth-user';
import type { TrainingEvent } from '../events/event.entity';
import { ApiController, ApiErrors } from '../http/api-controller.decorator';
import type { FastifyReply } from '../http/request';
import { UuidParam } from '../http/uuid-param';
import { attendanceCsv, attendanceXlsx } from './attendance-export';
import { badgesPdf } from './badges';
import { AttendanceQueryDto, AttendanceReportDto, EventReportDto, ExportQueryDto } from './dto/report.dto';
import { ReportsService } from './reports.service';
import { signInSheetPdf } from './sign-in-sheet';

/** The reports' JSON comes as text from PostgreSQL: without this type Fastify would call it text/plain. */
const JSON_TYPE = 'application/json; charset=utf-8';
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const SCOPE_403 = 'your role may not read reports, or the event belongs to a unit outside your subtree';

/** `attachment` with an ASCII name and the UTF-8 one (RFC 6266). */
function attachment(res: FastifyReply, kind: string, event: TrainingEvent, ext: string, type: string, body: Readable): void {
  const name = `${kind}-${event.slug}.${ext}`;
  res
    .header('Content-Type', type)
    .header('Content-Disposition', `attachment; filename="${name.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`)
    .header('Cache-Control', 'private, no-store')
    .send(body);
}

@ApiController('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  /** JSON written by PostgreSQL, sent as it is (ReportsService.eventReportJson). */
  @Get('events/:id')
  @Roles('leader', 'organizer')
  @Header('Content-Type', JSON_TYPE)
  @ApiOkResponse({ type: EventReportDto })
  @ApiErrors({ 403: SCOPE_403 })
  eventReport(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<string> {
    return this.reports.eventReportJson(user, id);
  }

  /** The leadership report over a period for a unit's whole subtree (JSON written by PostgreSQL, sent as it is). */
  @Get('attendance')
  @Roles('leader', 'organizer')
  @Header('Content-Type', JSON_TYPE)
  @ApiOkResponse({ type: AttendanceReportDto })
  @ApiErrors({ 400: 'from or to is not a date YYYY-MM-DD, to is before from, or the period is longer than 5 years', 403: 'organizationId is outside your subtree', 404: 'organizationId is not a known organization' })
  attendance(@CurrentUser() user: AuthUser, @Query() q: AttendanceQueryDto): Promise<string> {
    return this.reports.attendanceJson(user, q);
  }

  /** The attendance list (confirmed registrations, by unit, in Vietnamese name order) as CSV, UTF-8 with a BOM. */
  @Get('events/:id/attendance.csv')
  @Roles('leader', 'organizer')
  @ApiOkResponse({ description: 'the attendance list as CSV (UTF-8 with BOM, CRLF)', content: { 'text/csv': { schema: { type: 'string' } } } })
  @ApiErrors({ 403: SCOPE_403 })
  async csv(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Query() q: ExportQueryDto, @Res() res: FastifyReply): Promise<void> {
    const { event, batches } = await this.reports.attendanceStream(user, id);
    attachment(res, 'attendance', event, 'csv', 'text/csv; charset=utf-8', attendanceCsv(event, batches, q.lang ?? 'vi'));
  }

  /** The same list as XLSX: a summary sheet and one sheet per unit, header row frozen. */
  @Get('events/:id/attendance.xlsx')
  @Roles('leader', 'organizer')
  @ApiOkResponse({ description: 'the attendance list as an Excel workbook', content: { [XLSX_TYPE]: { schema: { type: 'string', format: 'binary' } } } })
  @ApiErrors({ 403: SCOPE_403 })
  async xlsx(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Query() q: ExportQueryDto, @Res() res: FastifyReply): Promise<void> {
    const { event, units, batches } = await this.reports.attendanceStream(user, id);
    attachment(res, 'attendance', event, 'xlsx', XLSX_TYPE, await attendanceXlsx(event, units, batches, q.lang ?? 'vi'));
  }
}

@ApiController('events', 'reports')
export class EventPrintsController {
  constructor(private readonly reports: ReportsService) {}

  /** The printable sign-in sheet (A4): confirmed registrations by unit, numbered, with a signature column. */
  @Get(':id/sign-in-sheet.pdf')
  @Roles('leader', 'organizer', 'staff')
  @ApiOkResponse({ description: 'the sign-in sheet as PDF', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } })
  @ApiErrors({ 403: SCOPE_403 })
  async signInSheet(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Query() q: ExportQueryDto, @Res() res: FastifyReply): Promise<void> {
    const { event, people } = await this.reports.attendanceList(user, id, ['leader', 'organizer', 'staff']);
    attachment(res, 'sign-in-sheet', event, 'pdf', 'application/pdf', await signInSheetPdf(event, people, q.lang ?? 'vi'));
  }

  /** Name badges (8 per A4 sheet) with the check-in QR code of each confirmed registration. */
  @Get(':id/badges.pdf')
  @Roles('organizer', 'staff')
  @ApiOkResponse({ description: 'the name badges as PDF', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } })
  @ApiErrors({ 403: 'your role may not print badges, or the event belongs to a unit outside your subtree' })
  async badges(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Query() q: ExportQueryDto, @Res() res: FastifyReply): Promise<void> {
    const { event, people } = await this.reports.attendanceList(user, id, ['organizer', 'staff']);
    attachment(res, 'badges', event, 'pdf', 'application/pdf', await badgesPdf(event, people, q.lang ?? 'vi'));
  }
}
