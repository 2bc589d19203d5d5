import { Body, Get, HttpStatus, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from '../../http/request';
import { AuthUser, CurrentUser, Roles } from '../../auth/auth-user';
import { EventDto } from '../../events/dto/event.dto';
import { EventsService } from '../../events/events.service';
import { DomainError, InvalidInputError, NotFoundError, RowError, UnprocessableFileError } from '../../http/domain-errors';
import { FileTooLargeError, readUploadedFile } from '../../http/uploaded-file';
import { UuidParam } from '../../http/uuid-param';
import { CreateRegistrationDto, ListRegistrationsQueryDto, REGISTRATION_SORTS, RegistrationDto, UpdateRegistrationDto } from '../../registrations/dto/registration.dto';
import { CheckInsService } from '../../check-ins/check-ins.service';
import { IMPORT_MAX_BYTES } from '../../registrations/registrations.controller';
import { REGISTRATION_ROLES, REGISTRATION_STATUSES } from '../../registrations/registration.entity';
import type { UploadedImportFile } from '../../registrations/registration-import.service';
import { RegistrationsService } from '../../registrations/registrations.service';
import { EmptyAs, FieldErrors, readForm, validateForm } from '../forms';
import { formatDateTime } from '../format/office-format';
import { errorMessage, errorText, rowErrorText } from '../i18n/error-text';
import { DEFAULT_LOCALE, Locale, translator } from '../i18n/i18n';
import { WebController } from '../web-controller.decorator';
import { inLanguage, spanInZone } from './page-format';
import { QuotaRow, RegistrationPageQueries, UnitOption } from './registration-page-queries';
import { RegistrationImportService } from '../../registrations/registration-import.service';

const PAGE_SIZE = 50;
/** Rows per page the list offers. */
const PAGE_SIZES = [20, 50, 100, 200] as const;
const FILTERS: Record<string, EmptyAs> = { status: 'omit', organizationId: 'omit', role: 'omit', q: 'omit', page: 'omit', sort: 'omit', pageSize: 'omit' };
/** Bulk actions on the ticked rows. */
const BULK_ACTIONS = ['resend', 'cancel', 'export'] as const;
/** The export's columns (`registrations.export.<key>` heads them). */
const EXPORT_COLUMNS = ['fullName', 'email', 'phone', 'position', 'unit', 'role', 'status', 'code', 'checkedIn'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** One cell of a CSV line (quoted when needed; a leading = + - @ is neutralised so Excel runs no formula). */
const csvCell = (v: string): string => {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};
const ADD_FIELDS: Record<string, EmptyAs> = { fullName: 'omit', email: 'omit', phone: 'omit', position: 'omit', organizationId: 'omit', role: 'omit', language: 'omit' };
/** An edit keeps what is left empty as cleared (phone, position, unit). */
const EDIT_FIELDS: Record<string, EmptyAs> = { fullName: 'omit', email: 'omit', phone: 'null', position: 'null', organizationId: 'null', role: 'omit', language: 'omit' };

/** The event as these pages show it in their heading. */
interface EventHeading {
  id: string;
  title: string;
  when: string;
  status: string;
  slug: string;
  capacity: number | null;
  confirmedCount: number;
}

interface Shared {
  event: EventHeading;
  /** Which tab of the sub-navigation is current. */
  tab: 'list' | 'new' | 'import' | 'quotas';
}

/** View model of registrations/list.eta. */
interface ListView extends Shared {
  rows: (RegistrationDto & { unitName: string | null; checkedInAt: string; checkInId: string | null; justAdded: boolean })[];
  sorts: readonly string[];
  pageSizes: readonly number[];
  bulkActions: readonly string[];
  /** Cancelling and undoing check-ins are possible (the event is neither cancelled nor finished). */
  changeable: boolean;
  units: UnitOption[];
  filters: Record<string, string | null>;
  filterErrors: FieldErrors;
  statuses: readonly string[];
  roles: readonly string[];
  total: number;
  page: number;
  pages: number;
  /** Query string of the filters without the page, for the pager links. */
  filterQuery: string;
  flash: string | null;
}

/** View model of registrations/form.eta (adding, or editing when `editId` is set). */
interface AddView extends Shared {
  editId?: string | null;
  units: UnitOption[];
  roles: readonly string[];
  values: Record<string, string | null>;
  errors: FieldErrors;
  formError: string | null;
}

/** View model of registrations/import.eta. */
interface ImportView extends Shared {
  rowErrors: { row: number; field: string; column: string; message: string }[];
  formError: string | null;
  imported: { imported: number; confirmed: number; invited: number; waitlisted: number } | null;
  maxMegabytes: number;
}

/** View model of registrations/quotas.eta. */
interface QuotasView extends Shared {
  rows: QuotaRow[];
  totals: { seats: number; confirmed: number; checkedIn: number };
}

const locale = (req: FastifyRequest): Locale => req.locale ?? DEFAULT_LOCALE;
const isFormRejection = (e: unknown): e is DomainError => e instanceof DomainError && [400, 403, 409].includes(e.status);

/**
 * The organizer's registration pages of one event: the table with filters,
 * adding one person, cancelling, the CSV/XLSX import with its row errors,
 * and the unit quotas against registrations and check-ins.
 */
@WebController('events/:eventId/registrations')
@Roles('organizer')
export class RegistrationPagesController {
  constructor(
    private readonly events: EventsService,
    private readonly registrations: RegistrationsService,
    private readonly imports: RegistrationImportService,
    private readonly queries: RegistrationPageQueries,
    private readonly checkIns: CheckInsService,
  ) {}

  @Get()
  async list(
    @CurrentUser() user: AuthUser,
    @UuidParam('eventId') eventId: string,
    @Query() query: Record<string, unknown>,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const event = await this.events.get(user, eventId);
    const filters = readForm(query, FILTERS);
    const size = PAGE_SIZES.find((n) => String(n) === filters.pageSize) ?? PAGE_SIZE;
    const { value, errors } = await validateForm(ListRegistrationsQueryDto, { ...filters, pageSize: String(size) });
    // Bad filters are shown on the filter form; the table then shows everything.
    const q = errors ? Object.assign(new ListRegistrationsQueryDto(), { page: 1, pageSize: PAGE_SIZE }) : value;
    const [page, units] = await Promise.all([this.registrations.list(user, eventId, q), this.queries.unitsForDesk(eventId, event.organizationId, locale(req))]);
    const names = new Map(units.map((u) => [u.id, u.name]));
    const checkedIn = await this.queries.checkIns(eventId, page.items.map((r) => r.id));
    const saved = typeof query.saved === 'string' ? query.saved : null;
    const filterQuery = new URLSearchParams(
      Object.entries(filters).filter((e): e is [string, string] => e[0] !== 'page' && typeof e[1] === 'string'),
    ).toString();
    const view: ListView = {
      ...this.shared(event, locale(req), 'list'),
      rows: page.items.map((r) => ({
        ...r,
        unitName: r.organizationId ? (names.get(r.organizationId) ?? null) : null,
        checkedInAt: checkedIn.has(r.id) ? formatDateTime(checkedIn.get(r.id)!.at, event.timezone, locale(req)) : '',
        checkInId: checkedIn.get(r.id)?.checkInId ?? null,
        justAdded: r.id === saved,
      })),
      sorts: REGISTRATION_SORTS,
      pageSizes: PAGE_SIZES,
      bulkActions: BULK_ACTIONS,
      changeable: event.status === 'published' || event.status === 'draft',
      units: await this.queries.unitsOfSubtree(event.organizationId, locale(req)),
      filters,
      filterErrors: errors ?? {},
      statuses: REGISTRATION_STATUSES,
      roles: REGISTRATION_ROLES,
      total: page.total,
      page: page.page,
      pages: Math.max(1, Math.ceil(page.total / page.pageSize)),
      filterQuery,
      flash: await this.flash(eventId, query, res),
    };
    res.status(errors ? HttpStatus.BAD_REQUEST : HttpStatus.OK).view('registrations/list', view);
  }

  @Get('new')
  async addForm(@CurrentUser() user: AuthUser, @UuidParam('eventId') eventId: string, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const event = await this.events.get(user, eventId);
    res.view('registrations/form', await this.addView(event, locale(req), { role: 'delegate', language: 'vi' }, {}, null));
  }

  @Post()
  async add(
    @CurrentUser() user: AuthUser,
    @UuidParam('eventId') eventId: string,
    @Body() body: Record<string, unknown>,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const event = await this.events.get(user, eventId);
    const values = readForm(body, ADD_FIELDS);
    const { value, errors } = await validateForm(CreateRegistrationDto, values);
    if (errors) return void res.status(HttpStatus.BAD_REQUEST).view('registrations/form', await this.addView(event, locale(req), values, errors, null));
    try {
      const created = await this.registrations.register(user, eventId, value);
      res.redirect(`/events/${eventId}/registrations?saved=${created.id}`, 303);
    } catch (e) {
      if (!isFormRejection(e)) throw e;
      const fieldErrors: FieldErrors = e.details.field ? { [String(e.details.field)]: [errorMessage(e, locale(req))] } : {};
      res.status(e.status).view('registrations/form', await this.addView(event, locale(req), values, fieldErrors, e.details.field ? null : errorText(e, locale(req))));
    }
  }

  @Post(':id/cancel')
  async cancel(@CurrentUser() user: AuthUser, @UuidParam('eventId') eventId: string, @UuidParam('id') id: string, @Res() res: FastifyReply): Promise<void> {
    await this.ofEvent(user, eventId, id);
    const promoted = await this.cancelTelling(user, eventId, [id]);
    res.redirect(`/events/${eventId}/registrations?cancelled=1${promoted.length ? `&promoted=${promoted.join(',')}` : ''}`, 303);
  }

  @Get(':id/edit')
  async editForm(@CurrentUser() user: AuthUser, @UuidParam('eventId') eventId: string, @UuidParam('id') id: string, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const event = await this.events.get(user, eventId);
    const r = await this.ofEvent(user, eventId, id);
    const values = { fullName: r.fullName, email: r.email, phone: r.phone, position: r.position, organizationId: r.organizationId, role: r.role, language: r.language };
    res.view('registrations/form', { ...(await this.addView(event, locale(req), values, {}, null)), editId: id });
  }

  /** The organizer's edit of name, e-mail, phone, position, unit, role and language. */
  @Post(':id')
  async edit(
    @CurrentUser() user: AuthUser,
    @UuidParam('eventId') eventId: string,
    @UuidParam('id') id: string,
    @Body() body: Record<string, unknown>,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const event = await this.events.get(user, eventId);
    await this.ofEvent(user, eventId, id);
    const values = readForm(body, EDIT_FIELDS);
    const again = async (status: number, errors: FieldErrors, formError: string | null) =>
      res.status(status).view('registrations/form', { ...(await this.addView(event, locale(req), values, errors, formError)), editId: id });
    const { value, errors } = await validateForm(UpdateRegistrationDto, values);
    if (errors) return void (await again(HttpStatus.BAD_REQUEST, errors, null));
    try {
      await this.registrations.update(user, id, value);
      res.redirect(`/events/${eventId}/registrations?saved=${id}&edited=1`, 303);
    } catch (e) {
      if (!isFormRejection(e)) throw e;
      await again(e.status, e.details.field ? { [String(e.details.field)]: [errorMessage(e, locale(req))] } : {}, e.details.field ? null : errorText(e, locale(req)));
    }
  }

  /** A new personal link by mail (the old one stops working), e.g. when the delegate lost the first mail. */
  @Post(':id/resend')
  async resend(@CurrentUser() user: AuthUser, @UuidParam('eventId') eventId: string, @UuidParam('id') id: string, @Res() res: FastifyReply): Promise<void> {
    await this.ofEvent(user, eventId, id);
    await this.registrations.revokeLink(user, id);
    res.redirect(`/events/${eventId}/registrations?resent=1&saved=${id}`, 303);
  }

  /** Undoes a check-in made by mistake, from the list. */
  @Post(':id/undo-check-in')
  async undoCheckIn(@CurrentUser() user: AuthUser, @UuidParam('eventId') eventId: string, @UuidParam('id') id: string, @Res() res: FastifyReply): Promise<void> {
    await this.ofEvent(user, eventId, id);
    const found = (await this.queries.checkIns(eventId, [id])).get(id);
    if (!found) throw new NotFoundError('Check-in');
    await this.checkIns.undo(user, found.checkInId);
    res.redirect(`/events/${eventId}/registrations?undone=1&saved=${id}`, 303);
  }

  /** The ticked rows: resend their links, cancel them (after a confirmation), or download them as CSV. */
  @Post('bulk')
  async bulk(@CurrentUser() user: AuthUser, @UuidParam('eventId') eventId: string, @Body() body: Record<string, unknown>, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const event = await this.events.get(user, eventId);
    const action = BULK_ACTIONS.find((a) => a === body.action);
    if (!action) throw new InvalidInputError('action', `must be one of ${BULK_ACTIONS.join(', ')}`, { code: 'invalid' });
    const ids = [body.ids ?? []].flat().filter((v): v is string => typeof v === 'string' && UUID.test(v)).slice(0, 500);
    if (!ids.length) return res.redirect(`/events/${eventId}/registrations?none=1`, 303);
    const rows = await Promise.all(ids.map((id) => this.ofEvent(user, eventId, id)));
    if (action === 'resend') {
      for (const r of rows) await this.registrations.revokeLink(user, r.id);
      return res.redirect(`/events/${eventId}/registrations?resent=${rows.length}`, 303);
    }
    if (action === 'cancel') {
      const promoted = await this.cancelTelling(user, eventId, rows.filter((r) => r.status !== 'cancelled').map((r) => r.id));
      return res.redirect(`/events/${eventId}/registrations?cancelled=${rows.length}${promoted.length ? `&promoted=${promoted.join(',')}` : ''}`, 303);
    }
    const loc = locale(req);
    const t = translator(loc);
    const [units, checked] = await Promise.all([this.queries.unitsForDesk(eventId, event.organizationId, loc), this.queries.checkIns(eventId, ids)]);
    const unitName = new Map(units.map((u) => [u.id, u.name]));
    const cells = (r: RegistrationDto): Record<(typeof EXPORT_COLUMNS)[number], string> => ({
      fullName: r.fullName,
      email: r.email,
      phone: r.phone ?? '',
      position: r.position ?? '',
      unit: r.organizationId ? (unitName.get(r.organizationId) ?? '') : '',
      role: t(`registrations.role.${r.role}`),
      status: t(`registrations.status.${r.status}`),
      code: r.code,
      checkedIn: checked.has(r.id) ? formatDateTime(checked.get(r.id)!.at, event.timezone, loc) : '',
    });
    const lines = [EXPORT_COLUMNS.map((c) => t(`registrations.export.${c}`)), ...rows.map((r) => EXPORT_COLUMNS.map((c) => cells(r)[c]))];
    // A BOM so that Excel reads the file as UTF-8 (Vietnamese names), CRLF as RFC 4180 says.
    const csv = '\uFEFF' + lines.map((l) => l.map(csvCell).join(',')).join('\r\n') + '\r\n';
    res
      .status(HttpStatus.OK)
      .header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="registrations-${event.slug}.csv"`)
      .send(csv);
  }

  /** The registration `id` if it belongs to this event (and `user` may see it); 404 otherwise. */
  private async ofEvent(user: AuthUser, eventId: string, id: string): Promise<RegistrationDto> {
    const r = await this.registrations.get(user, id);
    if (r.eventId !== eventId) throw new NotFoundError('Registration', id);
    return r;
  }

  /** Cancels `ids`; returns who moved up from the waiting list meanwhile (their seats' new owners). */
  private async cancelTelling(user: AuthUser, eventId: string, ids: string[]): Promise<string[]> {
    const waiting = await this.queries.waitlistedIds(eventId);
    for (const id of ids) await this.registrations.cancel(user, id);
    const nowConfirmed = new Set(await this.queries.confirmedIds(eventId, waiting));
    return waiting.filter((id) => nowConfirmed.has(id));
  }

  @Get('import')
  async importForm(@CurrentUser() user: AuthUser, @UuidParam('eventId') eventId: string, @Query('done') done: unknown, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const event = await this.events.get(user, eventId);
    // After an import (Post/Redirect/Get): `done=<imported>.<confirmed>.<invited>.<waitlisted>`.
    const n = typeof done === 'string' && /^\d{1,6}(\.\d{1,6}){3}$/.test(done) ? done.split('.').map(Number) : null;
    const imported = n ? { imported: n[0], confirmed: n[1], invited: n[2], waitlisted: n[3] } : null;
    res.view('registrations/import', this.importView(event, locale(req), { rowErrors: [], formError: null, imported }));
  }

  /** Multipart upload (the CSRF token travels in the query string: the body is read by the handler, after the check). */
  @Post('import')
  async import(
    @CurrentUser() user: AuthUser,
    @UuidParam('eventId') eventId: string,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const event = await this.events.get(user, eventId);
    try {
      // Read here, not by @UploadedFile: a file over the limit is the form again (413) with its message.
      const file: UploadedImportFile | undefined = await readUploadedFile(req, 'file', IMPORT_MAX_BYTES);
      const r = await this.imports.import(user, eventId, file);
      res.redirect(`/events/${eventId}/registrations/import?done=${r.imported}.${r.confirmed}.${r.invited}.${r.waitlisted}`, 303);
    } catch (e) {
      if (e instanceof UnprocessableFileError) {
        const rowErrors = ((e.details.errors as RowError[]) ?? []).map((r) => ({ row: r.row, field: r.field, ...rowErrorText(r, locale(req)) }));
        return void res.status(e.status).view('registrations/import', this.importView(event, locale(req), { rowErrors, formError: errorText(e, locale(req)), imported: null }));
      }
      if (!isFormRejection(e) && !(e instanceof FileTooLargeError)) throw e;
      res.status(e.status).view('registrations/import', this.importView(event, locale(req), { rowErrors: [], formError: errorText(e, locale(req)), imported: null }));
    }
  }

  @Get('quotas')
  async quotas(@CurrentUser() user: AuthUser, @UuidParam('eventId') eventId: string, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const event = await this.events.get(user, eventId);
    const rows = await this.queries.quotaTable(eventId);
    const view: QuotasView = {
      ...this.shared(event, locale(req), 'quotas'),
      rows,
      totals: rows.reduce((s, r) => ({ seats: s.seats + (r.seats ?? 0), confirmed: s.confirmed + r.confirmed, checkedIn: s.checkedIn + r.checkedIn }), { seats: 0, confirmed: 0, checkedIn: 0 }),
    };
    res.view('registrations/quotas', view);
  }

  private shared(event: EventDto, loc: Locale, tab: Shared['tab']): Shared {
    return {
      event: {
        id: event.id,
        title: inLanguage(event.title, event.titleEn, loc),
        when: spanInZone(event.startsAt, event.endsAt, event.timezone, loc),
        status: event.status,
        slug: event.slug,
        capacity: event.capacity,
        confirmedCount: event.confirmedCount,
      },
      tab,
    };
  }

  private async addView(event: EventDto, loc: Locale, values: Record<string, string | null>, errors: FieldErrors, formError: string | null): Promise<AddView> {
    return { ...this.shared(event, loc, 'new'), units: await this.queries.unitsOfSubtree(event.organizationId, loc), roles: REGISTRATION_ROLES, values, errors, formError };
  }

  private importView(event: EventDto, loc: Locale, v: Pick<ImportView, 'rowErrors' | 'formError' | 'imported'>): ImportView {
    return { ...this.shared(event, loc, 'import'), ...v, maxMegabytes: IMPORT_MAX_BYTES / 1024 / 1024 };
  }

  /** The status line after a redirect (`?saved=`, `?cancelled=`, `?promoted=`…), in the page language. */
  private async flash(eventId: string, query: Record<string, unknown>, res: FastifyReply): Promise<string | null> {
    const t = res.locals.t as (key: string, params?: Record<string, string | number>) => string;
    if (query.resent !== undefined) return t('registrations.resent');
    if (query.undone !== undefined) return t('registrations.undone');
    if (query.none !== undefined) return t('registrations.noneSelected');
    if (typeof query.cancelled === 'string') {
      const promotedIds = typeof query.promoted === 'string' ? query.promoted.split(',').filter((id) => UUID.test(id)).slice(0, 200) : [];
      const names = await this.queries.confirmedNames(eventId, promotedIds);
      return names.length ? t('registrations.cancelledPromoted', { names: names.join(', ') }) : t('registrations.cancelled');
    }
    if (typeof query.saved === 'string') return t(query.edited !== undefined ? 'registrations.edited' : 'registrations.saved');
    return null;
  }
}
