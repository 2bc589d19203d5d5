import { HttpException, HttpStatus, Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import { APP_CONFIG, AppConfig } from '../config/config';
import { runInTransaction } from '../database/transaction';
import { NotFoundError } from '../http/domain-errors';
import { MailService } from '../mail/mail.service';
import type { MailLocale } from '../mail/mail-message.entity';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { LoginAttemptsService } from './login-attempts.service';
import { PasswordReset } from './password-reset.entity';
import { PersonalLinks, resetLinkPlaceholder } from '../registrations/personal-links';

/** How long a reset link works: long enough to open a mail, short enough that an old mail is useless. */
export const RESET_TTL_MS = 30 * 60_000;
/** Reset requests allowed per e-mail address, and per client address, within the window. */
export const RESETS_PER_EMAIL = 3;
export const RESETS_PER_CLIENT = 20;
export const RESET_WINDOW_MS = 60 * 60_000;

/** A reset link's path under APP_URL (the page); the token is a path segment, masked in request logs. */
export const RESET_PAGE_PATH = '/password-reset/';

export class TooManyResetsException extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(
      { statusCode: HttpStatus.TOO_MANY_REQUESTS, message: `too many password reset requests; try again in ${retryAfterSeconds} s`, error: 'Too Many Requests' },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/** The token's digest as stored: a 256-bit HMAC needs no slow hash (nothing to brute-force). */
const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest();

/**
 * Password reset by mail. A link carries a token derived from the reset's random id under the
 * app's key; the database keeps only its SHA-256, and the stored mail only a placeholder filled
 * in at send time, so neither a database reader nor a log reader can use a link. A link works once, for
 * RESET_TTL_MS; using one also voids the user's other links and ends all their sessions.
 * Asking for a link answers the same whether or not the address exists (the caller answers
 * 202 either way), and is rate-limited per address and per client in Redis.
 */
@Injectable()
export class PasswordResetService implements OnModuleDestroy {
  private readonly logger = new Logger(PasswordResetService.name);
  private readonly perEmail: RateLimiterRedis;
  private readonly perClient: RateLimiterRedis;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    @InjectRepository(PasswordReset) private readonly resets: Repository<PasswordReset>,
    private readonly users: UsersService,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    attempts: LoginAttemptsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly links: PersonalLinks,
  ) {
    this.perEmail = attempts.extraLimiter('reset-email', RESETS_PER_EMAIL, RESET_WINDOW_MS);
    this.perClient = attempts.extraLimiter('reset-client', RESETS_PER_CLIENT, RESET_WINDOW_MS);
  }

  /**
   * "Forgot password": mails a link when the address is an active account; silent otherwise.
   * Resolves once the request is counted, before the address is even looked up: the link is
   * written afterwards, so that neither the answer nor its timing tells whether the address has
   * an account (writing the link, the mail and the audit entry takes several round trips that an
   * unknown address would not). A crash in that moment loses the link; the person asks again.
   */
  async request(email: string, clientIp: string, locale: MailLocale): Promise<void> {
    const address = email.trim().toLowerCase();
    await this.consume(this.perClient, clientIp);
    await this.consume(this.perEmail, address);
    const work = (async () => {
      const user = await this.users.findByEmail(address);
      if (user?.active) await this.issue(user, { id: user.id, email: user.email }, 'user.password-reset-request', locale);
    })().catch((err: Error) => this.logger.error(`could not write a password reset link: ${err.message}`));
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  /** Shutdown waits for the links being written. */
  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  /** An admin sends a reset link to a user (any user; the controller allows admins only). */
  async sendByAdmin(actor: AuditActor, userId: string, locale: MailLocale): Promise<void> {
    const user = await this.users.findById(userId);
    if (!user) throw new NotFoundError('User', userId);
    if (!user.active) throw new NotFoundError(`Active user ${userId}`);
    await this.issue(user, actor, 'user.password-reset-send', locale);
  }

  /** Whether a link is usable now (the reset page asks before showing its form). */
  async isUsable(token: string): Promise<boolean> {
    const row = await this.resets.findOneBy({ tokenHash: digest(token), usedAt: IsNull() });
    return !!row && row.expiresAt.getTime() > Date.now();
  }

  /** Sets the new password through a link: once, before it expires; ends every session of the user. */
  async reset(token: string, newPassword: string): Promise<void> {
    const userId = await runInTransaction(this.resets.manager, async (manager) => {
      const rows: { id: string; user_id: string; expired: boolean }[] = await manager.query(
        `SELECT id, user_id, expires_at <= now() AS expired FROM password_reset WHERE token_hash = $1 AND used_at IS NULL FOR UPDATE`,
        [digest(token)],
      );
      const row = rows[0];
      const user = row && !row.expired ? await manager.findOne(User, { where: { id: row.user_id } }) : null;
      if (!row || row.expired || !user?.active) throw new InvalidResetLinkError();
      // This link and any other the user still had: one reset voids them all.
      await manager.query(`UPDATE password_reset SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`, [user.id]);
      await this.users.setPassword(manager, user, newPassword, { id: user.id, email: user.email }, 'user.password-reset');
      return user.id;
    });
    await this.users.passwordCommitted(userId);
  }

  private async issue(user: User, actor: AuditActor, action: string, locale: MailLocale): Promise<void> {
    // The token is derived from the reset's id under the app's key (PersonalLinks), so the stored mail
    // holds only a placeholder that the sender fills in: the link is readable nowhere in the database.
    const id = randomUUID();
    const token = await this.links.resetToken(id);
    const url = `${this.config.appUrl}${RESET_PAGE_PATH}${resetLinkPlaceholder(id)}`;
    await runInTransaction(this.resets.manager, async (manager: EntityManager) => {
      await manager.insert(PasswordReset, { id, userId: user.id, tokenHash: digest(token), expiresAt: new Date(Date.now() + RESET_TTL_MS) });
      await this.mail.enqueue(manager, {
        to: user.email,
        toName: user.fullName,
        template: 'password-reset',
        locale,
        data: { fullName: user.fullName, url, minutes: RESET_TTL_MS / 60_000 },
        kind: 'password-reset',
      });
      await this.audit.record(manager, { actor, action, entity: 'user', entityId: user.id, organizationId: user.organizationId });
    });
  }

  private async consume(limiter: RateLimiterRedis, key: string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw new TooManyResetsException(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
      this.logger.warn(`password reset rate limit unavailable (${(rejection as Error).message}); allowing the request`);
    }
  }
}

/** One answer for an unknown, used or expired link: which one it was helps nobody but a guesser. */
export class InvalidResetLinkError extends NotFoundError {
  constructor() {
    super('This password reset link');
    this.message = 'this password reset link is not valid: it is wrong, already used or expired; ask for a new one';
  }
}
