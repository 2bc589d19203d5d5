import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';
import { DatabaseUnavailableException, isConnectionLost } from '../database/connection-errors';
import { constraintError } from '../database/constraint-errors';
import { pgErrorOf } from '../database/pg-error';
import { DomainError } from './domain-errors';
import { BODY_LIMIT_BYTES } from './json-body';
import { redactUrl } from './log-redaction';
import { FastifyReply, FastifyRequest, prefersHtml } from './request';
import { CSRF_ERROR_CODES, CSRF_MESSAGE } from '../web/csrf';

// PostgreSQL data exceptions that mean "the input was wrong", never a 500. Their message names a
// type or a value, not a table; integrity violations (class 23) go through constraintError().
const PG_BAD_INPUT: Record<string, number> = {
  '22P02': 400, // invalid_text_representation (e.g. a bad uuid)
  '22001': 400, // string_data_right_truncation
  '22003': 400, // numeric_value_out_of_range
  '22007': 400, // invalid_datetime_format
  '22008': 400, // datetime_field_overflow
  '22021': 400, // character_not_in_repertoire (e.g. a NUL character in text)
};

/** One place where errors become HTTP responses in NestJS's error shape. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const req = ctx.getRequest<FastifyRequest>();
    // A lost database connection is a 503 to retry, not a bug (src/database/connection-errors.ts).
    if (isConnectionLost(exception)) {
      this.logger.warn(`database connection lost: ${(exception as Error).message}; answered 503`);
      exception = new DatabaseUnavailableException(exception);
    }
    const { status, body } = this.toResponse(exception);
    // A deliberate 5xx (e.g. /health's 503) is an answer, not a bug: only unexpected errors are logged as such.
    if (status >= 500 && !(exception instanceof HttpException)) {
      this.logger.error({ err: exception, path: redactUrl(req.originalUrl) }, 'Unhandled error');
    }
    if (reply.sent || reply.raw.headersSent) return;
    // A 429 (or 503) that knows when to come back says so in the standard header.
    const retryAfter = (exception as { retryAfterSeconds?: unknown })?.retryAfterSeconds;
    if (typeof retryAfter === 'number') reply.header('Retry-After', String(retryAfter));
    // Pages get a readable page rather than JSON (req.locale is set on page requests only, see configureWeb).
    if (req.locale && status !== 401 && prefersHtml(req) && typeof reply.view === 'function') {
      const csrfFailed = body.message === CSRF_MESSAGE;
      reply
        .status(status)
        .type('text/html; charset=utf-8')
        .viewAsync('error', { status, message: body.message, csrfFailed, code: body.code, params: body.params })
        .then(
          (html) => reply.send(html),
          () => reply.type('application/json; charset=utf-8').send(body),
        );
      return;
    }
    // A handler's @Header() (an SVG, a calendar attachment) was set before it failed; the error is JSON.
    reply.removeHeader('Content-Disposition');
    reply.status(status).type('application/json; charset=utf-8').send(body);
  }

  private toResponse(exception: unknown): { status: number; body: Record<string, any> } {
    if (exception instanceof DomainError) {
      return {
        status: exception.status,
        body: { statusCode: exception.status, message: exception.message, error: STATUS_CODES[exception.status], ...exception.details },
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // Nest turns body-parser's SyntaxError into a 400; say plainly which part was wrong.
      const cause = exception.cause as { code?: string } | undefined;
      if (cause instanceof SyntaxError) {
        return { status, body: { statusCode: status, message: `body is not valid JSON (${cause.message})`, error: STATUS_CODES[status] } };
      }
      // Fastify's "Request body is too large" (a JSON body over bodyLimit) does not say the limit.
      if (cause?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        const message = `body is larger than ${BODY_LIMIT_BYTES / 1024 / 1024} MB (${BODY_LIMIT_BYTES} bytes); send a smaller one`;
        return { status, body: { statusCode: status, message, error: STATUS_CODES[status], maxBytes: BODY_LIMIT_BYTES } };
      }
      if (cause?.code && CSRF_ERROR_CODES.has(cause.code)) {
        return { status, body: { statusCode: status, message: CSRF_MESSAGE, error: STATUS_CODES[status] } };
      }
      const r = exception.getResponse();
      const body = typeof r === 'string' ? { statusCode: status, message: r, error: STATUS_CODES[status] } : { statusCode: status, ...(r as object) };
      return { status, body };
    }
    if (exception instanceof QueryFailedError || exception instanceof DatabaseError) {
      // PostgreSQL's `detail` ("Key (email)=(...) already exists", table names) is for the log only.
      const domain = constraintError(exception);
      if (domain) return this.toResponse(domain);
      const pg = pgErrorOf(exception);
      const status = pg && PG_BAD_INPUT[pg.code];
      if (status) return { status, body: { statusCode: status, message: pg.message ?? 'the input is not valid', error: STATUS_CODES[status] } };
    }
    // Fastify's body parsers (malformed JSON, too large) carry their own 4xx status; the JSON parser's is a SyntaxError.
    const s = (exception as { status?: number; statusCode?: number })?.status ?? (exception as { statusCode?: number })?.statusCode;
    if (typeof s === 'number' && s >= 400 && s < 500) {
      const message = exception instanceof SyntaxError ? `body is not valid JSON (${exception.message})` : (exception as Error).message;
      return { status: s, body: { statusCode: s, message, error: STATUS_CODES[s] } };
    }
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: { statusCode: 500, message: 'Internal server error', error: STATUS_CODES[500] } };
  }
}
