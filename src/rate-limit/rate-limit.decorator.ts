import { applyDecorators, CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata, UseInterceptors } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, Observable } from 'rxjs';
import { catchError, mergeMap, tap } from 'rxjs/operators';
import { ApiErrors } from '../http/api-controller.decorator';
import type { FastifyReply, FastifyRequest } from '../http/request';
import { LimitName, RateLimitService } from './rate-limit.service';

const RATE_LIMIT = 'td:rate-limit';

/**
 * - `every`: every request counts (public registration);
 * - `misses`: only requests whose token identifies nothing count (401 or 404, thrown or rendered):
 *   a delegate opening their own link all day never meets the limit, a guesser soon does. Counted
 *   before the handler runs and given back after, so parallel guesses cannot all slip through.
 */
type Counting = 'every' | 'misses';

interface RateLimitOptions {
  counts: Counting;
  /** Requests of a signed-in user (an organizer registering people) are not counted. */
  anonymousOnly?: boolean;
}

/** The answers that mean "this token (or these credentials) identifies nothing". */
const MISSES = new Set([401, 404]);

const statusOf = (err: unknown): number | undefined => {
  const e = err as { getStatus?: () => number; status?: unknown };
  return typeof e?.getStatus === 'function' ? e.getStatus() : typeof e?.status === 'number' ? e.status : undefined;
};

/** Applies the limit a handler's @RateLimit names; handlers without it (the check-in desk's) never come here. */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly limits: RateLimitService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const meta = this.reflector.get<{ name: LimitName } & RateLimitOptions>(RATE_LIMIT, context.getHandler());
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    if (!meta || !this.limits.enabled(meta.name) || (meta.anonymousOnly && req.user)) return next.handle();
    const key = req.ip;
    const consumed = from(this.limits.consume(meta.name, key));
    if (meta.counts === 'every') return consumed.pipe(mergeMap(() => next.handle()));
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const refund = () => void this.limits.refund(meta.name, key);
    return consumed.pipe(
      mergeMap(() => next.handle()),
      tap({ complete: () => (MISSES.has(reply.statusCode) ? undefined : refund()) }),
      catchError((err: unknown) => {
        if (!MISSES.has(statusOf(err) ?? 0)) refund();
        throw err;
      }),
    );
  }
}

/**
 * Limits a handler per client address with the RATE_LIMIT_* setting `name`, in Redis (shared by
 * every replica); past it the answer is 429 with Retry-After, `limit` naming it (pages: the error
 * page in the reader's language).
 */
export function RateLimit(name: LimitName, options: RateLimitOptions): MethodDecorator {
  return applyDecorators(
    SetMetadata(RATE_LIMIT, { name, ...options }),
    UseInterceptors(RateLimitInterceptor),
    ApiErrors({ 429: `too many ${options.counts === 'misses' ? 'refused or unknown tokens' : 'requests'} from this client address (RATE_LIMIT_${name.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase()}); Retry-After says when to try again; \`limit\` names the limit` }),
  );
}
