import { Redis } from 'ioredis';
import { createOrganization, loginAdmin, loginAs } from '../factories';
import { PageClient } from '../factories/page-client';
import { UsersService } from '../../src/users/users.service';
import { TestRedis } from '../support/redis-server';
import { dropDatabase, startTestApp, TEST_ADMIN, TestApp } from '../support/test-app';

const LOGIN = '/api/v1/auth/login';

describe('POST /auth/login', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('returns a bearer token and the user', async () => {
    const res = await t.http().post(LOGIN).send(TEST_ADMIN).expect(200);
    expect(Object.keys(res.body).sort()).toEqual(['accessToken', 'user']);
    expect(typeof res.body.accessToken).toBe('string');
    expect(res.body.user).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      email: TEST_ADMIN.email,
      fullName: expect.any(String),
      role: 'admin',
      organizationId: null,
    });
    const me = await t.http().get('/api/v1/users/me').set('Authorization', `Bearer ${res.body.accessToken}`).expect(200);
    expect(me.body.id).toBe(res.body.user.id);
  });

  it('issues tokens that expire after 12 hours', async () => {
    const { token } = await loginAdmin(t);
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    expect(claims.exp - claims.iat).toBe(12 * 3600);
  });

  it('accepts the e-mail in any case and with surrounding spaces', async () => {
    const res = await t.http().post(LOGIN).send({ email: `  ${TEST_ADMIN.email.toUpperCase()} `, password: TEST_ADMIN.password }).expect(200);
    expect(res.body.user.email).toBe(TEST_ADMIN.email);
  });

  it('refuses a wrong password with 401', async () => {
    const res = await t.http().post(LOGIN).send({ email: TEST_ADMIN.email, password: 'wrong-password' }).expect(401);
    expect(res.body).toEqual({ statusCode: 401, message: 'email or password is wrong', error: 'Unauthorized', code: 'unauthorized', params: {} });
  });

  it('refuses an unknown e-mail with the same 401 as a wrong password', async () => {
    const res = await t.http().post(LOGIN).send({ email: 'nobody@test.local', password: 'whatever-1' }).expect(401);
    expect(res.body).toEqual({ statusCode: 401, message: 'email or password is wrong', error: 'Unauthorized', code: 'unauthorized', params: {} });
  });

  it('names each missing field in a 400', async () => {
    const res = await t.http().post(LOGIN).send({}).expect(400);
    expect(res.body.error).toBe('Bad Request');
    expect(res.body.message).toEqual(expect.arrayContaining([expect.stringMatching(/^email /), expect.stringMatching(/^password /)]));
    const noPassword = await t.http().post(LOGIN).send({ email: TEST_ADMIN.email }).expect(400);
    expect(noPassword.body.message).toEqual([expect.stringMatching(/^password /)]);
    const badEmail = await t.http().post(LOGIN).send({ email: 'not-an-email', password: 'x' }).expect(400);
    expect(badEmail.body.message).toEqual(['email must be an e-mail address']);
  });

  it('refuses unknown fields and non-object bodies with 400, never 500', async () => {
    const extra = await t.http().post(LOGIN).send({ ...TEST_ADMIN, remember: true }).expect(400);
    expect(extra.body.message).toEqual([expect.stringMatching(/^remember /)]);
    await t.http().post(LOGIN).send([TEST_ADMIN]).expect(400);
    await t.http().post(LOGIN).send([]).expect(400);
    await t.http().post(LOGIN).send({ email: ['a@b.c'], password: { x: 1 } }).expect(400);
  });

  it('answers 429 with Retry-After after 10 failed attempts for one e-mail, whatever its case', async () => {
    const email = 'target@test.local';
    for (let i = 0; i < 10; i++) {
      await t.http().post(LOGIN).send({ email, password: `guess-${i}` }).expect(401);
    }
    const blocked = await t.http().post(LOGIN).send({ email: email.toUpperCase(), password: 'guess-x' }).expect(429);
    expect(blocked.body).toEqual({ statusCode: 429, message: expect.stringContaining('too many failed logins'), error: 'Too Many Requests' });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });

  // Last in this block: it locks the admin's e-mail.
  it('blocks the right password too once an e-mail is locked, while other e-mails still log in', async () => {
    const admin = await loginAdmin(t);
    const unit = await createOrganization(t, admin);
    const other = { email: 'colleague@test.local', password: 'colleague-pass-1' };
    await t.http().post('/api/v1/users').set(admin.auth).send({ ...other, fullName: 'Đồng nghiệp', role: 'organizer', organizationId: unit.id }).expect(201);
    for (let i = 0; i < 10; i++) {
      await t.http().post(LOGIN).send({ email: TEST_ADMIN.email, password: `guess-${i}` }).expect(401);
    }
    await t.http().post(LOGIN).send(TEST_ADMIN).expect(429);
    await loginAs(t, other.email, other.password);
  });
});

describe('login rate limit counts failures only', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lets one user log in many times in a row (tests and shared desks do)', async () => {
    for (let i = 0; i < 15; i++) await t.http().post(LOGIN).send(TEST_ADMIN).expect(200);
  });

  it('a successful login clears the earlier failures', async () => {
    for (let i = 0; i < 9; i++) await t.http().post(LOGIN).send({ email: TEST_ADMIN.email, password: `typo-${i}` }).expect(401);
    await t.http().post(LOGIN).send(TEST_ADMIN).expect(200);
    for (let i = 0; i < 9; i++) await t.http().post(LOGIN).send({ email: TEST_ADMIN.email, password: `typo-${i}` }).expect(401);
    await t.http().post(LOGIN).send(TEST_ADMIN).expect(200);
  });
});

