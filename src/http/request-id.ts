import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The header a proxy sends its request id in, and the one every response echoes. */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * Fastify's `genReqId`: the id a proxy sent (at most 100 characters), else a new UUID. Fastify keeps
 * it as `request.id`; @fastify/middie copies it to the raw request, where pino-http takes it, so the
 * same id is in every log line of the request.
 */
export function requestIdOf(req: IncomingMessage): string {
  const sent = req.headers[REQUEST_ID_HEADER];
  return (typeof sent === 'string' ? sent.slice(0, 100) : '') || randomUUID();
}
