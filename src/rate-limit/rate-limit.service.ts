import { HttpException, HttpStatus, Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { APP_CONFIG, AppConfig, LimitSetting } from '../config/config';
import { redisOptions } from '../queue/redis';

/** The limits of RATE_LIMIT_* (a public contract: `limit` in a 429's body names one). */
export type LimitName = keyof AppConfig['rateLimits'];

/** What each limit counts, for the 429's message. */
const COUNTED: Record<LimitName, string> = {
  registration: 'registrations',
  tokenMisses: 'requests with an unknown or refused token',
  linkResend: 'link requests',
};

/**
 * 429 in the API's error shape, naming the limit (`limit`), with the seconds to wait
 * (Retry-After, set by HttpExceptionFilter) and a catalog code for pages.
 */
export class RateLimitedException extends HttpException {
  constructor(
    readonly limit: LimitName,
    setting: LimitSetting,
    readonly retryAfterSeconds: number,
  ) {
    super(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        message: `too many ${COUNTED[limit]} from this address (at most ${setting.points} in ${setting.seconds} s); try again in ${retryAfterSeconds} s`,
        error: 'Too Many Requests',
        limit,
        code: 'rateLimited',
        params: { minutes: Math.max(1, Math.ceil(retryAfterSeconds / 60)) },
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/**
 * The per-address limits of RATE_LIMIT_*, counted in Redis (rate-limiter-flexible's atomic
 * INCR + PEXPIRE), so that every API replica sees the same count. One fail-fast connection:
 * while Redis is away each limit counts in this process's memory instead (the insurance limiter;
 * a warning is logged), so an outage neither blocks everyone nor lifts the limit (per replica it
 * is the same limit). The window starts at the first request and is fixed.
 */
@Injectable()
export class RateLimitService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RateLimitService.name);
  private readonly redis: Redis;
  private readonly limiters = new Map<LimitName, { limiter: RateLimiterRedis; setting: LimitSetting }>();
  private redisDown = false;
  private closing = false;
  private readonly serves: boolean;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.serves = config.runsApi;
    this.redis = new Redis({ ...(redisOptions(config.redisUrl) as object), maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 1000, lazyConnect: true });
    this.redis.on('error', (err: Error) => this.onRedisDown(err.message));
    this.redis.on('close', () => this.onRedisDown('connection closed'));
    this.redis.on('ready', () => {
      if (this.redisDown) this.logger.log('Redis is back: rate limits are counted in Redis again');
      this.redisDown = false;
    });
    for (const [name, setting] of Object.entries(config.rateLimits) as [LimitName, LimitSetting | null][]) {
      if (!setting) continue;
      const options = { points: setting.points, duration: setting.seconds };
      this.limiters.set(name, {
        setting,
        limiter: new RateLimiterRedis({ ...options, storeClient: this.redis, keyPrefix: `${config.queuePrefix}:rate:${name}`, rejectIfRedisNotReady: true, insuranceLimiter: new RateLimiterMemory(options) }),
      });
    }
  }

  /** Whether a limit is on (RATE_LIMIT_<name> is not 0). */
  enabled(name: LimitName): boolean {
    return this.limiters.has(name);
  }

  /** Counts one request of `key` (a client address); throws RateLimitedException past the limit. */
  async consume(name: LimitName, key: string): Promise<void> {
    const entry = this.limiters.get(name);
    if (!entry) return;
    try {
      await entry.limiter.consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw new RateLimitedException(name, entry.setting, Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
      // Both Redis and the in-memory insurance failed: nothing to count with, so allow rather than lock out.
      this.logger.warn(`rate limit ${name} unavailable (${(rejection as Error).message}); allowing the request`);
    }
  }

  /** Gives back a request counted by consume() (it turned out not to count, e.g. a valid token). */
  async refund(name: LimitName, key: string): Promise<void> {
    await this.limiters
      .get(name)
      ?.limiter.reward(key)
      .catch((err: Error) => this.logger.warn(`rate limit ${name}: could not give back a request (${err.message})`));
  }

  private onRedisDown(reason: string): void {
    if (this.redisDown || this.closing) return;
    this.redisDown = true;
    this.logger.warn(`Redis for the rate limits is unavailable (${reason}); counting in this process's memory until it is back`);
  }

  async onModuleInit(): Promise<void> {
    // A worker-only process answers no requests: it does not connect.
    if (this.serves && this.limiters.size) await this.redis.connect().catch(() => undefined);
  }

  onModuleDestroy(): void {
    this.closing = true;
    this.redis.disconnect();
  }
}
