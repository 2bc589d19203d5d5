import fastifyStatic from '@fastify/static';
import fastifyView from '@fastify/view';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Eta } from 'eta';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { AppConfig } from '../config/config';
import { SESSION_COOKIE } from '../auth/auth.guard';
import { pathOf, signedCookie } from '../http/request';
import { CSRF_FIELD, registerCsrf } from './csrf';
import { localeOf, translator } from './i18n/i18n';
import { errorText, ErrorLike } from './i18n/error-text';
import { formatDateTime, zoneLabel } from './format/office-format';
import { DEFAULT_TIMEZONE } from '../events/event-time';

/** Views root: this folder (src/web in tests, dist/src/web after `nest build`, which copies the .eta files). */
export const VIEWS_DIR = __dirname;
export const STATIC_DIR = join(__dirname, 'static');

/**
 * View data that Nest middleware prepares for a page (middleware runs on the raw request, before
 * the page hook below creates `reply.locals`): merged into the page's locals.
 */
export const middlewareLocals = new WeakMap<IncomingMessage, Record<string, unknown>>();

/**
 * Wires the server-rendered pages into the Fastify app: the eta view engine
 * (@fastify/view), /static (@fastify/static), the page language and the CSRF
 * check. Called by createApp after @fastify/cookie and before app.init() (so
 * the hooks apply to Nest's routes). See src/web/README.md for how to add a page.
 */
export async function configureWeb(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const production = config.nodeEnv === 'production';
  await fastify.register(fastifyView, {
    engine: { eta: new Eta({ views: VIEWS_DIR, cache: production, autoEscape: true }) },
    root: VIEWS_DIR,
    production,
  });
  await fastify.register(fastifyStatic, { root: STATIC_DIR, prefix: '/static/', maxAge: production ? '1h' : 0, decorateReply: false });
  fastify.decorateRequest('locale', undefined);

  const csrf = await registerCsrf(fastify, config);

  fastify.addHook('onRequest', (req, reply, done) => {
    // JSON API requests render no view (errors under /api/ are JSON, see HttpExceptionFilter): the page
    // helpers below are closures per request that the check-in storm would only throw away.
    // Files under /static/ render nothing either, and keep their max-age.
    const path = pathOf(req);
    if (path.startsWith('/api/') || path.startsWith('/static/')) return done();
    // A page answered for a session (anything under it names the user, down to the layout's menu) is never
    // stored: Back after logout on a shared desk PC must not bring it back from the browser's cache.
    // Pages for visitors without a session keep theirs.
    if (signedCookie(req, SESSION_COOKIE)) reply.header('Cache-Control', 'no-store');
    const locale = localeOf(req.cookies);
    req.locale = locale;
    // What every view can use (reply.locals are merged into each reply.view model).
    const locals = reply.locals;
    locals.locale = locale;
    locals.t = translator(locale);
    locals.currentPath = req.originalUrl;
    locals.csrfField = CSRF_FIELD;
    locals.csrfToken = () => csrf.tokenFor(req, reply);
    locals.formatDateTime = (d: Date | string | null | undefined, zone?: string) => formatDateTime(d, zone ?? DEFAULT_TIMEZONE, locale);
    locals.zoneLabel = (zone: string, at?: Date | string) => zoneLabel(zone, locale, at);
    locals.errorText = (e: ErrorLike) => errorText(e, locale);
    // The user is attached later by the AuthGuard; views read it through this getter.
    Object.defineProperty(locals, 'user', { enumerable: true, get: () => req.user ?? null });
    const early = middlewareLocals.get(req.raw);
    if (early) Object.assign(locals, early);
    done();
  });
}
