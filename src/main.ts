import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp, createWorker } from './bootstrap';
import { AppConfig, ConfigError, loadConfig } from './config/config';
import { isConnectionLost, logConnectionError } from './database/connection-errors';
import { DatabaseUnreachableError } from './database/database-setup';
import { RedisUnreachableError } from './queue/redis';

/**
 * The last line of defence of a long-running process (issue 14). A promise
 * nobody awaited is logged, in the async context it was rejected in, so the
 * line carries its request's id (nestjs-pino binds the request logger there),
 * and the process goes on: one request's bug must not end everyone's. An
 * uncaught exception still ends it, except a lost database connection: that
 * leaves nothing half-done in this process (pg marks the client unusable and
 * the pool drops it), so crashing would only turn one error into an outage.
 */
function guardProcess(): void {
  const logger = new Logger('Process');
  process.on('unhandledRejection', (reason: unknown) => {
    logger.error({ err: reason }, 'Unhandled promise rejection; the process goes on');
  });
  process.on('uncaughtException', (err: Error) => {
    if (isConnectionLost(err)) {
      logConnectionError(err, 'uncaught');
      return;
    }
    console.error(err);
    process.exit(1);
  });
}

async function main(): Promise<void> {
  guardProcess();
  const config = loadConfig();
  if (config.runsApi) {
    const app = await createApp(config);
    await app.listen(config.port);
    console.log(startBanner(config));
  } else {
    await createWorker(config);
    console.log('TrainingDesk worker started');
  }
}

/** What a new user needs after `npm start`: where to go and how to log in. */
function startBanner(config: AppConfig): string {
  const appPort = new URL(config.appUrl).port || (config.appUrl.startsWith('https:') ? '443' : '80');
  const lines = [
    `TrainingDesk (${config.appRole}) is ready: open ${config.appUrl}` +
      (appPort === String(config.port) ? '' : ` (this process listens on port ${config.port})`),
    config.adminEmail
      ? `Log in as ${config.adminEmail} with the ADMIN_PASSWORD you set.`
      : 'Log in with an existing account; to create the first admin, start with ADMIN_EMAIL=you@example.org ADMIN_PASSWORD=<8+ chars> npm start',
    `API docs: ${config.appUrl}/api/docs · queues: ${config.appUrl}/admin/queues` +
      (config.smtpUrl ? '' : ` · mail outbox (no SMTP_URL set): ${config.appUrl}/admin/outbox`),
  ];
  return lines.join('\n');
}

main().catch((err: unknown) => {
  // Configuration and unreachable services are the user's to fix: one line, no stack trace.
  if (err instanceof ConfigError || err instanceof DatabaseUnreachableError || err instanceof RedisUnreachableError) {
    console.error(err.message);
  } else {
    console.error(err);
  }
  process.exit(1);
});
