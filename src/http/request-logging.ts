import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { PinoLogger } from 'nestjs-pino';
import { logsEachRequest, unloggedRequest } from './log-redaction';

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
    // The serializers (requestForLog) read the id from the raw request, where pino-http found it.
    (req.raw as IncomingMessage & { id?: string }).id = req.id;
    const bound = logger();
    if (bound) bound.runInContext(() => done(), { bindings: { req: req.raw } });
    else done();
  });
  if (!logsEachRequest(level)) return;
  fastify.addHook('onResponse', (req, reply, done) => {
    if (!unloggedRequest(req.raw)) {
      const root = PinoLogger.root;
      const responseTime = Math.round(reply.elapsedTime);
      const status = reply.raw.statusCode;
      if (status >= 500) root.info({ req: req.raw, res: reply.raw, err: new Error(`failed with status code ${status}`), responseTime }, 'request errored');
      else root.info({ req: req.raw, res: reply.raw, responseTime }, 'request completed');
    }
    done();
  });
}
