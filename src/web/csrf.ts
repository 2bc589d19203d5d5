import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';
import { SESSION_COOKIE } from '../auth/auth.guard';
import type { AppConfig } from '../config/config';
import { ANON_COOKIE, baseCookieOptions, ensureAnonId } from './session-cookies';

/** Name of the hidden form field that carries the CSRF token. */
export const CSRF_FIELD = '_csrf';
/** Header that scripts (fetch) use instead of the form field. */
export const CSRF_HEADER = 'x-csrf-token';

function hasBearer(req: Request): boolean {
  return /^bearer\s/i.test(req.headers.authorization ?? '');
}

function hasSessionCookie(req: Request): boolean {
  return SESSION_COOKIE in (req.signedCookies ?? {}) || SESSION_COOKIE in (req.cookies ?? {});
}

/**
 * Double-submit CSRF protection (csrf-csrf), tokens tied to the session JWT or,
 * before login, to the anonymous visitor id. Checked on every state-changing
 * request that a browser could send with ambient cookies:
 * - every page POST (forms carry `_csrf`), logged in or not (the login form too);
 * - API calls that rely on the `td_session` cookie instead of a Bearer header.
 * Bearer-authenticated API calls carry no ambient credential and are exempt,
 * as are cookie-less API calls (public endpoints).
 */
export function createCsrfMiddleware(config: AppConfig): { protect: RequestHandler; tokenFor: (req: Request, res: Response) => string } {
  const secure = config.appUrl.startsWith('https:');
  const { generateCsrfToken, validateRequest } = doubleCsrf({
    getSecret: () => config.jwtSecret,
    getSessionIdentifier: (req) => String(req.signedCookies?.[SESSION_COOKIE] || req.signedCookies?.[ANON_COOKIE] || ''),
    // The __Host- prefix needs https; plain-http development uses the bare name.
    cookieName: secure ? '__Host-td_csrf' : 'td_csrf',
    cookieOptions: { ...baseCookieOptions(config) },
    getCsrfTokenFromRequest: (req) => {
      // Explicit by content type, as csrf-csrf's README asks (no fallthrough between sources).
      if (req.is('application/x-www-form-urlencoded')) {
        const v = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
        return typeof v === 'string' ? v : undefined;
      }
      if (req.is('multipart/form-data')) {
        // The multipart body is parsed later, by the route's FileInterceptor: an upload form
        // carries the token in its action's query string (`?_csrf=`), a script in the header.
        const v = req.query?.[CSRF_FIELD] ?? req.headers[CSRF_HEADER];
        return typeof v === 'string' ? v : undefined;
      }
      return req.headers[CSRF_HEADER];
    },
  });

  const needsCheck = (req: Request): boolean => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return false;
    if (hasBearer(req)) return false;
    if (req.path.startsWith('/api/')) return hasSessionCookie(req);
    return true;
  };

  const protect: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    if (!needsCheck(req)) return next();
    if (!validateRequest(req)) {
      res.status(403);
      res.locals.csrfFailed = true;
      const body = { statusCode: 403, message: 'invalid or missing CSRF token: reload the page and submit the form again', error: 'Forbidden' };
      if (req.accepts(['json', 'html']) === 'html' && !req.path.startsWith('/api/')) {
        return res.render('error', { status: 403, message: body.message }, (err: Error | null, html?: string) => {
          if (err) res.json(body);
          else res.type('html').send(html);
        });
      }
      res.json(body);
      return;
    }
    // Validated: the token is not a field of any DTO (the global pipe refuses unknown fields).
    if (req.body && typeof req.body === 'object') delete (req.body as Record<string, unknown>)[CSRF_FIELD];
    next();
  };

  // One token per request: generating twice would overwrite the cookie and break the first form.
  const tokens = new WeakMap<Request, string>();
  const tokenFor = (req: Request, res: Response): string => {
    let token = tokens.get(req);
    if (!token) {
      if (!req.signedCookies?.[SESSION_COOKIE]) ensureAnonId(req, res, config);
      token = generateCsrfToken(req, res);
      tokens.set(req, token);
    }
    return token;
  };
  return { protect, tokenFor };
}
