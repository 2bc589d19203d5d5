import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { PinoLogger } from 'nestjs-pino';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { setFlagsFromString } from 'node:v8';
import { DataSource } from 'typeorm';
import { AppModule, AppOptions } from './app.module';
import { AppConfig } from './config/config';
import { ensureDatabase, runMigrationsLocked } from './database/database-setup';
import { BODY_LIMIT_BYTES, parseJsonBody } from './http/json-body';
import { REQUEST_ID_HEADER, requestIdOf } from './http/request-id';
import { helmetOptions, registerSecurityHeaders } from './http/security-headers';
import { createValidationPipe } from './http/validation';
import { AppLogger } from './http/app-logger';
import { registerRequestLogging } from './http/request-logging';
import { closeUnreadBodies } from './http/uploaded-file';
import { stdoutDestination } from './http/log-redaction';
import { IMPORT_MAX_BYTES } from './registrations/registrations.controller';
import { mountQueueDashboard } from './queue/queue-dashboard';
import { checkRedis } from './queue/redis';
import { UsersService } from './users/users.service';
import { configureWeb } from './web/configure-web';

/** Checks PostgreSQL and Redis before Nest starts, so failures are one clear line. */
export async function preflight(config: AppConfig): Promise<void> {
  await ensureDatabase(config.databaseUrl);
  await checkRedis(config.redisUrl);
}

/** Swagger at /api/docs and the OpenAPI document at /api/docs-json. */
function setupSwagger(app: INestApplication): void {
  const doc = new DocumentBuilder()
    .setTitle('TrainingDesk API')
    .setDescription('REST contract v1 (shared/api.md)')
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'api/docs-json' });
}

/**
 * Lets the old generation grow by at most 50 % of the live heap between full collections instead of
 * V8's adaptive factor of up to 4x. Under a request storm almost everything promoted is garbage (live
 * heap ~60 MB), yet the adaptive factor let the api reach 370-400 MB RSS before collecting it
 * (design.md: RSS <= 250 MB under the storms). A growth factor, not a cap: a large import still gets
 * the heap it needs. Read at every full GC, so setting it at start-up takes effect.
 */
function boundHeapGrowth(): void {
  setFlagsFromString('--heap-growing-percent=50');
}

/** Builds the HTTP application (roles `all` and `api`) ready to listen; used by main.ts and the tests. */
export async function createApp(config: AppConfig, options: AppOptions = {}): Promise<NestFastifyApplication> {
  boundHeapGrowth();
  await preflight(config);
  const adapter = new FastifyAdapter({
    // Proxies on the loopback interface are trusted for the client address (the login limits key on it).
    trustProxy: 'loopback',
    // A JSON body over 1 MB is a 413 naming the limit (HttpExceptionFilter); uploads have their own limits.
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: requestIdOf,
    requestIdHeader: false,
    // Fastify answers a route parameter over 100 characters with 414 before any handler; an over-long
    // token or id is a 404 or 400 from its handler, as before (Node bounds the URL at 16 KiB anyway).
    // Express routed /Events/ as /events (non-strict, case-insensitive); find-my-way does the same with
    // these two, and keeps the letter case of parameters (tokens, slugs).
    routerOptions: { maxParamLength: 16 * 1024, ignoreTrailingSlash: true, caseSensitive: false },
  });
  // First of the request hooks (before @fastify/middie, which NestFactory.create registers): what is
  // logged while a request is handled names it. The logger exists once the app does.
  let requestLogger: PinoLogger | undefined;
  registerRequestLogging(adapter.getInstance(), () => requestLogger, config.logLevel);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, withLogs(options)), adapter, { bufferLogs: true });
  requestLogger = await app.resolve(PinoLogger);
  app.useLogger(app.get(AppLogger));
  // On SIGTERM/SIGINT: close (in-flight requests finish, active jobs too), then exit 0, so pino's
  // exit handler writes the last log lines (Nest's default re-raises the signal: exit by SIGTERM,
  // and the lines still buffered are lost).
  app.enableShutdownHooks(undefined, { useProcessExit: true });
  await prepareData(app, config);
  // Echoed on every response, errors and the queue dashboard included.
  app.getHttpAdapter().getInstance().addHook('onRequest', (req, reply, done) => {
    reply.header(REQUEST_ID_HEADER, req.id);
    done();
  });
  // helmet's headers, computed once at start-up (see http/security-headers.ts).
  registerSecurityHeaders(app.getHttpAdapter().getInstance(), helmetOptions(config));
  await app.register(fastifyCookie, { secret: config.jwtSecret });
  // After the cookie plugin: the dashboard's admin check reads the signed session cookie.
  await mountQueueDashboard(app);
  await configureWeb(app, config);
  // Uploads are read in the handler (see http/uploaded-file.ts); these limits bound any multipart request.
  await app.register(fastifyMultipart, { limits: { fileSize: IMPORT_MAX_BYTES, files: 1 } });
  // An answer sent before its body was read (an upload over its limit) closes the connection.
  closeUnreadBodies(app.getHttpAdapter().getInstance());
  app.useBodyParser('application/json', {}, parseJsonBody);
  app.useGlobalPipes(createValidationPipe());
  setupSwagger(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

/** Builds the worker-only application context (role `worker`): no HTTP. */
export async function createWorker(config: AppConfig, options: AppOptions = {}): Promise<INestApplicationContext> {
  await preflight(config);
  const ctx = await NestFactory.createApplicationContext(AppModule.forRoot(config, withLogs(options)), { bufferLogs: true });
  ctx.useLogger(ctx.get(AppLogger));
  ctx.enableShutdownHooks(undefined, { useProcessExit: true });
  await prepareData(ctx, config);
  await ctx.init();
  return ctx;
}

/** The logs go to stdout asynchronously (see stdoutDestination) unless the caller (a test) gives a destination. */
function withLogs(options: AppOptions): AppOptions {
  return { ...options, logDestination: options.logDestination ?? stdoutDestination() };
}

async function prepareData(ctx: INestApplicationContext, config: AppConfig): Promise<void> {
  if (config.migrationsRun) await runMigrationsLocked(ctx.get(DataSource));
  if (config.runsApi) await ctx.get(UsersService).ensureFirstAdmin(config.adminEmail, config.adminPassword);
}