describe('login rate limit under parallel guesses', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const statuses = (responses: { status: number }[]) => responses.map((r) => r.status);

  it('verifies at most 10 of 30 parallel wrong passwords (the rest 429), then refuses the right password while locked', async () => {
    const guesses = await Promise.all(Array.from({ length: 30 }, (_, i) => t.http().post(LOGIN).send({ email: TEST_ADMIN.email, password: `guess-${i}` })));
    const codes = statuses(guesses);
    expect(codes.every((c) => c === 401 || c === 429)).toBe(true);
    expect(codes.filter((c) => c === 401).length).toBeLessThanOrEqual(10);
    expect(codes.filter((c) => c === 429).length).toBeGreaterThanOrEqual(20);
    for (const limited of guesses.filter((r) => r.status === 429)) expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await t.http().post(LOGIN).send(TEST_ADMIN).expect(429);
  });

  it('counts parallel guesses on the login form the same way, and the API login shares the count', async () => {
    const email = `parallel-${Date.now()}@test.local`;
    const c = new PageClient(t);
    await c.get('/login');
    const codes = statuses(await Promise.all(Array.from({ length: 30 }, (_, i) => c.post('/login', { email, password: `guess-${i}` }))));
    expect(codes.every((code) => code === 401 || code === 429)).toBe(true);
    expect(codes.filter((code) => code === 401).length).toBeLessThanOrEqual(10);
    await t.http().post(LOGIN).send({ email, password: 'guess-x' }).expect(429);
  });
});

describe('login rate limit while Redis is briefly down', () => {
  let redis: TestRedis;
  let t: TestApp;
  beforeAll(async () => {
    redis = await TestRedis.start();
    t = await startTestApp({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  it('still logs in, and still limits guesses (counted in memory), until Redis is back', async () => {
    await redis.stop();
    await t.http().post(LOGIN).send(TEST_ADMIN).expect(200);
    const email = 'while-down@test.local';
    for (let i = 0; i < 10; i++) await t.http().post(LOGIN).send({ email, password: `guess-${i}` }).expect(401);
    const limited = await t.http().post(LOGIN).send({ email, password: 'guess-x' }).expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);

    await redis.start();
    // Once reconnected, attempts are counted in Redis again (shared by the replicas).
    const client = new Redis(redis.url);
    try {
      const after = 'after-outage@test.local';
      const deadline = Date.now() + 15_000;
      let keys: string[] = [];
      while (keys.length === 0 && Date.now() < deadline) {
        await t.http().post(LOGIN).send({ email: after, password: 'typo' }).expect(401);
        keys = await client.keys(`${t.config.queuePrefix}:login-failures:*${after}`);
        if (keys.length === 0) await new Promise((r) => setTimeout(r, 200));
      }
      expect(keys).toHaveLength(1);
      await t.http().post(LOGIN).send(TEST_ADMIN).expect(200);
    } finally {
      client.disconnect();
    }
  });
});

describe('the first admin from ADMIN_EMAIL / ADMIN_PASSWORD', () => {
  const admins = async (t: TestApp) =>
    (await t.dataSource.query(`SELECT email, role, organization_id, password_hash FROM user_account ORDER BY created_at`)) as {
      email: string;
      role: string;
      organization_id: string | null;
      password_hash: string;
    }[];

  it('is created once on an empty database, with an argon2id hash, and never again on restart', async () => {
    const first = await startTestApp();
    let second: TestApp | undefined;
    try {
      expect(await admins(first)).toEqual([
        { email: TEST_ADMIN.email, role: 'admin', organization_id: null, password_hash: expect.stringMatching(/^\$argon2id\$/) },
      ]);
      // Restart on the same database with another ADMIN_EMAIL: users exist, so nothing is created.
      await first.app.close();
      second = await startTestApp({ DATABASE_URL: first.config.databaseUrl, ADMIN_EMAIL: 'second-admin@test.local', ADMIN_PASSWORD: 'second-password-1' });
      expect((await admins(second)).map((u) => u.email)).toEqual([TEST_ADMIN.email]);
      await second.http().post(LOGIN).send({ email: 'second-admin@test.local', password: 'second-password-1' }).expect(401);
      await second.http().post(LOGIN).send(TEST_ADMIN).expect(200);
    } finally {
      if (second) await second.close();
      else await first.app.close().catch(() => undefined);
      await dropDatabase(first.config.databaseUrl);
    }
  });

  it('is created only once when two replicas start together with different e-mails', async () => {
    const t = await startTestApp();
    try {
      await t.dataSource.query('DELETE FROM user_account');
      const users = t.app.get(UsersService);
      await Promise.all([
        users.ensureFirstAdmin('replica-a@test.local', 'password-aaaa'),
        users.ensureFirstAdmin('replica-b@test.local', 'password-bbbb'),
        users.ensureFirstAdmin('replica-c@test.local', 'password-cccc'),
      ]);
      expect(await admins(t)).toHaveLength(1);
    } finally {
      await t.close();
    }
  });
});
