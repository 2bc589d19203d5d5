import type { CookieOptions, Request, Response } from 'express';
import { randomBytes } from 'node:crypto';
import { SESSION_COOKIE } from '../auth/auth.guard';
import type { AppConfig } from '../config/config';

/** Signed id of a visitor without a session, so the login form's CSRF token is tied to something. */
export const ANON_COOKIE = 'td_anon';
/** Same lifetime as the JWT (auth.module.ts signs for 12 h). */
const SESSION_MAX_AGE_MS = 12 * 60 * 60 * 1000;

export function baseCookieOptions(config: AppConfig): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure: config.appUrl.startsWith('https:'), path: '/' };
}

/** Starts a page session: the JWT in the signed httpOnly cookie the global AuthGuard reads. */
export function setSessionCookie(res: Response, config: AppConfig, token: string): void {
  res.cookie(SESSION_COOKIE, token, { ...baseCookieOptions(config), signed: true, maxAge: SESSION_MAX_AGE_MS });
}

export function clearSessionCookie(res: Response, config: AppConfig): void {
  res.clearCookie(SESSION_COOKIE, baseCookieOptions(config));
}

/** The visitor's anonymous id, created (and set on `req` for this request) when missing. */
export function ensureAnonId(req: Request, res: Response, config: AppConfig): string {
  const existing = req.signedCookies?.[ANON_COOKIE];
  if (typeof existing === 'string' && existing) return existing;
  const id = randomBytes(16).toString('hex');
  res.cookie(ANON_COOKIE, id, { ...baseCookieOptions(config), signed: true });
  req.signedCookies = { ...(req.signedCookies ?? {}), [ANON_COOKIE]: id };
  return id;
}

/** A `next` target that stays on this site: a path starting with one `/`; anything else becomes `/`. */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (/[\u0000-\u001f\\]/.test(next)) return '/';
  return next.slice(0, 2000);
}
