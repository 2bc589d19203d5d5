import { HttpException, HttpStatus, Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
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
 * Counts failed logins in Redis, so that every API replica sees the same
 * count (design.md: nothing in process memory another replica needs).
 *
 * Only failures count: a desk where staff log in all day, or a test suite,
 * never trips it, and a correct login clears the count. The key is the client
 * address plus the e-mail, so one person's typos do not lock out colleagues
 * behind the same office NAT, and a guesser cannot lock a victim out from
 * elsewhere. If Redis is down, logins are allowed (and a warning logged):
 * an outage must not lock everyone out.
 */
@Injectable()
export class LoginAttemptsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LoginAttemptsService.name);
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // Fail fast rather than queue commands while Redis is away: a login must not hang.
    this.redis = new Redis({ ...(redisOptions(config.redisUrl) as object), maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
    this.redis.on('error', () => undefined);
    this.prefix = `${config.queuePrefix}:login-failures:`;
  }

  private key(clientIp: string, email: string): string {
    return `${this.prefix}${clientIp}|${email.trim().toLowerCase()}`;
  }

  /** Throws 429 while this client has too many recent failures for this e-mail. */
  async assertAllowed(clientIp: string, email: string): Promise<void> {
    const key = this.key(clientIp, email);
    const result = await this.safely(() => this.redis.multi().get(key).pttl(key).exec());
    if (!result) return;
    const count = Number(result[0][1] ?? 0);
    const ttl = Number(result[1][1]);
    if (count >= MAX_FAILED_LOGINS) throw new TooManyLoginsException(Math.max(1, Math.ceil((ttl > 0 ? ttl : FAILED_LOGIN_WINDOW_MS) / 1000)));
  }

  async recordFailure(clientIp: string, email: string): Promise<void> {
    const key = this.key(clientIp, email);
    // The window starts at the first failure (SET NX) and is not extended by later ones.
    await this.safely(() => this.redis.multi().set(key, 0, 'PX', FAILED_LOGIN_WINDOW_MS, 'NX').incr(key).exec());
  }

  async clear(clientIp: string, email: string): Promise<void> {
    await this.safely(() => this.redis.del(this.key(clientIp, email)));
  }

  private async safely<T>(op: () => Promise<T>): Promise<T | undefined> {
    try {
      return await op();
    } catch (err) {
      this.logger.warn(`login rate limit unavailable (Redis: ${(err as Error).message}); allowing the attempt`);
      return undefined;
    }
  }

  async onModuleInit(): Promise<void> {
    // Reconnects on its own afterwards (ioredis' retry strategy).
    await this.redis.connect().catch((err: Error) => this.logger.warn(`Redis for the login rate limit: ${err.message}`));
  }

  async onModuleDestroy(): Promise<void> {
    this.redis.disconnect();
  }
}
