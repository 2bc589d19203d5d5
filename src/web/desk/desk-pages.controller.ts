import { Get, Query, Render, Req, Res } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyReply, FastifyRequest } from '../../http/request';
import { AuthUser, CurrentUser, Public, Roles } from '../../auth/auth-user';
import { CheckInsService } from '../../check-ins/check-ins.service';
import { ListEventsQueryDto } from '../../events/dto/event.dto';
import { EVENT_STATUSES } from '../../events/event.entity';
import { InvalidInputError } from '../../http/domain-errors';
import { ListRegistrationsQueryDto } from '../../registrations/dto/registration.dto';
import { RegistrationsService } from '../../registrations/registrations.service';
import { validateForm } from '../forms';
import { EventsService } from '../../events/events.service';
import { UuidParam } from '../../http/uuid-param';
import { SessionsService } from '../../sessions/sessions.service';
import { DEFAULT_LOCALE, Locale, translator } from '../i18n/i18n';
import { inLanguage, spanInZone } from '../registrations/page-format';
import { RegistrationPageQueries } from '../registrations/registration-page-queries';
import { STATIC_DIR, VIEWS_DIR } from '../configure-web';
import { WebController } from '../web-controller.decorator';

/** Texts the desk script shows (it runs without templates): `desk.js.<key>` in the page language. */
const JS_TEXTS = [
  'welcome', 'already', 'notRegistered', 'notConfirmed', 'eventClosed', 'forbidden', 'invalid', 'loggedOut', 'failed',
  'savedOffline', 'savedRetry', 'synced', 'syncedDuplicate', 'syncFailed', 'searching', 'noMatch', 'checkIn', 'offline', 'cameraError',
  'atSession', 'atDoor', 'statuses.invited', 'statuses.confirmed', 'statuses.declined', 'statuses.waitlisted', 'statuses.cancelled',
] as const;

/** Texts of the offline desk (`deskOffline.<key>`, desk-offline.<locale>.json), as `offline.<key>` for desk.js. */
const OFFLINE_TEXTS = ['ready', 'savedCopy', 'storageFailed', 'otherAccount', 'loggedOutQueued'] as const;

/** Error codes the check-in and search API may answer the desk with (`errors.<code>` in the catalogs). */
const DESK_ERRORS = [
  'checkIn.codeOrId', 'checkIn.unknownCode', 'checkIn.future', 'checkIn.race', 'checkIn.eventClosed', 'checkIn.notConfirmed',
  'notFound.registration', 'notFound.session', 'notFound.event', 'outsideSubtree', 'forbidden', 'invalid', 'conflict', 'generic',
] as const;

/**
 * jsQR (npm `jsqr`), the QR decoder the desk uses where the browser has no BarcodeDetector
 * (iPhone Safari, Firefox, desktop Linux): served from the installed package, never a CDN.
 */
let jsQrSource: Buffer | null = null;
const jsQr = (): Buffer => (jsQrSource ??= readFileSync(require.resolve('jsqr/dist/jsQR.js')));

/**
 * The desk's service worker (static/desk-sw.js) with its cache version filled in: a hash of the worker,
 * the files it keeps, the templates of the desk page and the catalogs. A deployment that changes any of
 * them changes the script, so browsers install the new worker, which replaces the old cache. Computed
 * once per process (the files do not change under a running server).
 */
let deskWorker: string | null = null;
function deskWorkerSource(): string {
  if (deskWorker) return deskWorker;
  const source = readFileSync(join(STATIC_DIR, 'desk-sw.js'), 'utf8');
  const i18nDir = join(VIEWS_DIR, 'i18n');
  const inputs = [
    source,
    ...['app.css', 'app.js', 'desk.css', 'desk.js'].map((f) => readFileSync(join(STATIC_DIR, f))),
    jsQr(),
    ...['layout.eta', 'desk/desk.eta'].map((f) => readFileSync(join(VIEWS_DIR, f))),
    ...readdirSync(i18nDir).filter((f) => f.endsWith('.json')).sort().map((f) => readFileSync(join(i18nDir, f))),
  ];
  const hash = createHash('sha256');
  for (const input of inputs) hash.update(input);
  deskWorker = source.replace('__DESK_SW_VERSION__', hash.digest('hex').slice(0, 16));
  return deskWorker;
}

/** The desk search's answer (read by desk.js). */
interface DeskSearchAnswer {
  items: { id: string; fullName: string; organizationId: string | null; status: string; checkedInAt: string | null }[];
}

/** View model of desk/index.eta. */
interface DeskListView {
  events: { id: string; title: string; when: string }[];
}

/** View model of desk/desk.eta. */
interface DeskView {
  event: { id: string; title: string; when: string; venue: string | null; timezone: string; status: string };
  open: boolean;
  sessions: { id: string; label: string }[];
  stats: { expected: number; checkedIn: number };
  /** JSON for data attributes (escaped by the template, read by desk.js). */
  unitsJson: string;
  textsJson: string;
  /** Whose desk this is: desk.js keeps each account's offline scans apart. */
  userId: string;
  /** When the page was made (ISO): a copy opened offline says how old it is. */
  renderedAt: string;
}

const locale = (req: FastifyRequest): Locale => req.locale ?? DEFAULT_LOCALE;

