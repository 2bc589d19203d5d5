import type { IncomingMessage } from 'node:http';
import { pino } from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import { API_PREFIX } from './api-controller.decorator';

/**
 * Secrets that travel in URLs, masked before a URL reaches the logs:
 * - the CSRF token of upload forms (`?_csrf=`, see src/web/csrf.ts) and any
 *   token-, secret-, password- or signature-like query parameter;
 * - the delegate's personal link token, a bearer secret in the path:
 *   `/r/<token>...` (pages) and `/api/v1/public/registrations/<token>...`.
 * Browsers repeat such URLs in Referer and the app in Location, so the
 * request and response serializers below mask those headers too.
 */
export const MASK = '***';

const SECRET_QUERY_PARAM = /^_csrf$|token|secret|passw|signature/i;
// Case-insensitive like Express routing: /R/<token> reaches the same page.
const TOKEN_PATHS = [/^(\/r\/)([^/?#]+)/i, new RegExp(`^(/${API_PREFIX}/public/registrations/)([^/?#]+)`, 'i')];

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** `url` (a path with query, or an absolute URL) with its secrets replaced by `***`; the rest untouched. */
export function redactUrl(url: string): string {
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url)?.[0] ?? '';
  let rest = url.slice(origin.length);
  for (const re of TOKEN_PATHS) rest = rest.replace(re, `$1${MASK}`);
  const q = rest.indexOf('?');
  if (q < 0) return origin + rest;
  const hash = rest.indexOf('#', q);
  const query = rest.slice(q + 1, hash < 0 ? undefined : hash);
  const masked = query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      return eq >= 0 && SECRET_QUERY_PARAM.test(safeDecode(key)) ? `${key}=${MASK}` : pair;
    })
    .join('&');
  return origin + rest.slice(0, q + 1) + masked + (hash < 0 ? '' : rest.slice(hash));
}

function maskKeys(obj: unknown, secret: RegExp): unknown {
  if (!obj || typeof obj !== 'object') return obj;
  const out: Record<string, unknown> = { ...(obj as Record<string, unknown>) };
  for (const key of Object.keys(out)) if (secret.test(key)) out[key] = MASK;
  return out;
}

/** The shape of pino-std-serializers' request, as far as masking needs it. */
interface LoggedRequest {
  url?: unknown;
  query?: unknown;
  params?: unknown;
  headers?: Record<string, unknown>;
}

/**
 * pino-http `serializers.req`: receives the standard serialized request and
 * masks url, query and Referer. Route params are left out: they repeat the
 * URL, in shapes no mask can know (a catch-all's `splat` holds the token as
 * one of its segments). Never touches the live request.
 */
export function redactRequestForLog<T extends LoggedRequest>(req: T): T {
  if (typeof req.url === 'string') req.url = redactUrl(req.url);
  req.query = maskKeys(req.query, SECRET_QUERY_PARAM);
  req.params = undefined;
  const referer = req.headers?.referer;
  if (typeof referer === 'string') req.headers = { ...req.headers, referer: redactUrl(referer) };
  return req;
}

/** pino-http `serializers.res`: masks the Location header (redirects to /r/<token>). */
export function redactResponseForLog<T extends { headers?: Record<string, unknown> }>(res: T): T {
  const location = res.headers?.location;
  if (typeof location === 'string') res.headers = { ...res.headers, location: redactUrl(location) };
  return res;
}

/**
 * The per-request logging options of pino-http for `level`. At `info` and
 * below every request gets its completed line with the masked request and
 * response. Above `info` (the production setting) that line is never
 * written, yet pino-http still binds the request to a child logger of every
 * request, which serializes it eagerly (all headers, redaction, JSON) — about
 * a tenth of a cheap request's cost. There the request is bound as its id,
 * method and masked URL only (what a warning or error line needs), and the
 * completion hooks, which could only log at `info`, are not installed.
 */
export function requestLogging(level: string): Pick<PinoHttpOptions, 'serializers' | 'wrapSerializers' | 'autoLogging'> {
  const ignore = (req: IncomingMessage) => req.url === '/health' || req.url === '/health/live';
  if (pino.levels.values[level] === undefined || pino.levels.values[level] <= pino.levels.values.info) {
    return { serializers: { req: redactRequestForLog, res: redactResponseForLog }, autoLogging: { ignore } };
  }
  return {
    // Unwrapped: `req` receives the live request instead of pino-std-serializers' full copy of it.
    wrapSerializers: false,
    serializers: {
      req: (req: IncomingMessage & { id?: unknown; originalUrl?: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.originalUrl ?? req.url ?? '') }),
      res: pino.stdSerializers.wrapResponseSerializer(redactResponseForLog),
      err: pino.stdSerializers.err,
    },
    autoLogging: false,
  };
}
