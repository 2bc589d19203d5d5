import { Body, Get, HttpStatus, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from '../../http/request';
import { Public } from '../../auth/auth-user';
import type { EventDto } from '../../events/dto/event.dto';
import { EventsService } from '../../events/events.service';
import { ConflictError, DomainError, ForbiddenError, InvalidInputError, NotFoundError } from '../../http/domain-errors';
import { CreateRegistrationDto } from '../../registrations/dto/registration.dto';
import { RegistrationsService } from '../../registrations/registrations.service';
import type { PublicRegistrationDto } from '../../registrations/dto/public-registration.dto';
import { FieldErrors, readForm, validateForm } from '../forms';
import { zoneLabel } from '../format/office-format';
import { errorText } from '../i18n/error-text';
import { DEFAULT_LOCALE, Locale } from '../i18n/i18n';
import { codeGroups, inLanguage, spanInZone } from '../registrations/page-format';
import { PublicRegistrationsService } from '../../registrations/public-registrations.service';
import { WebController } from '../web-controller.decorator';
import { RegistrationEntryBuilder, RegistrationEntryView } from './registration-entry';
import { RateLimit } from '../../rate-limit/rate-limit.decorator';

const FORM_FIELDS = { fullName: 'omit', email: 'omit', phone: 'omit', position: 'omit', organizationId: 'omit', language: 'omit' } as const;

/** What the delegate's page has just done, shown as the status line. */
const DONE = ['registered', 'accepted', 'declined', 'cancelled'] as const;

/** View model of delegate/register.eta. */
interface RegisterView {
  event: { title: string; when: string; venue: string | null; slug: string };
  registrationEntry: RegistrationEntryView;
}

/** View model of delegate/my-registration.eta. */
interface MyRegistrationView {
  base: string;
  registration: Pick<PublicRegistrationDto, 'fullName' | 'email' | 'position' | 'role' | 'status' | 'code'> & { codeGroups: string[] };
  event: { title: string; when: string; venue: string | null; timezone: string; zone: string; status: string; slug: string };
  /** The event is over or called off: no pass, no calendar, no answers; the page says so first. */
  eventOver: boolean;
  sessions: { title: string; room: string | null; topic: string | null; when: string }[];
  qrSrc: string;
  icsHref: string;
  canAccept: boolean;
  canDecline: boolean;
  canCancel: boolean;
  done: (typeof DONE)[number] | null;
  formError: string | null;
}

const locale = (req: FastifyRequest): Locale => req.locale ?? DEFAULT_LOCALE;

/**
 * The delegate's pages (no account): the registration form of the public
 * event page, and "my registration" by the secret token of the personal
 * link, with its accept / decline / cancel forms.
 */
@WebController()
@Public()
export class DelegatePagesController {
  constructor(
    private readonly events: EventsService,
    private readonly registrations: RegistrationsService,
    private readonly publicRegistrations: PublicRegistrationsService,
    private readonly entry: RegistrationEntryBuilder,
  ) {}

  /** The form on its own page (also where a refused form comes back with its errors). */
  @Get('e/:slug/register')
  async form(@Param('slug') slug: string, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const event = await this.publicEvent(slug);
    res.view('delegate/register', await this.registerView(event, locale(req)));
  }

  @Post('e/:slug/register')
  @RateLimit('registration', { counts: 'every' })
  async register(@Param('slug') slug: string, @Body() body: Record<string, unknown>, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const event = await this.publicEvent(slug);
    const values = readForm(body, FORM_FIELDS);
    const { value, errors } = await validateForm(CreateRegistrationDto, values);
    const again = async (status: number, extra: { errors?: FieldErrors; formError?: string; formErrorDetail?: string }) =>
      res.status(status).view('delegate/register', await this.registerView(event, locale(req), { values, ...extra }));
    if (errors) return again(HttpStatus.BAD_REQUEST, { errors });
    try {
      // Always a self-registration: a signed-in organizer uses the organizer's pages to add people.
      const created = await this.registrations.register(undefined, event.id, value);
      res.redirect(`/r/${encodeURIComponent(created.token)}?done=registered`, 303);
    } catch (e) {
      if (e instanceof InvalidInputError && e.details.field) return again(e.status, { errors: { [String(e.details.field)]: [{ key: 'form.invalid' }] } });
      if (e instanceof ConflictError && e.details.field === 'email') return again(e.status, { errors: { email: [{ key: 'register.error.duplicate' }] } });
      if (e instanceof ConflictError || e instanceof ForbiddenError) {
        // The state may have changed since the form was shown (full, closed): explain it in the page language.
        const fresh = (await this.events.findBySlug(event.slug)) ?? event;
        const state = RegistrationsService.entryState(fresh);
        const key = state === 'open' || state === 'waitlist' ? 'register.error.refused' : `register.state.${state}`;
        return again(e.status, { formError: key, formErrorDetail: key === 'register.error.refused' ? errorText(e, locale(req)) : undefined });
      }
      throw e;
    }
  }

  @Get('r/:token')
  @RateLimit('tokenMisses', { counts: 'misses' })
  async mine(@Param('token') token: string, @Query('done') done: unknown, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const r = await this.publicRegistrations.get(token);
    res.view('delegate/my-registration', this.myView(token, r, locale(req), DONE.find((d) => d === done) ?? null, null));
  }

  /** Accept (`answer=accept`) or decline (`answer=decline`) an invitation. */
  @Post('r/:token/rsvp')
  @RateLimit('tokenMisses', { counts: 'misses' })
  async rsvp(@Param('token') token: string, @Body() body: Record<string, unknown>, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const answer = body.answer;
    if (answer !== 'accept' && answer !== 'decline') throw new InvalidInputError('answer', 'must be accept or decline');
    await this.act(token, req, res, answer === 'accept' ? 'accepted' : 'declined', () => this.publicRegistrations.rsvp(token, answer === 'accept'));
  }

  @Post('r/:token/cancel')
  @RateLimit('tokenMisses', { counts: 'misses' })
  async cancel(@Param('token') token: string, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    await this.act(token, req, res, 'cancelled', () => this.publicRegistrations.cancel(token));
  }

  /** Runs a delegate's action; a refusal (409) comes back on the page with its reason. */
  private async act(token: string, req: FastifyRequest, res: FastifyReply, done: (typeof DONE)[number], action: () => Promise<PublicRegistrationDto>): Promise<void> {
    try {
      await action();
      res.redirect(`/r/${encodeURIComponent(token)}?done=${done}`, 303);
    } catch (e) {
      if (!(e instanceof DomainError) || e.status !== 409) throw e;
      const r = await this.publicRegistrations.get(token);
      res.status(409).view('delegate/my-registration', this.myView(token, r, locale(req), null, errorText(e, locale(req))));
    }
  }

  /** A published (or finished) event by slug; drafts do not exist for the public. */
  private async publicEvent(slug: string): Promise<EventDto> {
    const event = await this.events.findBySlug(slug);
    if (!event || event.status === 'draft') throw new NotFoundError('Event');
    return event;
  }

  private async registerView(event: EventDto, loc: Locale, extra: Parameters<RegistrationEntryBuilder['build']>[2] = {}): Promise<RegisterView> {
    return {
      event: {
        title: inLanguage(event.title, event.titleEn, loc),
        when: spanInZone(event.startsAt, event.endsAt, event.timezone, loc),
        venue: event.venue,
        slug: event.slug,
      },
      registrationEntry: await this.entry.build(event, loc, extra),
    };
  }

  private myView(token: string, r: PublicRegistrationDto, loc: Locale, done: MyRegistrationView['done'], formError: string | null): MyRegistrationView {
    const base = `/r/${encodeURIComponent(token)}`;
    const api = `/api/v1/public/registrations/${encodeURIComponent(token)}`;
    const e = r.event;
    const answersOpen = e.status === 'published' || e.status === 'draft';
    return {
      base,
      registration: { fullName: r.fullName, email: r.email, position: r.position, role: r.role, status: r.status, code: r.code, codeGroups: codeGroups(r.code) },
      event: {
        title: inLanguage(e.title, e.titleEn, loc),
        when: spanInZone(e.startsAt, e.endsAt, e.timezone, loc),
        venue: e.venue,
        timezone: e.timezone,
        zone: zoneLabel(e.timezone, loc, e.startsAt),
        status: e.status,
        slug: e.slug,
      },
      eventOver: e.status === 'cancelled' || e.status === 'completed',
      sessions: r.sessions.map((s) => ({ title: s.title, room: s.room, topic: s.topic, when: spanInZone(s.startsAt, s.endsAt, e.timezone, loc) })),
      qrSrc: `${api}/qr.svg`,
      icsHref: `${api}/event.ics`,
      canAccept: answersOpen && (r.status === 'invited' || r.status === 'declined'),
      canDecline: answersOpen && r.status === 'invited',
      canCancel: answersOpen && ['confirmed', 'waitlisted', 'invited'].includes(r.status),
      done,
      formError,
    };
  }
}
