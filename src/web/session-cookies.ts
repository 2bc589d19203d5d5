import type { CookieSerializeOptions } from '@fastify/cookie';
import { randomBytes } from 'node:crypto';
import { SESSION_COOKIE } from '../auth/auth.guard';
import type { AppConfig } from '../config/config';
import { FastifyReply, FastifyRequest, rememberSignedCookie, signedCookie } from '../http/request';

/** Signed id of a visitor without a session, so the login form's CSRF token is tied to something. */
export const ANON_COOKIE = 'td_anon';
/** Same lifetime as the JWT (auth.module.ts signs for 12 h); @fastify/cookie's maxAge is in seconds. */
const SESSION_MAX_AGE_S = 12 * 60 * 60;

export function baseCookieOptions(config: AppConfig): CookieSerializeOptions {
  return { httpOnly: true, sameSite: 'lax', secure: config.appUrl.startsWith('https:'), path: '/' };
}

/** Starts a page session: the JWT in the signed httpOnly cookie the global AuthGuard reads. */
export function setSessionCookie(reply: FastifyReply, config: AppConfig, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, { ...baseCookieOptions(config), signed: true, maxAge: SESSION_MAX_AGE_S });
}

export function clearSessionCookie(reply: FastifyReply, config: AppConfig): void {
  reply.clearCookie(SESSION_COOKIE, baseCookieOptions(config));
}

/** The visitor's anonymous id, created (and remembered for this request) when missing. */
export function ensureAnonId(req: FastifyRequest, reply: FastifyReply, config: AppConfig): string {
  const existing = signedCookie(req, ANON_COOKIE);
  if (existing) return existing;
  const id = randomBytes(16).toString('hex');
  reply.setCookie(ANON_COOKIE, id, { ...baseCookieOptions(config), signed: true });
  rememberSignedCookie(req, ANON_COOKIE, id);
  return id;
}

/** A `next` target that stays on this site: a path starting with one `/`; anything else becomes `/`. */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (/[\u0000-\u001f\\]/.test(next)) return '/';
  return next.slice(0, 2000);
}
