import fastifyCsrfProtection from '@fastify/csrf-protection';
import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE } from '../auth/auth.guard';
import type { AppConfig } from '../config/config';
import { FastifyReply, FastifyRequest, pathOf, signedCookie } from '../http/request';
import { ANON_COOKIE, baseCookieOptions, ensureAnonId } from './session-cookies';

/** Name of the hidden form field that carries the CSRF token. */
export const CSRF_FIELD = '_csrf';
/** Header that scripts (fetch) use instead of the form field. */
export const CSRF_HEADER = 'x-csrf-token';
/** What a refused request is told (the page shows error.csrf instead). */
export const CSRF_MESSAGE = 'invalid or missing CSRF token: reload the page and submit the form again';
/** Codes of @fastify/csrf-protection's 403 errors, mapped to CSRF_MESSAGE by HttpExceptionFilter. */
export const CSRF_ERROR_CODES = new Set(['FST_CSRF_MISSING_SECRET', 'FST_CSRF_INVALID_TOKEN']);

function hasBearer(req: FastifyRequest): boolean {
  return /^bearer\s/i.test(req.headers.authorization ?? '');
}

function hasSessionCookie(req: FastifyRequest): boolean {
  return req.cookies?.[SESSION_COOKIE] !== undefined;
}

/** What tokens are tied to: the session JWT or, before login, the anonymous visitor id. */
function sessionIdentifier(req: FastifyRequest): string {
  return signedCookie(req, SESSION_COOKIE) || signedCookie(req, ANON_COOKIE) || '';
}

function tokenOf(req: FastifyRequest): string | undefined {
  // Explicit by content type (no fallthrough between sources).
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    const v = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
    return typeof v === 'string' ? v : undefined;
  }
  if (type === 'multipart/form-data') {
    // The multipart body is read later, by the handler: an upload form carries the token in its
    // action's query string (`?_csrf=`), a script in the header.
    const v = (req.query as Record<string, unknown> | undefined)?.[CSRF_FIELD] ?? req.headers[CSRF_HEADER];
    return typeof v === 'string' ? v : undefined;
  }
  const v = req.headers[CSRF_HEADER];
  return typeof v === 'string' ? v : undefined;
}

/**
 * CSRF protection with @fastify/csrf-protection: a secret in a signed httpOnly
 * cookie, tokens derived from it and tied to the session JWT or, before login,
 * to the anonymous visitor id. Checked on every state-changing request that a
 * browser could send with ambient cookies:
 * - every page POST (forms carry `_csrf`), logged in or not (the login form too);
 * - API calls that rely on the `td_session` cookie instead of a Bearer header.
 * Bearer-authenticated API calls carry no ambient credential and are exempt,
 * as are cookie-less API calls (public endpoints).
 * Registers the plugin and a `preValidation` hook (after the body is parsed,
 * before guards); returns the per-request token getter for the views.
 */
export async function registerCsrf(fastify: FastifyInstance, config: AppConfig): Promise<{ tokenFor: (req: FastifyRequest, reply: FastifyReply) => string }> {
  const secure = config.appUrl.startsWith('https:');
  await fastify.register(fastifyCsrfProtection, {
    sessionPlugin: '@fastify/cookie',
    // The __Host- prefix needs https; plain-http development uses the bare name.
    cookieKey: secure ? '__Host-td_csrf' : 'td_csrf',
    cookieOpts: { ...baseCookieOptions(config), signed: true },
    getToken: tokenOf,
    getUserInfo: sessionIdentifier,
    csrfOpts: { hmacKey: config.jwtSecret },
  });

  const needsCheck = (req: FastifyRequest): boolean => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return false;
    if (hasBearer(req)) return false;
    if (pathOf(req).startsWith('/api/')) return hasSessionCookie(req);
    return true;
  };

  fastify.addHook('preValidation', (req, reply, done) => {
    if (!needsCheck(req)) return done();
    // A refusal is sent as @fastify/csrf-protection's 403 error, which HttpExceptionFilter words and renders.
    fastify.csrfProtection(req, reply, () => {
      // Validated: the token is not a field of any DTO (the global pipe refuses unknown fields).
      if (req.body && typeof req.body === 'object') delete (req.body as Record<string, unknown>)[CSRF_FIELD];
      done();
    });
  });

  // One token per request is enough (any token of the secret is valid; this only saves work).
  const tokens = new WeakMap<FastifyRequest, string>();
  const tokenFor = (req: FastifyRequest, reply: FastifyReply): string => {
    let token = tokens.get(req);
    if (!token) {
      if (!signedCookie(req, SESSION_COOKIE)) ensureAnonId(req, reply, config);
      token = reply.generateCsrf({ userInfo: sessionIdentifier(req) });
      tokens.set(req, token);
    }
    return token;
  };
  return { tokenFor };
}