/**
 * The check-in desk (staff, organizers, admin). The page only renders the
 * frame; desk.js scans through the JSON API (POST /api/v1/events/:id/check-ins,
 * cookie + x-csrf-token), keeps scans made offline in IndexedDB and sends them later;
 * a service worker (/desk/sw.js) keeps the page and its files so that it opens without network.
 */
@WebController('desk')
@Roles('staff', 'organizer')
export class DeskPagesController {
  constructor(
    private readonly events: EventsService,
    private readonly sessions: SessionsService,
    private readonly checkIns: CheckInsService,
    private readonly queries: RegistrationPageQueries,
    private readonly registrations: RegistrationsService,
  ) {}

  /** The published events of the user's subtree, to choose a desk. */
  @Get()
  @Render('desk/index')
  async list(@CurrentUser() user: AuthUser, @Req() req: FastifyRequest): Promise<DeskListView> {
    const q = Object.assign(new ListEventsQueryDto(), { status: 'published', page: 1, pageSize: 200 });
    const page = await this.events.list(user, q);
    const loc = locale(req);
    return {
      events: page.items.map((e) => ({ id: e.id, title: inLanguage(e.title, e.titleEn, loc), when: spanInZone(e.startsAt, e.endsAt, e.timezone, loc) })),
    };
  }

  /** The QR decoder script (loaded by desk.js only when the browser cannot read QR codes itself). */
  @Get('assets/jsqr.js')
  jsqr(@Res() res: FastifyReply): void {
    res.header('Content-Type', 'text/javascript; charset=utf-8').header('Cache-Control', 'private, max-age=86400').send(jsQr());
  }

  /**
   * The desk's service worker (scope /desk/, so no Service-Worker-Allowed header). Public: it holds no
   * data, and a browser re-checks it for updates even after its user logged out (a redirect to the login
   * page would be an update failure). Never stored by the HTTP cache (no-store, as the pages under a
   * session), so a deployment is seen at the next update check.
   */
  @Public()
  @Get('sw.js')
  serviceWorker(@Res() res: FastifyReply): void {
    res.header('Content-Type', 'text/javascript; charset=utf-8').header('Cache-Control', 'no-store').send(deskWorkerSource());
  }

  /**
   * The desk's name search: who matches, with their status and first check-in time (the API's
   * registration list does not carry check-ins). JSON for desk.js; the same scope as the desk page.
   */
  @Get(':eventId/search')
  async search(@CurrentUser() user: AuthUser, @UuidParam('eventId') eventId: string, @Query() query: Record<string, unknown>): Promise<DeskSearchAnswer> {
    await this.events.get(user, eventId);
    const { value, errors } = await validateForm(ListRegistrationsQueryDto, { q: typeof query.q === 'string' ? query.q : '', pageSize: '20' });
    if (errors) throw new InvalidInputError('q', 'must be at most 100 characters', { code: 'invalid' });
    const page = await this.registrations.list(user, eventId, value);
    const checkIns = await this.queries.checkIns(eventId, page.items.map((r) => r.id));
    return {
      items: page.items.map((r) => ({
        id: r.id,
        fullName: r.fullName,
        organizationId: r.organizationId,
        status: r.status,
        checkedInAt: checkIns.get(r.id)?.at.toISOString() ?? null,
      })),
    };
  }

  @Get(':eventId')
  @Render('desk/desk')
  async desk(@CurrentUser() user: AuthUser, @UuidParam('eventId') eventId: string, @Req() req: FastifyRequest): Promise<DeskView> {
    const event = await this.events.get(user, eventId);
    const loc = locale(req);
    const [sessions, stats, units] = await Promise.all([
      this.sessions.listForEvent(user, eventId),
      this.checkIns.stats(user, eventId),
      this.queries.unitsForDesk(eventId, event.organizationId, loc),
    ]);
    const t = translator(loc);
    return {
      event: { id: event.id, title: inLanguage(event.title, event.titleEn, loc), when: spanInZone(event.startsAt, event.endsAt, event.timezone, loc), venue: event.venue, timezone: event.timezone, status: event.status },
      open: event.status === 'published' || event.status === 'completed',
      sessions: sessions.map((s) => ({ id: s.id, label: `${spanInZone(s.startsAt, s.endsAt, event.timezone, loc)} — ${s.title}` })),
      stats: { expected: stats.expected, checkedIn: stats.checkedIn },
      unitsJson: JSON.stringify(Object.fromEntries(units.map((u) => [u.id, u.name]))),
      textsJson: JSON.stringify({
        ...Object.fromEntries(JS_TEXTS.map((k) => [k, t(`desk.js.${k}`)])),
        // The API's refusals, worded from their code (desk.js fills in the parameters).
        ...Object.fromEntries(DESK_ERRORS.map((k) => [`errors.${k}`, t(`errors.${k}`)])),
        ...Object.fromEntries(EVENT_STATUSES.map((s) => [`eventStatuses.${s}`, t(`statuses.event.${s}`)])),
        ...Object.fromEntries(OFFLINE_TEXTS.map((k) => [`offline.${k}`, t(`deskOffline.${k}`)])),
      }),
      userId: user.id,
      renderedAt: new Date().toISOString(),
    };
  }
}
