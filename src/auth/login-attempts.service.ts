import { HttpException, HttpStatus, Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { APP_CONFIG, AppConfig } from '../config/config';
import { redisOptions } from '../queue/redis';

/** Failed logins allowed per (client address, e-mail) within the window before 429. */
export const MAX_FAILED_LOGINS = 10;
export const FAILED_LOGIN_WINDOW_MS = 15 * 60_000;

/** 429 with the seconds to wait, in NestJS's error shape. */
export class TooManyLoginsException extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        message: `too many failed logins for this e-mail; try again in ${retryAfterSeconds} s`,
        error: 'Too Many Requests',
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/**
 * Counts login attempts in Redis, so that every API replica sees the same
 * count (design.md: nothing in process memory another replica needs).
 *
 * An attempt is counted atomically before its password is verified (one Lua
 * INCR in rate-limiter-flexible), so parallel guesses cannot all pass a check
 * made before any of them was counted: at most MAX_FAILED_LOGINS reach the
 * verification per window. A correct login clears the count, so only failures
 * stay counted: a desk where staff log in all day, or a test suite, never
 * trips it. The window starts at the first attempt and is not extended by
 * later ones. The key is the client address plus the e-mail, so one person's
 * typos do not lock out colleagues behind the same office NAT, and a guesser
 * cannot lock a victim out from elsewhere.
 *
 * While Redis is unreachable, attempts are counted in this process's memory
 * (rate-limiter-flexible's insurance limiter) and a warning is logged: an
 * outage must neither lock everyone out nor lift the limit. Per replica that
 * is the same limit, so during an outage a guesser gets at most the limit
 * times the number of replicas, instead of unlimited guesses.
 */
@Injectable()
export class LoginAttemptsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LoginAttemptsService.name);
  private readonly redis: Redis;
  private readonly limiter: RateLimiterRedis;
  private redisDown = false;
  private closing = false;
  private readonly prefix: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.prefix = config.queuePrefix;
    // Fail fast rather than queue or wait while Redis is away (the insurance limiter answers): a login must not hang.
    this.redis = new Redis({
      ...(redisOptions(config.redisUrl) as object),
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      commandTimeout: 1000,
      lazyConnect: true,
    });
    this.redis.on('error', (err: Error) => this.onRedisDown(err.message));
    this.redis.on('close', () => this.onRedisDown('connection closed'));
    this.redis.on('ready', () => {
      if (this.redisDown) this.logger.log('Redis is back: login attempts are counted in Redis again');
      this.redisDown = false;
    });
    const duration = FAILED_LOGIN_WINDOW_MS / 1000;
    this.limiter = new RateLimiterRedis({
      storeClient: this.redis,
      keyPrefix: `${config.queuePrefix}:login-failures`,
      points: MAX_FAILED_LOGINS,
      duration,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ points: MAX_FAILED_LOGINS, duration }),
    });
  }

  /**
   * Another limit on the same Redis connection, with the same in-memory insurance while Redis is
   * away (the password reset's requests use it). `consume` rejects with a RateLimiterRes when over.
   */
  extraLimiter(name: string, points: number, durationMs: number): RateLimiterRedis {
    const duration = Math.ceil(durationMs / 1000);
    return new RateLimiterRedis({
      storeClient: this.redis,
      keyPrefix: `${this.prefix}:${name}`,
      points,
      duration,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ points, duration }),
    });
  }

  private key(clientIp: string, email: string): string {
    return `${clientIp}|${email.trim().toLowerCase()}`;
  }

  /**
   * Counts one attempt before the password is verified; throws 429 when this
   * client already used up its attempts for this e-mail (the right password
   * included, until the window ends).
   */
  async consume(clientIp: string, email: string): Promise<void> {
    try {
      await this.limiter.consume(this.key(clientIp, email));
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw new TooManyLoginsException(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
      // Both Redis and the in-memory insurance failed: nothing to count with, so allow rather than lock out.
      this.logger.warn(`login rate limit unavailable (${(rejection as Error).message}); allowing the attempt`);
    }
  }

  /** After a correct login: earlier failures no longer count. */
  async clear(clientIp: string, email: string): Promise<void> {
    await this.limiter.delete(this.key(clientIp, email)).catch((err: Error) => this.logger.warn(`login rate limit: could not clear (${err.message})`));
  }

  private onRedisDown(reason: string): void {
    if (this.redisDown || this.closing) return;
    this.redisDown = true;
    this.logger.warn(`Redis for the login rate limit is unavailable (${reason}); counting login attempts in this process's memory until it is back`);
  }

  async onModuleInit(): Promise<void> {
    // Reconnects on its own afterwards (ioredis' retry strategy).
    await this.redis.connect().catch(() => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    this.redis.disconnect();
  }
}
