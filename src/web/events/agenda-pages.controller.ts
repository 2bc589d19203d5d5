import { Body, Get, HttpStatus, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from '../../http/request';
import { AuthUser, CurrentUser, Roles } from '../../auth/auth-user';
import { EventDto } from '../../events/dto/event.dto';
import { toLocalIso } from '../../events/event-time';
import { EventsService } from '../../events/events.service';
import { ConflictError, DomainError, InvalidInputError, NotFoundError } from '../../http/domain-errors';
import { UuidParam } from '../../http/uuid-param';
import { CreateSessionDto, SessionDto, UpdateSessionDto } from '../../sessions/dto/session.dto';
import { SPEAKER_ROLES } from '../../sessions/session-speaker.entity';
import { SessionsService } from '../../sessions/sessions.service';
import { ListSpeakersQueryDto, SpeakerDto } from '../../speakers/dto/speaker.dto';
import { SpeakersService } from '../../speakers/speakers.service';
import { EmptyAs, FieldErrors, readForm, validateForm } from '../forms';
import { errorText } from '../i18n/error-text';
import { Locale } from '../i18n/i18n';
import { WebController } from '../web-controller.decorator';
import { serviceFieldError, withFieldError } from './event-form';
import { AgendaItem, agendaItems, formatInZone, inLanguage, reorderPlan, spanInZone, toInputValue } from './event-view';

/** Speaker rows offered on the session form beyond those already chosen. */
const BLANK_SPEAKER_ROWS = 2;
/** The whole directory in the speaker selects (a unit's directory is small). */
const SPEAKER_CHOICES = 500;

const CREATE_FIELDS: Record<string, EmptyAs> = { title: 'omit', topic: 'omit', description: 'omit', room: 'omit', startsAt: 'omit', endsAt: 'omit' };
const EDIT_FIELDS: Record<string, EmptyAs> = { title: 'keep', topic: 'null', description: 'null', room: 'null', startsAt: 'keep', endsAt: 'keep' };

const sessionId = () => UuidParam('sessionId');

export interface SpeakerRow {
  speakerId: string;
  role: string;
}

/** View model of events/agenda.eta (the list and, for organizers, the add or edit form). */
interface AgendaView {
  event: EventDto;
  title: string;
  when: string;
  items: AgendaItem[];
  canEdit: boolean;
  /** The session form; null for read-only visitors. */
  form: SessionForm | null;
  flashKey: string | null;
}

export interface SessionForm {
  mode: 'create' | 'edit';
  action: string;
  values: Record<string, string | null>;
  speakers: SpeakerRow[];
  errors: FieldErrors;
  /** A refusal of the whole form: i18n key and params (the speaker conflict names the other session and event). */
  formError: { key: string; params: Record<string, string | number> } | null;
  choices: SpeakerDto[];
  roles: readonly string[];
}

const localeOf = (req: FastifyRequest): Locale => req.locale ?? 'vi';
const manages = (user: AuthUser) => user.role === 'admin' || user.role === 'organizer';

/** Reads the repeated `speakerId` / `speakerRole` inputs of the form's speaker rows, dropping empty rows. */
export function readSpeakerRows(body: Record<string, unknown>): SpeakerRow[] {
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);
  const ids = list(body.speakerId);
  const roles = list(body.speakerRole);
  return ids.map((id, i) => ({ speakerId: id.trim(), role: (roles[i] ?? 'presenter').trim() || 'presenter' })).filter((r) => r.speakerId !== '');
}

/** The agenda of an event: sessions by time, with add / edit / move / delete for organizers. */
@WebController('events')
export class AgendaPagesController {
  constructor(
    private readonly events: EventsService,
    private readonly sessions: SessionsService,
    private readonly speakers: SpeakersService,
  ) {}

  @Get(':id/agenda')
  async agenda(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const { done } = req.query as Record<string, unknown>;
    const flash = typeof done === 'string' && ['added', 'saved', 'deleted', 'moved'].includes(done) ? `agenda.done.${done}` : null;
    await this.render(res, user, id, localeOf(req), (event, editable) => (editable ? this.emptyForm(user, event) : Promise.resolve(null)), HttpStatus.OK, flash);
  }

