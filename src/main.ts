import 'reflect-metadata';
import { createApp, createWorker } from './bootstrap';
import { ConfigError, loadConfig } from './config/config';
import { DatabaseUnreachableError } from './database/database-setup';
import { RedisUnreachableError } from './queue/redis';

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.runsApi) {
    const app = await createApp(config);
    await app.listen(config.port);
    console.log(`TrainingDesk (${config.appRole}) listening on ${config.appUrl} (port ${config.port})`);
  } else {
    await createWorker(config);
    console.log('TrainingDesk worker started');
  }
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
