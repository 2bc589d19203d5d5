import { DynamicModule, Module } from '@nestjs/common';
import type { JobsOptions } from 'bullmq';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import { AuditModule } from './audit/audit.module';
import { ArticlesModule } from './articles/articles.module';
import { AuthModule } from './auth/auth.module';
import { CheckInsModule } from './check-ins/check-ins.module';
import { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { EventsModule } from './events/events.module';
import { QuotasModule } from './quotas/quotas.module';
import { SessionsModule } from './sessions/sessions.module';
import { SpeakersModule } from './speakers/speakers.module';
import { HealthModule } from './health/health.module';
import { HttpExceptionFilter } from './http/http-exception.filter';
import { AppLogger } from './http/app-logger';
import { requestLogging } from './http/log-redaction';
import { MailModule } from './mail/mail.module';
import { InvitationsModule } from './invitations/invitations.module';
import { InvitationPagesModule } from './web/invitations/invitation-pages.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { QueueModule } from './queue/queue.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { RegistrationsModule } from './registrations/registrations.module';
import { UsersModule } from './users/users.module';
import { RegistrationPagesModule } from './web/registrations/registration-pages.module';
import { ReportPagesModule } from './web/reports/report-pages.module';
import { ArticlePagesModule } from './web/articles/article-pages.module';
import { WebModule } from './web/web.module';
import { WorkerModule } from './worker.module';

/** Start options that are not configuration (tests use them). */
export interface AppOptions {
  /** Overrides QueueModule's DEFAULT_JOB_OPTIONS, e.g. fewer attempts and a short backoff. */
  jobOptions?: Partial<JobsOptions>;
  /** Where logs go instead of stdout (tests read the lines). */
  logDestination?: DestinationStream;
}

/** Modules every role needs: config, logs, database, queue. */
function coreModules(config: AppConfig, options: AppOptions) {
  return [
    ConfigModule.forRoot(config),
    LoggerModule.forRoot({
      // No Nest middleware: the request logging and its context are two Fastify hooks (see
      // http/request-logging.ts), cheaper than pino-http through @fastify/middie.
      forRoutes: [],
      pinoHttp: withDestination(options.logDestination, {
        level: config.logLevel,
        // The request id is Fastify's (see http/request-id.ts). One compact line per request at info (id,
        // method, masked URL, status, time; no headers), none above: secrets in URLs (?_csrf=, personal
        // /r/<token> links) become *** (see requestLogging, registerRequestLogging).
        ...requestLogging(),
      }),
    }),
    DatabaseModule,
    QueueModule.forRoot(options.jobOptions),
    RateLimitModule,
  ];
}

function withDestination(destination: DestinationStream | undefined, options: PinoHttpOptions): PinoHttpOptions | [PinoHttpOptions, DestinationStream] {
  return destination ? [options, destination] : options;
}

/** The HTTP side: REST API, pages, docs, health. */
function apiModules() {
  return [AuditModule, AuthModule, UsersModule, OrganizationsModule, EventsModule, SpeakersModule, SessionsModule, QuotasModule, HealthModule, WebModule, MailModule, RegistrationsModule, CheckInsModule, RegistrationPagesModule, ReportPagesModule, ArticlesModule, ArticlePagesModule, InvitationsModule, InvitationPagesModule];
}

@Module({})
export class AppModule {
  /** Composes the modules of the roles chosen by APP_ROLE. */
  static forRoot(config: AppConfig, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...coreModules(config, options),
        ...(config.runsApi ? apiModules() : []),
        ...(config.runsWorker ? [WorkerModule] : []),
      ],
      providers: [AppLogger, ...(config.runsApi ? [{ provide: APP_FILTER, useClass: HttpExceptionFilter }] : [])],
    };
  }
}
