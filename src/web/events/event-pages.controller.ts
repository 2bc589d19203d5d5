import { Body, Get, HttpStatus, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from '../../http/request';
import { AuthUser, CurrentUser, Roles } from '../../auth/auth-user';
import { CreateEventDto, EventDto, ListEventsQueryDto, UpdateEventDto } from '../../events/dto/event.dto';
import { EVENT_KINDS, EVENT_STATUSES, REGISTRATION_MODES } from '../../events/event.entity';
import { EventsService, EventTransition } from '../../events/events.service';
import { ConflictError, DomainError } from '../../http/domain-errors';
import { UuidParam } from '../../http/uuid-param';
import { OrganizationsService } from '../../organizations/organizations.service';
import { FieldErrors, validateForm } from '../forms';
import { errorText } from '../i18n/error-text';
import { Locale } from '../i18n/i18n';
import { ParentOption, parentOptions } from '../organizations/organization-tree';
import { WebController } from '../web-controller.decorator';
import { buildCalendar, CalendarMonth, gridRange, parseMonth } from './calendar';
import { eventFormValues, readEventForm, serviceFieldError, withFieldError } from './event-form';
import { EventSummary, formatInZone, inLanguage, summarize, TIMEZONE_CHOICES } from './event-view';

const PAGE_SIZE = 50;
/** Enough for a month of any one organizer's events; the calendar is not paged. */
const CALENDAR_LIMIT = 500;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TRANSITIONS: EventTransition[] = ['publish', 'complete', 'cancel'];
/** Which lifecycle buttons are legal in each status (mirrors EventsService's transitions; the service decides). */
const LEGAL: Record<EventDto['status'], EventTransition[]> = { draft: ['publish', 'cancel'], published: ['complete', 'cancel'], completed: [], cancelled: [] };

const canManage = (user: AuthUser) => user.role === 'admin' || user.role === 'organizer';
const localeOf = (req: FastifyRequest): Locale => req.locale ?? 'vi';

/** View model of events/list.eta. */
interface ListView {
  items: (EventSummary & { unitName: string })[];
  filters: { status: string; organizationId: string; from: string; to: string };
  errors: FieldErrors;
  statuses: readonly string[];
  units: ParentOption[];
  page: number;
  pages: number;
  total: number;
  /** The query string of the filters, for the pager links. */
  filterQuery: string;
  canCreate: boolean;
}

/** View model of events/calendar.eta. */
interface CalendarView {
  calendar: CalendarMonth;
  monthLabel: string;
  canCreate: boolean;
}

/** View model of events/show.eta. */
interface ShowView {
  event: EventDto;
  summary: EventSummary;
  unitName: string;
  registrationOpens: string;
  registrationCloses: string;
  canManage: boolean;
  editable: boolean;
  actions: EventTransition[];
  /** A refused lifecycle move: `text` when the refusal has its own words (an event not yet ended), else the key and its status. */
  formError: { key: string; params: Record<string, string>; text?: string } | null;
  /** i18n key of the status line (saved, published, ...) and its parameters. */
  flashKey: string | null;
  flashParams: Record<string, number>;
}

/** A count from the redirect after a save (?promoted=3): a small whole number, else 0. */
const countParam = (v: unknown): number => (typeof v === 'string' && /^\d{1,6}$/.test(v) ? Number(v) : 0);

/** View model of events/form.eta. */
interface FormView {
  mode: 'create' | 'edit';
  action: string;
  eventId: string | null;
  values: Record<string, string | null>;
  errors: FieldErrors;
  formError: string | null;
  units: ParentOption[];
  timezones: string[];
  kinds: readonly string[];
  modes: readonly string[];
}

/** Service refusals a person can fix on the form (404 stays an error page). */
const isFormRejection = (e: unknown): e is DomainError => e instanceof DomainError && [400, 403, 409].includes(e.status);

/** Organizer pages of events: list with filters, month calendar, the event page with lifecycle buttons, the editor. */
@WebController('events')
export class EventPagesController {
  constructor(
    private readonly events: EventsService,
    private readonly organizations: OrganizationsService,
  ) {}

  @Get()
  async list(@CurrentUser() user: AuthUser, @Query() query: Record<string, unknown>, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
    const filters = { status: str(query.status), organizationId: str(query.organizationId), from: str(query.from), to: str(query.to) };
    const errors: FieldErrors = {};
    if (filters.from && !DATE.test(filters.from)) errors.from = [{ key: 'form.invalid' }];
    if (filters.to && !DATE.test(filters.to)) errors.to = [{ key: 'form.invalid' }];
    // Dates of the filter are days in Viet Nam (the default zone, UTC+7 all year).
    const input = {
      status: filters.status || undefined,
      organizationId: filters.organizationId || undefined,
      from: filters.from && !errors.from ? `${filters.from}T00:00:00+07:00` : undefined,
      to: filters.to && !errors.to ? `${filters.to}T23:59:59+07:00` : undefined,
      page: str(query.page) || undefined,
      pageSize: String(PAGE_SIZE),
    };
    // Absent keys, not `undefined` ones: the DTO's defaults (page 1) apply only to missing properties.
    const { value, errors: dtoErrors } = await validateForm(ListEventsQueryDto, Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)));
    Object.assign(errors, dtoErrors ?? {});
    const units = await this.organizations.list(user);
    const names = new Map(units.map((u) => [u.id, u.name]));
    const page = Object.keys(errors).length ? { items: [], total: 0, page: 1 } : await this.events.list(user, value);
    const locale = localeOf(req);
    const filterQuery = new URLSearchParams(Object.entries(filters).filter(([, v]) => v)).toString();
    const view: ListView = {
      items: page.items.map((e) => ({ ...summarize(e, locale), unitName: names.get(e.organizationId) ?? '' })),
      filters,
      errors,
      statuses: EVENT_STATUSES,
      units: parentOptions(units),
      page: page.page,
      pages: Math.max(1, Math.ceil(page.total / PAGE_SIZE)),
      total: page.total,
      filterQuery,
      canCreate: canManage(user),
    };
    res.status(Object.keys(errors).length ? HttpStatus.BAD_REQUEST : HttpStatus.OK).view('events/list', view);
  }

  @Get('calendar')
  async calendar(@CurrentUser() user: AuthUser, @Query('month') monthParam: unknown, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const month = parseMonth(monthParam, new Date());
    const { first, last } = gridRange(month);
    // A day of margin on both sides: the grid's days are local days of zones up to UTC±14.
    const q = Object.assign(new ListEventsQueryDto(), {
      from: new Date(first.getTime() - 86_400_000).toISOString(),
      to: new Date(last.getTime() + 2 * 86_400_000).toISOString(),
      page: 1,
      pageSize: CALENDAR_LIMIT,
    });
    const page = await this.events.list(user, q);
    const locale = localeOf(req);
    const [y, m] = month.split('-').map(Number);
    const monthLabel = new Intl.DateTimeFormat(locale === 'vi' ? 'vi-VN' : 'en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, 1)));
    const view: CalendarView = { calendar: buildCalendar(month, page.items, locale), monthLabel, canCreate: canManage(user) };
    res.view('events/calendar', view);
  }

  @Get('new')
  @Roles('organizer')
  async newForm(@CurrentUser() user: AuthUser, @Res() res: FastifyReply): Promise<void> {
    const units = parentOptions(await this.organizations.list(user));
    const values = { timezone: 'Asia/Ho_Chi_Minh', registrationMode: 'open', kind: 'training', reminderHoursBefore: '24', organizationId: user.organizationId ?? units[0]?.id ?? '' };
    this.renderForm(res, await this.formView(user, 'create', null, values, {}, null));
  }

  @Post()
  @Roles('organizer')
  async create(@CurrentUser() user: AuthUser, @Body() body: Record<string, unknown>, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const { values, input } = readEventForm(body, 'create');
    const { value, errors } = await validateForm(CreateEventDto, input);
    if (errors) return this.renderForm(res, await this.formView(user, 'create', null, values, errors, null), HttpStatus.BAD_REQUEST);
    try {
      const event = await this.events.create(user, value);
      res.redirect(`/events/${event.id}?saved=1`, 303);
    } catch (e) {
      if (!isFormRejection(e)) throw e;
      this.renderRejection(res, await this.formView(user, 'create', null, values, {}, null), e, localeOf(req));
    }
  }

  @Get(':id')
  async show(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Query() q: Record<string, unknown>, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const event = await this.events.get(user, id);
    const moved = TRANSITIONS.find((t) => t === q.done);
    // After a save that moved the waiting list, the status line says who moved.
    const promoted = countParam(q.promoted);
    const released = countParam(q.released);
    const savedKey = promoted && released ? 'events.savedPromotedReleased' : promoted ? 'events.savedPromoted' : released ? 'events.savedReleased' : 'events.saved';
    const flashKey = moved ? `events.done.${moved}` : q.saved === '1' ? savedKey : null;
    res.view('events/show', await this.showView(user, event, localeOf(req), null, flashKey, { promoted, released }));
  }

  @Get(':id/edit')
  @Roles('organizer')
  async editForm(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Res() res: FastifyReply): Promise<void> {
    const event = await this.events.get(user, id);
    this.renderForm(res, await this.formView(user, 'edit', event.id, eventFormValues(event), {}, null));
  }

  @Post(':id')
  @Roles('organizer')
  async update(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Body() body: Record<string, unknown>, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    await this.events.assertManageable(user, id);
    const { values, input } = readEventForm(body, 'edit');
    const { value, errors } = await validateForm(UpdateEventDto, input);
    if (errors) return this.renderForm(res, await this.formView(user, 'edit', id, values, errors, null), HttpStatus.BAD_REQUEST);
    try {
      const { promoted, released } = await this.events.updateWithSeats(user, id, value);
      res.redirect(`/events/${id}?saved=1` + (promoted ? `&promoted=${promoted}` : '') + (released ? `&released=${released}` : ''), 303);
    } catch (e) {
      if (!isFormRejection(e)) throw e;
      this.renderRejection(res, await this.formView(user, 'edit', id, values, {}, null), e, localeOf(req));
    }
  }

  /** Publish / complete / cancel: one POST form each; a refused move (409) is explained on the event page. */
  @Post(':id/publish')
  @Roles('organizer')
  publish(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    return this.move(user, id, 'publish', req, res);
  }

  @Post(':id/complete')
  @Roles('organizer')
  complete(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    return this.move(user, id, 'complete', req, res);
  }

  @Post(':id/cancel')
  @Roles('organizer')
  cancel(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    return this.move(user, id, 'cancel', req, res);
  }

  private async move(user: AuthUser, id: string, transition: EventTransition, req: FastifyRequest, res: FastifyReply): Promise<void> {
    try {
      await this.events[transition](user, id);
      res.redirect(`/events/${id}?done=${transition}`, 303);
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
      const event = await this.events.get(user, id);
      const formError = { key: 'events.error.transition', params: { action: transition, status: String(e.details.status ?? event.status) }, text: e.code === 'event.notEnded' ? errorText(e, localeOf(req)) : undefined };
      res.status(HttpStatus.CONFLICT).view('events/show', await this.showView(user, event, localeOf(req), formError, null));
    }
  }

  private async showView(user: AuthUser, event: EventDto, locale: Locale, formError: ShowView['formError'], flashKey: string | null, flashParams: Record<string, number> = {}): Promise<ShowView> {
    const units = await this.organizations.list(user);
    const manage = canManage(user);
    return {
      event,
      summary: summarize(event, locale),
      unitName: ((u) => (u ? inLanguage(u.name, u.nameEn, locale)! : ''))(units.find((u) => u.id === event.organizationId)),
      registrationOpens: formatInZone(event.registrationOpensAt, event.timezone, locale),
      registrationCloses: formatInZone(event.registrationClosesAt, event.timezone, locale),
      canManage: manage,
      editable: manage && (event.status === 'draft' || event.status === 'published'),
      actions: manage ? LEGAL[event.status] : [],
      formError,
      flashKey,
      flashParams,
    };
  }

  private async formView(user: AuthUser, mode: 'create' | 'edit', eventId: string | null, values: Record<string, string | null>, errors: FieldErrors, formError: string | null): Promise<FormView> {
    const timezones: string[] = [...TIMEZONE_CHOICES];
    if (values.timezone && !timezones.includes(values.timezone)) timezones.unshift(values.timezone);
    return {
      mode,
      action: eventId ? `/events/${eventId}` : '/events',
      eventId,
      values,
      errors,
      formError,
      units: parentOptions(await this.organizations.list(user)),
      timezones,
      kinds: EVENT_KINDS,
      modes: REGISTRATION_MODES,
    };
  }

  /** A refusal about one field goes next to it; others above the form. */
  private renderRejection(res: FastifyReply, view: FormView, e: DomainError, locale: Locale): void {
    const field = serviceFieldError(e, {}, locale);
    if (field) this.renderForm(res, { ...view, errors: withFieldError(view.errors, field) }, e.status);
    else this.renderForm(res, { ...view, formError: errorText(e, locale) }, e.status);
  }

  private renderForm(res: FastifyReply, view: FormView, status: number = HttpStatus.OK): void {
    res.status(status).view('events/form', view);
  }
}