  @Post(':id/sessions')
  @Roles('organizer')
  async create(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Body() body: Record<string, unknown>, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    await this.events.assertManageable(user, id);
    const values = readForm(body, CREATE_FIELDS);
    const rows = readSpeakerRows(body);
    const { value, errors } = await validateForm(CreateSessionDto, { ...values, speakers: rows });
    const action = `/events/${id}/sessions`;
    if (errors) return this.renderForm(res, user, id, req, { mode: 'create', action, values, rows, errors: fixNested(errors), formError: null }, HttpStatus.BAD_REQUEST);
    try {
      await this.sessions.create(user, id, value);
      res.redirect(`/events/${id}/agenda?done=added`, 303);
    } catch (e) {
      await this.reject(e, res, user, id, req, { mode: 'create', action, values, rows });
    }
  }

  @Get(':id/sessions/:sessionId/edit')
  @Roles('organizer')
  async editForm(@CurrentUser() user: AuthUser, @UuidParam() id: string, @sessionId() sid: string, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    await this.events.assertManageable(user, id);
    const session = await this.sessionOf(user, id, sid);
    const values = { title: session.title, topic: session.topic, description: session.description, room: session.room, startsAt: toInputValue(session.startsAtLocal), endsAt: toInputValue(session.endsAtLocal) };
    const rows = session.speakers.map((s) => ({ speakerId: s.speakerId, role: s.role }));
    await this.renderForm(res, user, id, req, { mode: 'edit', action: `/events/${id}/sessions/${sid}`, values, rows, errors: {}, formError: null });
  }

  @Post(':id/sessions/:sessionId')
  @Roles('organizer')
  async update(@CurrentUser() user: AuthUser, @UuidParam() id: string, @sessionId() sid: string, @Body() body: Record<string, unknown>, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    await this.events.assertManageable(user, id);
    await this.sessionOf(user, id, sid);
    const values = readForm(body, EDIT_FIELDS);
    const rows = readSpeakerRows(body);
    const { value, errors } = await validateForm(UpdateSessionDto, { ...values, speakers: rows });
    const action = `/events/${id}/sessions/${sid}`;
    if (errors) return this.renderForm(res, user, id, req, { mode: 'edit', action, values, rows, errors: fixNested(errors), formError: null }, HttpStatus.BAD_REQUEST);
    try {
      await this.sessions.update(user, sid, value);
      res.redirect(`/events/${id}/agenda?done=saved`, 303);
    } catch (e) {
      await this.reject(e, res, user, id, req, { mode: 'edit', action, values, rows });
    }
  }

  @Post(':id/sessions/:sessionId/delete')
  @Roles('organizer')
  async remove(@CurrentUser() user: AuthUser, @UuidParam() id: string, @sessionId() sid: string, @Res() res: FastifyReply): Promise<void> {
    await this.sessionOf(user, id, sid);
    await this.sessions.remove(user, sid);
    res.redirect(`/events/${id}/agenda?done=deleted`, 303);
  }

  /** Moves a session up or down among those starting at the same time (their `position`). */
  @Post(':id/sessions/:sessionId/move')
  @Roles('organizer')
  async move(@CurrentUser() user: AuthUser, @UuidParam() id: string, @sessionId() sid: string, @Body('direction') direction: unknown, @Res() res: FastifyReply): Promise<void> {
    if (direction !== 'up' && direction !== 'down') throw new InvalidInputError('direction', 'must be up or down', { code: 'invalid' });
    const agenda = await this.sessions.listForEvent(user, id);
    if (!agenda.some((s) => s.id === sid)) await this.sessionOf(user, id, sid);
    for (const change of reorderPlan(agenda, sid, direction)) await this.sessions.update(user, change.id, { position: change.position });
    res.redirect(`/events/${id}/agenda?done=moved`, 303);
  }

  /** The session if it is on this event's agenda (readable by `user`); 404 otherwise. */
  private async sessionOf(user: AuthUser, eventId: string, sid: string): Promise<SessionDto> {
    const session = (await this.sessions.listForEvent(user, eventId)).find((s) => s.id === sid);
    if (!session) throw new NotFoundError('Session', sid);
    return session;
  }

