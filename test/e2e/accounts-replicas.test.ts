import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/bootstrap';
import { TestRedis } from '../support/redis-server';
import { dropDatabase, TEST_ADMIN, testConfig } from '../support/test-app';

/** Two apps on one configuration: `init()` without listening, as supertest reaches them directly. */
async function twoReplicas(config: ReturnType<typeof testConfig>): Promise<[NestFastifyApplication, NestFastifyApplication]> {
  const a = await createApp(config);
  await a.init();
  const b = await createApp(config);
  await b.init();
  return [a, b];
}

/**
 * Two API replicas on one database and one Redis (as deployed behind a load balancer): each keeps
 * its users' state in memory for the per-request check, so a change made through one replica must
 * reach the other through Redis before its next request.
 */
describe('user changes across replicas', () => {
  const config = testConfig();
  let a: NestFastifyApplication;
  let b: NestFastifyApplication;

  beforeAll(async () => {
    [a, b] = await twoReplicas(config);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await dropDatabase(config.databaseUrl);
  });

  const login = async (app: NestFastifyApplication, email: string, password: string) =>
    (await request(app.getHttpServer()).post('/api/v1/auth/login').send({ email, password }).expect(200)).body.accessToken as string;

  it('a role change and a deactivation through replica A take effect on replica B at its next request, although B had the user cached', async () => {
    const adminToken = await login(a, TEST_ADMIN.email, TEST_ADMIN.password);
    const unit = (await request(a.getHttpServer()).post('/api/v1/organizations').set('Authorization', `Bearer ${adminToken}`).send({ name: 'CĐ hai máy chủ' }).expect(201)).body;
    const email = `replica-${Date.now()}@test.local`;
    const user = (
      await request(a.getHttpServer()).post('/api/v1/users').set('Authorization', `Bearer ${adminToken}`).send({ email, password: 'hai-máy-chủ-1', fullName: 'Hai Máy', role: 'organizer', organizationId: unit.id }).expect(201)
    ).body;
    const token = await login(b, email, 'hai-máy-chủ-1');
    const me = () => request(b.getHttpServer()).get('/api/v1/users/me').set('Authorization', `Bearer ${token}`);
    // B reads the user once and keeps it: these answer from its memory.
    const list = () => request(b.getHttpServer()).get('/api/v1/users?pageSize=1').set('Authorization', `Bearer ${token}`);
    await list().expect(200);
    // Proof that B answers from memory: a change written behind the app's back (no notification) is not seen.
    const db = a.get(DataSource);
    await db.query(`UPDATE user_account SET role = 'leader' WHERE id = $1`, [user.id]);
    await list().expect(200);
    await db.query(`UPDATE user_account SET role = 'organizer' WHERE id = $1`, [user.id]);

    // A role change through A: B sees the new role at once.
    await request(a.getHttpServer()).patch(`/api/v1/users/${user.id}`).set('Authorization', `Bearer ${adminToken}`).send({ role: 'staff' }).expect(200);
    await waitFor(async () => (await list()).status === 403);
    expect((await me().expect(200)).body.role).toBe('staff');

    await request(a.getHttpServer()).patch(`/api/v1/users/${user.id}`).set('Authorization', `Bearer ${adminToken}`).send({ active: false }).expect(200);
    await waitFor(async () => (await me()).status === 401);
    await me().expect(401);
  });
});

describe('user changes across replicas while Redis is down', () => {
  let redis: TestRedis;
  let config: ReturnType<typeof testConfig>;
  let a: NestFastifyApplication;
  let b: NestFastifyApplication;

  beforeAll(async () => {
    redis = await TestRedis.start();
    config = testConfig({ REDIS_URL: redis.url });
    [a, b] = await twoReplicas(config);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.stop();
    await dropDatabase(config.databaseUrl);
  });

  it('a replica that cannot hear about changes reads users from the database: a deactivation still takes effect at its next request', async () => {
    const login = async (app: NestFastifyApplication, email: string, password: string) =>
      (await request(app.getHttpServer()).post('/api/v1/auth/login').send({ email, password }).expect(200)).body.accessToken as string;
    const adminToken = await login(a, TEST_ADMIN.email, TEST_ADMIN.password);
    const unit = (await request(a.getHttpServer()).post('/api/v1/organizations').set('Authorization', `Bearer ${adminToken}`).send({ name: 'CĐ mất Redis' }).expect(201)).body;
    const email = `outage-${Date.now()}@test.local`;
    const user = (
      await request(a.getHttpServer()).post('/api/v1/users').set('Authorization', `Bearer ${adminToken}`).send({ email, password: 'mất-kết-nối-1', fullName: 'Mất Kết Nối', role: 'organizer', organizationId: unit.id }).expect(201)
    ).body;
    const token = await login(b, email, 'mất-kết-nối-1');
    const list = () => request(b.getHttpServer()).get('/api/v1/users?pageSize=1').set('Authorization', `Bearer ${token}`);
    await list().expect(200);
    const db = a.get(DataSource);
    // B answers from memory while it can hear about changes...
    await db.query(`UPDATE user_account SET role = 'leader' WHERE id = $1`, [user.id]);
    await list().expect(200);
    await db.query(`UPDATE user_account SET role = 'organizer' WHERE id = $1`, [user.id]);

    await redis.stop();
    // ...and not once it cannot: the change through A cannot be announced, B reads the database.
    await request(a.getHttpServer()).patch(`/api/v1/users/${user.id}`).set('Authorization', `Bearer ${adminToken}`).send({ active: false }).expect(200);
    await waitFor(async () => (await list()).status === 401);
    await list().expect(401);
    // Back for the shutdown (the queues close through Redis); closing right after a restart is safe (shutdown.test.ts).
    await redis.start();
  });
});

/** Pub/sub crosses Redis in milliseconds; allow a little time on a busy machine, far below the cache's 60 s. */
async function waitFor(ok: () => Promise<boolean>, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error('the other replica did not see the change');
    await new Promise((r) => setTimeout(r, 20));
  }
}
