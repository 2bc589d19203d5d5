import type { IncomingMessage, ServerResponse } from 'node:http';
import { DestinationStream, pino } from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import { API_PREFIX } from './api-controller.decorator';

/**
 * Secrets that travel in URLs, masked before a URL reaches the logs:
 * - the CSRF token of upload forms (`?_csrf=`, see src/web/csrf.ts) and any
 *   token-, secret-, password- or signature-like query parameter;
 * - the delegate's personal link token, a bearer secret in the path:
 *   `/r/<token>...` (pages) and `/api/v1/public/registrations/<token>...`.
 * Browsers repeat such URLs in Referer and the app in Location: log lines
 * carry neither header (see requestForLog and responseForLog below).
 */
export const MASK = '***';

// `code` (and `checkInCode`…): a check-in code is the QR's secret; no route takes one in the query today, so one sent there is masked too.
const SECRET_QUERY_PARAM = /^_csrf$|token|secret|passw|signature|^code$|checkincode/i;
// Case-insensitive like the router (caseSensitive: false, as Express was): /R/<token> reaches the same page.
const TOKEN_PATHS = [/^(\/r\/)([^/?#]+)/i, new RegExp(`^(/${API_PREFIX}/public/registrations/)([^/?#]+)`, 'i')];
// Password reset links (src/auth/password-reset.service.ts): the page and the API take the token in the path.
TOKEN_PATHS.push(/^(\/password-reset\/)([^/?#]+)/i, new RegExp(`^(/${API_PREFIX}/auth/password-reset/)([^/?#]+)`, 'i'));

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

/** What a log line says of a request: its id, method and masked URL — no headers, no body. */
export function requestForLog(req: IncomingMessage & { id?: unknown; originalUrl?: string }): { id: unknown; method: string | undefined; url: string } {
  return { id: req.id, method: req.method, url: redactUrl(req.originalUrl ?? req.url ?? '') };
}

/** What a log line says of a response: its status (headers such as Location or Set-Cookie are never logged). */
export function responseForLog(res: ServerResponse): { statusCode: number } {
  return { statusCode: res.statusCode };
}

/** The health probes, which write no completed-request line (they would drown the rest). */
export function unloggedRequest(req: Pick<IncomingMessage, 'url'>): boolean {
  return req.url === '/health' || req.url === '/health/live';
}

/**
 * Whether `level` writes the completed line of every request: at `info` and below. Above `info`
 * (the production setting) that line is never written, so its hook is not installed (see
 * registerRequestLogging); a warning or error line still carries the request.
 */
export function logsEachRequest(level: string): boolean {
  const value = pino.levels.values[level];
  return value === undefined || value <= pino.levels.values.info;
}

/**
 * The serializers of the app's pino logger. Unwrapped: they receive the live objects and copy only
 * the few fields above, instead of pino-std-serializers' copy of every header that is then redacted
 * and thrown away. pino-http's own request logging is off: registerRequestLogging (Fastify hooks)
 * writes the one line per request and binds the request to what is logged while handling it.
 */
export function requestLogging(): Pick<PinoHttpOptions, 'serializers' | 'wrapSerializers' | 'autoLogging'> {
  return {
    wrapSerializers: false,
    serializers: { req: requestForLog, res: responseForLog, err: pino.stdSerializers.err },
    autoLogging: false,
  };
}

/** How long a log line may wait in the buffer for others before it is written (ms). */
export const LOG_FLUSH_MS = 100;

/**
 * Where the logs go when no test destination is given: stdout, written asynchronously and in
 * batches. pino's default writes each line with its own blocking write(2) on the event loop; an
 * asynchronous write per line still cost the check-in storm ~5 % of the api's main-thread time
 * (one thread-pool write per request at `info`). Here lines are collected until 4 KB are queued
 * (~20 request lines) or LOG_FLUSH_MS have passed, then handed to the kernel in one write. pino
 * flushes what is left synchronously when the process exits (its exit handler for async
 * destinations), so a crash's last lines are not lost.
 */
export function stdoutDestination(dest: number | string = 1): DestinationStream & { flushSync(): void } {
  return pino.destination({ dest, sync: false, minLength: 4096, periodicFlush: LOG_FLUSH_MS });
}
