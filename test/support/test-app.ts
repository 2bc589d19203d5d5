import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import type { AppOptions } from '../../src/app.module';
import { createApp } from '../../src/bootstrap';
import { AppConfig, loadConfig } from '../../src/config/config';
import { contractRequest, OpenApiContract } from './openapi-contract';

export const TEST_ADMIN = { email: 'admin@test.local', password: 'admin-password-1' };
const PG_BASE = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** A unique suffix for this run's database and queue prefix. */
export const uniqueSuffix = () => `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;

/** The config of a fresh database and a unique queue prefix; overrides win. */
export function testConfig(env: Record<string, string | undefined> = {}): AppConfig {
  const suffix = uniqueSuffix();
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: `${PG_BASE}/td_test_${suffix}`,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `tdtest-${suffix}`,
    ADMIN_EMAIL: TEST_ADMIN.email,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    JWT_SECRET: randomBytes(24).toString('hex'),
    LOG_LEVEL: 'error',
    STORAGE_DIR: `/tmp/td-test-${suffix}`,
    // Every test client is 127.0.0.1: the per-address limits are off unless a test turns them on (protections.test.ts).
    RATE_LIMIT_REGISTRATION: '0',
    RATE_LIMIT_TOKEN_MISSES: '0',
    ...env,
  });
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const client = new Client({ connectionString: `${PG_BASE}/postgres` });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  /** Base URL of the listening server, e.g. http://127.0.0.1:40123 */
  url: string;
  /** supertest on the app; every answer is checked against the OpenAPI document (test/support/openapi-contract.ts). */
  http: () => ReturnType<typeof request>;
  /** The app's own OpenAPI document, and which operations this app's tests exercised. */
  contract: OpenApiContract;
  dataSource: DataSource;
  close: () => Promise<void>;
}

/** Boots the whole app (real PostgreSQL with migrations, real Redis) on a free port; `options` e.g. shortens job retries. */
export async function startTestApp(env: Record<string, string | undefined> = {}, options: AppOptions = {}): Promise<TestApp> {
  const config = testConfig(env);
  const app = await createApp(config, options);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  const contract = new OpenApiContract((await request(app.getHttpServer()).get('/api/docs-json').expect(200)).body);
  return {
    app,
    config,
    url,
    http: () => contractRequest(app.getHttpServer(), contract),
    contract,
    dataSource: app.get(DataSource),
    close: async () => {
      await app.close();
      await dropDatabase(config.databaseUrl);
    },
  };
}
