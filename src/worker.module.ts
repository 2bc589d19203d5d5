import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ArticleGenerateProcessor } from './articles/article-generate.processor';
import { ArticlesModule } from './articles/articles.module';
import { AuditModule } from './audit/audit.module';
import { MailSendProcessor } from './mail/mail-send.processor';
import { MailModule } from './mail/mail.module';
import { InvitationFanoutProcessor } from './invitations/invitation-fanout.processor';
import { InvitationsModule } from './invitations/invitations.module';
import { ReminderRecovery } from './invitations/reminder-recovery';
import { ReminderFireProcessor, ReminderPlanProcessor } from './invitations/reminders';
import { ArticlesQueueWorker, EventsQueueWorker, JobProcessorRegistry, MailQueueWorker } from './queue/queue-workers';
import { SystemPingProcessor } from './queue/system-ping.processor';

/**
 * The BullMQ processors, and nothing else: imported only when APP_ROLE is
 * `worker` or `all`, so an `api` process never consumes jobs. One worker
 * per queue routes each job to its @ProcessorOf class listed here.
 */
@Module({
  // AuditModule: the events and registrations services the processors reach record their changes (an APP_ROLE=worker process has no api modules).
  imports: [DiscoveryModule, AuditModule, MailModule, ArticlesModule, InvitationsModule],
  providers: [
    JobProcessorRegistry,
    MailQueueWorker,
    EventsQueueWorker,
    ArticlesQueueWorker,
    SystemPingProcessor,
    MailSendProcessor,
    InvitationFanoutProcessor,
    ReminderPlanProcessor,
    ReminderFireProcessor,
    ReminderRecovery,
    ArticleGenerateProcessor,
  ],
})
export class WorkerModule {}
