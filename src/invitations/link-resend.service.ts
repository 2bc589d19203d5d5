import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { APP_CONFIG, AppConfig } from '../config/config';
import { EventsService } from '../events/events.service';
import { NotFoundError } from '../http/domain-errors';
import { QUEUES } from '../queue/jobs';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import { RegistrationMails } from '../registrations/registration-mails';
import { InvitationsRepository } from './invitations.repository';

/** Mails one registration gets from "lost your link?" per window (more requests: the same answer, no mail). */
export const RESEND_PER_ADDRESS = 1;
export const RESEND_WINDOW_SECONDS = 15 * 60;

/**
 * "Lost your link?": a delegate gives their e-mail on the public event page and their current
 * personal link is mailed to that address, only. The answer is the same whether or not the
 * address is registered (nothing to learn by probing). Limited in Redis, shared by every API
 * replica: per client address (RATE_LIMIT_LINK_RESEND, 429 past it) and per registration (one mail per window; a
 * repeated request is answered the same, without a mail, so nobody can flood a delegate's inbox).
 */
@Injectable()
export class LinkResendService {
  private readonly logger = new Logger(LinkResendService.name);
  private perRegistration?: Promise<RateLimiterRedis>;

  constructor(
    private readonly invitations: InvitationsRepository,
    private readonly events: EventsService,
    private readonly mails: RegistrationMails,
    @InjectQueue(QUEUES.mail) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly rateLimits: RateLimitService,
  ) {}

  async resend(slug: string, email: string, clientIp: string): Promise<void> {
    const event = await this.events.findBySlug(slug);
    if (!event || event.status === 'draft') throw new NotFoundError('Event');
    await this.rateLimits.consume('linkResend', clientIp);
    const address = await this.registrationLimiter();
    const r = await this.invitations.findRecipientByEmail(event.id, email);
    if (!r) return;
    try {
      await address.consume(r.id);
    } catch (res) {
      if (res instanceof RateLimiterRes) return; // already mailed in this window: same answer, no mail
      throw res;
    }
    const full = (await this.events.findById(event.id))!;
    await this.invitations.transaction((manager) => this.mails.linkResend(manager, r, full));
  }

  private registrationLimiter(): Promise<RateLimiterRedis> {
    this.perRegistration ??= (async () => {
      const storeClient = await this.queue.getBackend().client;
      return new RateLimiterRedis({ storeClient, duration: RESEND_WINDOW_SECONDS, keyPrefix: `${this.config.queuePrefix}-resend-registration`, points: RESEND_PER_ADDRESS });
    })().catch((err) => {
      this.perRegistration = undefined;
      this.logger.warn(`link resend limiter: ${(err as Error).message}`);
      throw err;
    });
    return this.perRegistration;
  }
}
