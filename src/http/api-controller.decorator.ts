import { Controller, RequestMethod } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiTags, DECORATORS } from '@nestjs/swagger';
import { IS_PUBLIC, ROLES_KEY } from '../auth/auth-user';
import { ErrorDto, ImportErrorDto } from './error.dto';

export const API_PREFIX = 'api/v1';

// Nest's metadata keys (@nestjs/common/constants; deep imports do not resolve in Nest 12).
const PATH_METADATA = 'path';
const METHOD_METADATA = 'method';
const ROUTE_ARGS_METADATA = '__routeArguments__';
// RouteParamtypes (not exported from @nestjs/common's root): the first part of a route argument's key.
const ARG = { BODY: 3, QUERY: 4, PARAM: 5, FILE: 8, FILES: 9 } as const;

/** The statuses an error response may have in this API, with what they mean (api.md's conventions). */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500;

const DEFAULT_DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: 'invalid input: one message per field',
  401: 'no token, or an invalid or expired one',
  403: 'your role or organization scope does not allow this',
  404: 'unknown id',
  409: 'a conflict with the current state (e.g. a concurrent change)',
  413: 'the body (JSON: over 1 MB) or file is too large; the message says the limit',
  415: 'the body is not in a format this endpoint reads',
  422: 'a file that cannot be imported: every bad row, and nothing imported',
  429: 'too many attempts; Retry-After says when to try again',
  500: 'an unexpected error, logged with the request id (never an answer to bad input)',
};

/**
 * Documents error responses of one handler with the error body's schema, e.g.
 * `@ApiErrors({ 409: 'the event is full and has no waiting list' })`. The
 * statuses every handler can answer (400, 401, 403, 404) are added by
 * @ApiController; list here the ones only this handler knows.
 */
export function ApiErrors(statuses: Partial<Record<ErrorStatus, string>>): MethodDecorator {
  return (target, key, descriptor) => {
    for (const [status, description] of Object.entries(statuses)) {
      const type = Number(status) === 422 ? ImportErrorDto : ErrorDto;
      ApiResponse({ status: Number(status), description, type })(target, key, descriptor);
    }
    return descriptor;
  };
}

interface RouteArg {
  index: number;
  pipes?: unknown[];
}

/** What a handler takes from the request, read from Nest's route metadata (param decorators run before class decorators). */
function inputsOf(target: Function, name: string): { body: boolean; query: boolean; file: boolean; checkedParam: boolean } {
  const args: Record<string, RouteArg> = Reflect.getMetadata(ROUTE_ARGS_METADATA, target, name) ?? {};
  const types = Object.entries(args).map(([k, v]) => ({ type: Number(k.split(':')[0]), pipes: v.pipes ?? [] }));
  const has = (t: number) => types.some((a) => a.type === t);
  return {
    body: has(ARG.BODY),
    query: has(ARG.QUERY),
    file: has(ARG.FILE) || has(ARG.FILES),
    checkedParam: types.some((a) => a.type === ARG.PARAM && a.pipes.length > 0),
  };
}

/**
 * A REST controller under /api/v1 (pages and /health live outside it).
 * In the OpenAPI document every handler needs the bearer token, except those
 * marked @Public() (or a @Public() controller), which show no security: the
 * document then tells clients the truth about login and the public endpoints.
 * Apply @Public() below @ApiController so that it is visible here.
 *
 * Every handler's error responses are documented with the error body
 * (ErrorDto), so a generated client can read them: 400 when it reads a body,
 * a query, a file or a checked path parameter (or is a write, whose JSON body
 * may be malformed); 401 when it needs a token; 403 when it has @Roles() or
 * acts on a resource by id (organization scope); 404 when its path has a
 * parameter; 409 when it writes with a token (constraints the database
 * enforces); 500 everywhere. Other statuses (422, 429...) are listed with @ApiErrors()
 * or @ApiXxxResponse() on the handler; those without a type get ErrorDto.
 */
export function ApiController(path: string, tag = path.split('/')[0]): ClassDecorator {
  return (target) => {
    Controller(`${API_PREFIX}/${path}`.replace(/\/$/, ''))(target);
    ApiTags(tag)(target);
    const publicController = !!Reflect.getMetadata(IS_PUBLIC, target);
    const controllerRoles = Reflect.getMetadata(ROLES_KEY, target);
    for (const name of Object.getOwnPropertyNames(target.prototype)) {
      const descriptor = Object.getOwnPropertyDescriptor(target.prototype, name);
      if (name === 'constructor' || typeof descriptor?.value !== 'function') continue;
      const handler = descriptor.value;
      if (Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
      const isPublic = publicController || !!Reflect.getMetadata(IS_PUBLIC, handler);
      const routePath = `${path}/${Reflect.getMetadata(PATH_METADATA, handler) ?? ''}`;
      const inputs = inputsOf(target, name);
      const isRead = Reflect.getMetadata(METHOD_METADATA, handler) === RequestMethod.GET;
      const errors = new Set<ErrorStatus>();
      if (inputs.body || inputs.query || inputs.file || inputs.checkedParam || !isRead) errors.add(400);
      if (!isPublic) {
        ApiBearerAuth()(target.prototype, name, descriptor);
        errors.add(401);
        if (controllerRoles || Reflect.getMetadata(ROLES_KEY, handler) || routePath.includes(':')) errors.add(403);
        // A write can meet a constraint PostgreSQL enforces (unique, foreign key, check), e.g. after a concurrent change.
        if (!isRead) errors.add(409);
      }
      if (routePath.includes(':')) errors.add(404);
      // A JSON body over Fastify's bodyLimit (1 MB) is refused before the handler.
      if (inputs.body) errors.add(413);
      errors.add(500);
      const documented: Record<string, { type?: unknown; schema?: unknown; description?: string }> = Reflect.getMetadata(DECORATORS.API_RESPONSE, handler) ?? {};
      for (const status of errors) {
        if (!documented[status]) ApiResponse({ status, description: DEFAULT_DESCRIPTIONS[status], type: ErrorDto })(target.prototype, name, descriptor);
      }
      // Error responses listed with a description only get the error body's schema too.
      for (const [status, entry] of Object.entries(documented)) {
        if (Number(status) >= 400 && !entry.type && !entry.schema) {
          ApiResponse({ status: Number(status), type: Number(status) === 422 ? ImportErrorDto : ErrorDto })(target.prototype, name, descriptor);
        }
      }
    }
  };
}