  private async reject(e: unknown, res: FastifyReply, user: AuthUser, id: string, req: FastifyRequest, form: Pick<SessionForm, 'mode' | 'action' | 'values'> & { rows: SpeakerRow[] }): Promise<void> {
    if (!(e instanceof DomainError) || ![400, 403, 409].includes(e.status)) throw e;
    const event = await this.events.get(user, id);
    const locale = localeOf(req);
    if (e instanceof ConflictError && typeof e.details.conflictingSessionTitle === 'string') {
      // The double-booked speaker: name the other session, its event and its time, in the page language.
      const d = e.details as Record<string, string>;
      const zone = event.timezone;
      const formError = {
        key: 'agenda.error.speakerBusy',
        params: { speaker: d.speakerName, session: d.conflictingSessionTitle, event: d.conflictingEventTitle, when: spanInZone(d.conflictingStartsAt, d.conflictingEndsAt, toLocal(d.conflictingStartsAt, zone), toLocal(d.conflictingEndsAt, zone), zone, locale) },
      };
      return this.renderForm(res, user, id, req, { ...form, errors: { speakers: [{ key: 'agenda.error.speakerBusyShort' }] }, formError }, e.status);
    }
    const span = `${formatInZone(event.startsAt, event.timezone, locale)} – ${formatInZone(event.endsAt, event.timezone, locale)}`;
    const field = serviceFieldError(e, { span }, locale);
    if (field) return this.renderForm(res, user, id, req, { ...form, errors: withFieldError({}, field), formError: null }, e.status);
    await this.renderForm(res, user, id, req, { ...form, errors: {}, formError: { key: 'form.rejected', params: { reason: errorText(e, locale) } } }, e.status);
  }

  private async renderForm(
    res: FastifyReply,
    user: AuthUser,
    id: string,
    req: FastifyRequest,
    f: Pick<SessionForm, 'mode' | 'action' | 'values' | 'errors' | 'formError'> & { rows: SpeakerRow[] },
    status: number = HttpStatus.OK,
  ): Promise<void> {
    await this.render(res, user, id, localeOf(req), async () => ({ ...f, speakers: withBlankRows(f.rows), choices: await this.choices(user), roles: SPEAKER_ROLES }), status, null);
  }

  private async emptyForm(user: AuthUser, event: EventDto): Promise<SessionForm> {
    return {
      mode: 'create',
      action: `/events/${event.id}/sessions`,
      values: {},
      speakers: withBlankRows([]),
      errors: {},
      formError: null,
      choices: await this.choices(user),
      roles: SPEAKER_ROLES,
    };
  }

  private async choices(user: AuthUser): Promise<SpeakerDto[]> {
    return (await this.speakers.list(user, Object.assign(new ListSpeakersQueryDto(), { page: 1, pageSize: SPEAKER_CHOICES }))).items;
  }

  private async render(
    res: FastifyReply,
    user: AuthUser,
    id: string,
    locale: Locale,
    form: (event: EventDto, editable: boolean) => Promise<SessionForm | null>,
    status: number,
    flashKey: string | null,
  ): Promise<void> {
    const event = await this.events.get(user, id);
    const sessions = await this.sessions.listForEvent(user, id);
    const editable = manages(user) && (event.status === 'draft' || event.status === 'published');
    const view: AgendaView = {
      event,
      title: inLanguage(event.title, event.titleEn, locale)!,
      when: spanInZone(event.startsAt, event.endsAt, event.startsAtLocal, event.endsAtLocal, event.timezone, locale),
      items: agendaItems(sessions, event.timezone, locale),
      canEdit: editable,
      form: editable ? await form(event, editable) : null,
      flashKey,
    };
    res.status(status).view('events/agenda', view);
  }
}

const toLocal = (iso: string, zone: string) => toLocalIso(new Date(iso), zone);

const withBlankRows = (rows: SpeakerRow[]): SpeakerRow[] => [...rows, ...Array.from({ length: BLANK_SPEAKER_ROWS }, () => ({ speakerId: '', role: 'presenter' }))];

/** Errors of nested speaker rows have no constraints of their own: report them on `speakers`. */
function fixNested(errors: FieldErrors): FieldErrors {
  if (errors.speakers && errors.speakers.length === 0) return { ...errors, speakers: [{ key: 'form.invalid' }] };
  return errors;
}
