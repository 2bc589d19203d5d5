import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module } from '@nestjs/common';
import type { JobsOptions } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/config';
import { QUEUES } from './jobs';
import { JOB_OPTIONS, OutboxRelay } from './outbox-relay';
import { OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';
import { redisOptions } from './redis';

/** Retries and backoff for every job, configured once. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  // Bounded history: without it Redis grows forever (stack-notes.md).
  removeOnComplete: { count: 1000 },
  removeOnFail: { count: 5000 },
};

/**
 * BullMQ connection and queues, and the outbox (service + relay), in every
 * role: an `api` process relays too, it just never consumes.
 */
@Global()
@Module({})
export class QueueModule {
  /** `jobOptions` overrides DEFAULT_JOB_OPTIONS (tests shorten attempts and backoff this way). */
  static forRoot(jobOptions: Partial<JobsOptions> = {}): DynamicModule {
    const options: JobsOptions = { ...DEFAULT_JOB_OPTIONS, ...jobOptions };
    return {
      module: QueueModule,
      imports: [
        BullModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            connection: redisOptions(config.redisUrl),
            prefix: config.queuePrefix,
            defaultJobOptions: options,
          }),
        }),
        ...Object.values(QUEUES).map((name) => BullModule.registerQueue({ name })),
      ],
      providers: [{ provide: JOB_OPTIONS, useValue: options }, OutboxRepository, OutboxRelay, OutboxService],
      exports: [BullModule, OutboxService, OutboxRepository, OutboxRelay, JOB_OPTIONS],
    };
  }
}
