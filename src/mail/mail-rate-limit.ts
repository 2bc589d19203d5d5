import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/config';
import { QUEUES } from '../queue/jobs';

/**
 * SMTP_RATE_PER_SECOND as BullMQ's global rate limit of the mail queue: kept in Redis, so it holds
 * over all worker processes together (a per-process throttle would multiply with the replicas).
 * Set by each worker at start; 0 removes it.
 */
@Injectable()
export class MailRateLimit implements OnApplicationBootstrap {
  private readonly logger = new Logger(MailRateLimit.name);

  constructor(
    @InjectQueue(QUEUES.mail) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.runsWorker) return;
    try {
      if (this.config.smtpRatePerSecond > 0) await this.queue.setGlobalRateLimit(this.config.smtpRatePerSecond, 1000);
      else await this.queue.removeGlobalRateLimit();
    } catch (err) {
      // Redis down at start: the workers wait for it anyway; the next start sets the limit.
      this.logger.warn(`could not set the mail rate limit: ${(err as Error).message}`);
    }
  }
}
