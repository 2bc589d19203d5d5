import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { PinoLogger } from 'nestjs-pino';
import { logsEachRequest, unloggedRequest } from './log-redaction';

/** The raw request as the hooks below leave it: its id, and the logger bound to it. */
type RequestWithLog = IncomingMessage & { id?: string; requestLog?: PinoLogger['logger'] };

/**
 * Request logging in two Fastify hooks instead of nestjs-pino's middleware. Mounted as Nest
 * middleware, pino-http and nestjs-pino's context binding went through @fastify/middie, which ran
 * four middleware entries per request (two middlewares for `/` and `*splat`), each sanitizing the
 * URL and matching it, plus Nest's middleware proxies and pino-http's listeners and arrays: ~5 % of
 * a check-in's CPU. What a request gets is the same:
 * - onRequest: the rest of the request runs in nestjs-pino's logging context (PinoLogger's own
 *   runInContext), bound to the request (`req: {id, method, url}` through the app's serializers),
 *   so a warning or error logged while handling it names it, at any level.
 * - onResponse, at `info` and below (logsEachRequest): the one compact line pino-http wrote
 *   ("request completed" with req, res: {statusCode}, responseTime in ms; "request errored" with
 *   err for a 5xx, both at info as pino-http's default), written by the root logger; none for the health probes.
 * `logger` gives a PinoLogger of the app once it exists (its runInContext uses the root); `level` is LOG_LEVEL.
 */
export function registerRequestLogging(fastify: FastifyInstance, logger: () => PinoLogger | undefined, level: string): void {
  fastify.addHook('onRequest', (req, _reply, done) => {
    const raw = req.raw as RequestWithLog;
    // The serializers (requestForLog) read the id from the raw request, where pino-http found it.
    raw.id = req.id;
    const bound = logger();
    if (!bound) return done();
    bound.runInContext(
      () => {
        // The context's logger, bound to the request: the completed line below needs no second copy of req.
        raw.requestLog = bound.logger;
        done();
      },
      { bindings: { req: raw } },
    );
  });
  if (!logsEachRequest(level)) return;
  fastify.addHook('onResponse', (req, reply, done) => {
    const raw = req.raw as RequestWithLog;
    if (!unloggedRequest(raw)) {
      const log = raw.requestLog ?? PinoLogger.root.child({ req: raw });
      const responseTime = Math.round(reply.elapsedTime);
      const status = reply.raw.statusCode;
      if (status >= 500) log.info({ res: reply.raw, err: new Error(`failed with status code ${status}`), responseTime }, 'request errored');
      else log.info({ res: reply.raw, responseTime }, 'request completed');
    }
    done();
  });
}
