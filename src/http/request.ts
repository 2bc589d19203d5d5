import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-user';
import type { Locale } from '../web/i18n/i18n';

declare module 'fastify' {
  interface FastifyRequest {
    /** The page language, from the `td_lang` cookie (Vietnamese by default); set on page requests only. */
    locale?: Locale;
    /** Set by the global AuthGuard from the bearer token or the signed session cookie. */
    user?: AuthUser;
  }
  interface FastifyReply {
    /** View data merged into every `reply.view` model (created per request by @fastify/view). */
    locals: Record<string, any>;
  }
}

export type { FastifyReply, FastifyRequest };

// @fastify/cookie does not unsign on parse (Express's cookie-parser did): the first check of a request
// unsigns, and the answer is kept for the guard, the CSRF check and the dashboard of the same request.
const unsigned = new WeakMap<FastifyRequest, Map<string, string | undefined>>();

/** The value of a cookie signed with the app's secret, or undefined when absent or tampered with. */
export function signedCookie(req: FastifyRequest, name: string): string | undefined {
  let cache = unsigned.get(req);
  if (cache?.has(name)) return cache.get(name);
  const raw = req.cookies?.[name];
  const result = raw ? req.unsignCookie(raw) : undefined;
  const value = result?.valid && result.value ? result.value : undefined;
  if (!cache) unsigned.set(req, (cache = new Map()));
  cache.set(name, value);
  return value;
}

/** Makes `signedCookie(req, name)` answer `value` for the rest of this request (a cookie set just now). */
export function rememberSignedCookie(req: FastifyRequest, name: string, value: string): void {
  let cache = unsigned.get(req);
  if (!cache) unsigned.set(req, (cache = new Map()));
  cache.set(name, value);
}

/** The path of the request without its query string. */
export function pathOf(req: FastifyRequest): string {
  const url = req.url;
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function quality(accept: string, type: string, subtype: string): number {
  let best = -1;
  let q = 0;
  for (const part of accept.split(',')) {
    const [range, ...params] = part.trim().toLowerCase().split(';');
    const [t, s] = range.trim().split('/');
    const specificity = t === type && s === subtype ? 2 : t === type && s === '*' ? 1 : t === '*' && s === '*' ? 0 : -1;
    if (specificity < 0 || specificity < best) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    if (specificity > best || value > q) q = Number.isFinite(value) ? value : 0;
    best = specificity;
  }
  return q;
}

/**
 * Whether the client prefers HTML to JSON, as Express's `req.accepts(['json', 'html']) === 'html'`
 * answered: no Accept header or a tie means JSON.
 */
export function prefersHtml(req: FastifyRequest): boolean {
  const accept = req.headers.accept;
  if (!accept) return false;
  return quality(accept, 'text', 'html') > quality(accept, 'application', 'json');
}
