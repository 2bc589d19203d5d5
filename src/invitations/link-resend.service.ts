import { InjectQueue } from '@nestjs/bullmq';
import { HttpException, HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { APP_CONFIG, AppConfig } from '../config/config';
import { EventsService } from '../events/events.service';
import { NotFoundError } from '../http/domain-errors';
import { QUEUES } from '../queue/jobs';
import { RegistrationMails } from '../registrations/registration-mails';
import { InvitationsRepository } from './invitations.repository';

/** Requests one client address may make per window, whatever the addresses asked for. */
export const RESEND_PER_CLIENT = 10;
/** Mails one registration gets from "lost your link?" per window (more requests: the same answer, no mail). */
export const RESEND_PER_ADDRESS = 1;
export const RESEND_WINDOW_SECONDS = 15 * 60;

export class TooManyResendsException extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super({ statusCode: HttpStatus.TOO_MANY_REQUESTS, message: `too many link requests from this address; try again in ${retryAfterSeconds} s`, error: 'Too Many Requests' }, HttpStatus.TOO_MANY_REQUESTS);
  }
}

/**
 * "Lost your link?": a delegate gives their e-mail on the public event page and their current
 * personal link is mailed to that address, only. The answer is the same whether or not the
 * address is registered (nothing to learn by probing). Limited in Redis, shared by every API
 * replica: per client address (429 past the limit) and per registration (one mail per window; a
 * repeated request is answered the same, without a mail, so nobody can flood a delegate's inbox).
 */
@Injectable()
export class LinkResendService {
  private readonly logger = new Logger(LinkResendService.name);
  private limiters?: Promise<{ client: RateLimiterRedis; address: RateLimiterRedis }>;

  constructor(
    private readonly invitations: InvitationsRepository,
    private readonly events: EventsService,
    private readonly mails: RegistrationMails,
    @InjectQueue(QUEUES.mail) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async resend(slug: string, email: string, clientIp: string): Promise<void> {
    const event = await this.events.findBySlug(slug);
    if (!event || event.status === 'draft') throw new NotFoundError('Event');
    const { client, address } = await this.limiterPair();
    try {
      await client.consume(clientIp);
    } catch (res) {
      if (res instanceof RateLimiterRes) throw new TooManyResendsException(Math.ceil(res.msBeforeNext / 1000));
      throw res;
    }
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

  private limiterPair(): Promise<{ client: RateLimiterRedis; address: RateLimiterRedis }> {
    this.limiters ??= (async () => {
      const storeClient = await this.queue.getBackend().client;
      const base = { storeClient, duration: RESEND_WINDOW_SECONDS, keyPrefix: `${this.config.queuePrefix}-resend` };
      return {
        client: new RateLimiterRedis({ ...base, keyPrefix: `${base.keyPrefix}-client`, points: RESEND_PER_CLIENT }),
        address: new RateLimiterRedis({ ...base, keyPrefix: `${base.keyPrefix}-registration`, points: RESEND_PER_ADDRESS }),
      };
    })().catch((err) => {
      this.limiters = undefined;
      this.logger.warn(`link resend limiter: ${(err as Error).message}`);
      throw err;
    });
    return this.limiters;
  }
}
