import type { NestExpressApplication } from '@nestjs/platform-express';
import { Eta } from 'eta';
import type { NextFunction, Request, Response } from 'express';
import { join, relative } from 'node:path';
import type { AuthUser } from '../auth/auth-user';
import { SESSION_COOKIE } from '../auth/auth.guard';
import type { AppConfig } from '../config/config';
import { createCsrfMiddleware, CSRF_FIELD } from './csrf';
import { DEFAULT_LOCALE, isLocale, LANG_COOKIE, Locale, translator } from './i18n/i18n';

/** Views root: this folder (src/web in tests, dist/src/web after `nest build`, which copies the .eta files). */
export const VIEWS_DIR = __dirname;
export const STATIC_DIR = join(__dirname, 'static');

declare module 'express-serve-static-core' {
  interface Request {
    /** The page language, from the `td_lang` cookie (Vietnamese by default). */
    locale?: Locale;
  }
}

/**
 * Wires the server-rendered pages into the Express app: the eta view engine,
 * /static, the page language and the CSRF check. Called by createApp after
 * cookie-parser and before app.init() (so these run before Nest's routes).
 * See src/web/README.md for how to add a page.
 */
export function configureWeb(app: NestExpressApplication, config: AppConfig): void {
  const eta = new Eta({ views: VIEWS_DIR, cache: config.nodeEnv === 'production', autoEscape: true });
  app.engine('eta', (filePath: string, options: object, callback: (e: unknown, rendered?: string) => void) => {
    try {
      callback(null, eta.render(relative(VIEWS_DIR, filePath).replace(/\.eta$/, ''), options));
    } catch (err) {
      callback(err);
    }
  });
  app.setBaseViewsDir(VIEWS_DIR);
  app.setViewEngine('eta');
  app.useStaticAssets(STATIC_DIR, { prefix: '/static/', maxAge: config.nodeEnv === 'production' ? '1h' : 0 });

  // Forms post urlencoded bodies; parsed here so that the CSRF check below can read `_csrf`.
  app.useBodyParser('urlencoded', { extended: false });
  const csrf = createCsrfMiddleware(config);

  // A page answered for a session (anything under it names the user, down to the layout's menu) is never
  // stored: Back after logout on a shared desk PC must not bring it back from the browser's cache.
  // /static/ is served above and keeps its max-age; pages for visitors without a session keep theirs.
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (!req.path.startsWith('/api/') && req.signedCookies?.[SESSION_COOKIE]) res.setHeader('Cache-Control', 'no-store');
    next();
  });

  app.use((req: Request, res: Response, next: NextFunction) => {
    // JSON API requests render no view (errors under /api/ are JSON, see HttpExceptionFilter): the page
    // helpers below are seven closures per request that the check-in storm would only throw away.
    if (req.path.startsWith('/api/')) return next();
    const fromCookie = req.cookies?.[LANG_COOKIE];
    const locale: Locale = isLocale(fromCookie) ? fromCookie : DEFAULT_LOCALE;
    req.locale = locale;
    // What every view can use (res.locals are merged into each res.render model).
    res.locals.locale = locale;
    res.locals.t = translator(locale);
    res.locals.currentPath = req.originalUrl;
    res.locals.csrfField = CSRF_FIELD;
    res.locals.csrfToken = () => csrf.tokenFor(req, res);
    res.locals.formatDateTime = (d: Date | string | null | undefined) =>
      d ? new Intl.DateTimeFormat(locale === 'vi' ? 'vi-VN' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date(d)) : '';
    // The user is attached later by the AuthGuard; views read it through this getter.
    Object.defineProperty(res.locals, 'user', { enumerable: true, get: () => (req as Request & { user?: AuthUser }).user ?? null });
    next();
  });
  app.use(csrf.protect);
}
