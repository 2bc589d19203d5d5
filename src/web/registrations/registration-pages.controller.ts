import { Body, Get, HttpStatus, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from '../../http/request';
import { AuthUser, CurrentUser, Roles } from '../../auth/auth-user';
import { EventDto } from '../../events/dto/event.dto';
import { EventsService } from '../../events/events.service';
import { DomainError, InvalidInputError, NotFoundError, RowError, UnprocessableFileError } from '../../http/domain-errors';
import { UploadedFile } from '../../http/uploaded-file';
import { UuidParam } from '../../http/uuid-param';
import { CreateRegistrationDto, ListRegistrationsQueryDto, RegistrationDto } from '../../registrations/dto/registration.dto';
import { IMPORT_MAX_BYTES } from '../../registrations/registrations.controller';
import { REGISTRATION_ROLES, REGISTRATION_STATUSES } from '../../registrations/registration.entity';
import type { UploadedImportFile } from '../../registrations/registration-import.service';
import { RegistrationsService } from '../../registrations/registrations.service';
import { EmptyAs, FieldErrors, readForm, validateForm } from '../forms';
import { formatDateTime } from '../format/office-format';
import { errorMessage, errorText, rowErrorText } from '../i18n/error-text';
import { DEFAULT_LOCALE, Locale } from '../i18n/i18n';
import { WebController } from '../web-controller.decorator';
import { inLanguage, spanInZone } from './page-format';
import { QuotaRow, RegistrationPageQueries, UnitOption } from './registration-page-queries';
import { RegistrationImportService } from '../../registrations/registration-import.service';

const PAGE_SIZE = 50;
const FILTERS: Record<string, EmptyAs> = { status: 'omit', organizationId: 'omit', role: 'omit', q: 'omit', page: 'omit' };
const ADD_FIELDS: Record<string, EmptyAs> = { fullName: 'omit', email: 'omit', phone: 'omit', position: 'omit', organizationId: 'omit', role: 'omit', language: 'omit' };

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
  rows: (RegistrationDto & { unitName: string | null; checkedInAt: string; justAdded: boolean })[];
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

/** View model of registrations/form.eta. */
interface AddView extends Shared {
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
    const { value, errors } = await validateForm(ListRegistrationsQueryDto, { ...filters, pageSize: String(PAGE_SIZE) });
    // Bad filters are shown on the filter form; the table then shows everything.
    const q = errors ? Object.assign(new ListRegistrationsQueryDto(), { page: 1, pageSize: PAGE_SIZE }) : value;
    const [page, units] = await Promise.all([this.registrations.list(user, eventId, q), this.queries.unitsForDesk(eventId, event.organizationId, locale(req))]);
    const names = new Map(units.map((u) => [u.id, u.name]));
    const checkedIn = await this.queries.checkInTimes(eventId, page.items.map((r) => r.id));
    const saved = typeof query.saved === 'string' ? query.saved : null;
    const filterQuery = new URLSearchParams(
      Object.entries(filters).filter((e): e is [string, string] => e[0] !== 'page' && typeof e[1] === 'string'),
    ).toString();
    const view: ListView = {
      ...this.shared(event, locale(req), 'list'),
      rows: page.items.map((r) => ({
        ...r,
        unitName: r.organizationId ? (names.get(r.organizationId) ?? null) : null,
        checkedInAt: checkedIn.has(r.id) ? formatDateTime(checkedIn.get(r.id)!, event.timezone, locale(req)) : '',
        justAdded: r.id === saved,
      })),
      units: await this.queries.unitsOfSubtree(event.organizationId, locale(req)),
      filters,
      filterErrors: errors ?? {},
      statuses: REGISTRATION_STATUSES,
      roles: REGISTRATION_ROLES,
      total: page.total,
      page: page.page,
      pages: Math.max(1, Math.ceil(page.total / page.pageSize)),
      filterQuery,
      flash: this.flash(query, res),
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
    const r = await this.registrations.get(user, id);
    if (r.eventId !== eventId) throw new NotFoundError('Registration', id);
    await this.registrations.cancel(user, id);
    res.redirect(`/events/${eventId}/registrations?cancelled=${id}`, 303);
  }

  @Get('import')
  async importForm(@CurrentUser() user: AuthUser, @UuidParam('eventId') eventId: string, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const event = await this.events.get(user, eventId);
    res.view('registrations/import', this.importView(event, locale(req), { rowErrors: [], formError: null, imported: null }));
  }

  /** Multipart upload (the CSRF token travels in the query string: the body is read by the handler, after the check). */
  @Post('import')
  async import(
    @CurrentUser() user: AuthUser,
    @UuidParam('eventId') eventId: string,
    @UploadedFile('file', IMPORT_MAX_BYTES) file: UploadedImportFile | undefined,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const event = await this.events.get(user, eventId);
    try {
      const imported = await this.imports.import(user, eventId, file);
      res.status(HttpStatus.CREATED).view('registrations/import', this.importView(await this.events.get(user, eventId), locale(req), { rowErrors: [], formError: null, imported }));
    } catch (e) {
      if (e instanceof UnprocessableFileError) {
        const rowErrors = ((e.details.errors as RowError[]) ?? []).map((r) => ({ row: r.row, field: r.field, ...rowErrorText(r, locale(req)) }));
        return void res.status(e.status).view('registrations/import', this.importView(event, locale(req), { rowErrors, formError: errorText(e, locale(req)), imported: null }));
      }
      if (!isFormRejection(e)) throw e;
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

  /** The status line after a redirect (`?saved=`, `?cancelled=`), translated by the view. */
  private flash(query: Record<string, unknown>, res: FastifyReply): string | null {
    const t = res.locals.t as (key: string) => string;
    if (typeof query.saved === 'string') return t('registrations.saved');
    if (typeof query.cancelled === 'string') return t('registrations.cancelled');
    return null;
  }
}
