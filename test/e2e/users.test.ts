import { JwtService } from '@nestjs/jwt';
import { Actor, createActor, createOrganization, loginAdmin, loginAs } from '../factories';
import { startTestApp, TestApp } from '../support/test-app';

const USERS = '/api/v1/users';

describe('users', () => {
  let t: TestApp;
  let admin: Actor;
  let unitId: string;
  let organizer: Actor;
  const valid = () => ({ email: `new-${Math.random().toString(36).slice(2)}@test.local`, password: 'long-enough-1', fullName: 'Nguyễn Văn A', role: 'staff', organizationId: unitId });

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    unitId = (await createOrganization(t, admin)).id;
    organizer = await createActor(t, admin, 'organizer', unitId);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('GET /users/me', () => {
    it('returns the current user', async () => {
      const res = await t.http().get(`${USERS}/me`).set(organizer.auth).expect(200);
      expect(res.body).toEqual({ id: organizer.id, email: organizer.email, fullName: 'Người dùng organizer', role: 'organizer', organizationId: unitId });
    });

    it('answers 401 without a token', async () => {
      const res = await t.http().get(`${USERS}/me`).expect(401);
      expect(res.body).toMatchObject({ statusCode: 401, message: expect.stringContaining('log in'), error: 'Unauthorized' });
    });

    it('answers 401 with a malformed token, a token signed with another secret, or another scheme', async () => {
      await t.http().get(`${USERS}/me`).set('Authorization', 'Bearer not.a.token').expect(401);
      const forged = await new JwtService({ secret: 'some-other-secret-of-enough-length' }).signAsync({ sub: admin.id, email: admin.email, name: 'x', role: 'admin', org: null });
      const res = await t.http().get(`${USERS}/me`).set('Authorization', `Bearer ${forged}`).expect(401);
      expect(res.body.message).toBe('the token is invalid or has expired; log in again');
      await t.http().get(`${USERS}/me`).set('Authorization', `Basic ${Buffer.from('a:b').toString('base64')}`).expect(401);
    });

    it('answers 401 with an expired token', async () => {
      const expired = await new JwtService({ secret: t.config.jwtSecret }).signAsync(
        { sub: admin.id, email: admin.email, name: 'x', role: 'admin', org: null },
        { expiresIn: -10 },
      );
      await t.http().get(`${USERS}/me`).set('Authorization', `Bearer ${expired}`).expect(401);
    });
  });

  describe('POST /users', () => {
    it('lets an admin create a user who can then log in; the response has no password hash', async () => {
      const body = valid();
      const res = await t.http().post(USERS).set(admin.auth).send(body).expect(201);
      expect(res.body).toEqual({ id: expect.any(String), email: body.email, fullName: body.fullName, role: 'staff', organizationId: unitId, active: true, createdAt: expect.any(String) });
      const [row] = await t.dataSource.query('SELECT password_hash FROM user_account WHERE id = $1', [res.body.id]);
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
      const staff = await loginAs(t, body.email, body.password);
      expect(staff.role).toBe('staff');
    });

    it('stores the e-mail lower-cased and trimmed', async () => {
      const res = await t.http().post(USERS).set(admin.auth).send({ ...valid(), email: '  Mixed.Case@Test.Local ' }).expect(201);
      expect(res.body.email).toBe('mixed.case@test.local');
    });

    it('is for admins, and organizers within their rights: an organizer gets 403 for an organizer or admin, no token 401', async () => {
      const res = await t.http().post(USERS).set(organizer.auth).send({ ...valid(), role: 'organizer' }).expect(403);
      expect(res.body).toMatchObject({ statusCode: 403, message: expect.stringContaining('you cannot give the role organizer'), error: 'Forbidden' });
      await t.http().post(USERS).set(organizer.auth).send({ ...valid(), role: 'admin' }).expect(403);
      await t.http().post(USERS).set(organizer.auth).send(valid()).expect(201);
      await t.http().post(USERS).send(valid()).expect(401);
    });

    it.each([
      ['email', { email: 'not-an-email' }],
      ['email', { email: undefined }],
      ['password', { password: 'short' }],
      ['password', { password: 12345678 }],
      ['fullName', { fullName: '' }],
      ['fullName', { fullName: '   ' }],
      ['role', { role: 'superuser' }],
      ['organizationId', { organizationId: 'not-a-uuid' }],
      ['organizationId', { organizationId: undefined }],
    ])('answers 400 naming %s for %j', async (field, patch) => {
      const res = await t.http().post(USERS).set(admin.auth).send({ ...valid(), ...patch }).expect(400);
      expect(res.body.error).toBe('Bad Request');
      expect(res.body.message).toEqual([expect.stringMatching(new RegExp(`^${field} `))]);
    });

    it('answers 400 for an unknown field, and writes nothing', async () => {
      const body = valid();
      const res = await t.http().post(USERS).set(admin.auth).send({ ...body, isSuperuser: true }).expect(400);
      expect(res.body.message).toEqual(['isSuperuser is not an allowed field']);
      const rows = await t.dataSource.query('SELECT 1 FROM user_account WHERE email = $1', [body.email]);
      expect(rows).toHaveLength(0);
    });

    it('answers 409 for an e-mail already taken, in any case', async () => {
      const body = valid();
      await t.http().post(USERS).set(admin.auth).send(body).expect(201);
      const dup = await t.http().post(USERS).set(admin.auth).send({ ...valid(), email: body.email }).expect(409);
      expect(dup.body).toMatchObject({ statusCode: 409, message: expect.stringContaining(body.email), error: 'Conflict', field: 'email', code: expect.stringMatching(/^(conflict|user\.emailTaken)$/), params: {} });
      await t.http().post(USERS).set(admin.auth).send({ ...valid(), email: body.email.toUpperCase() }).expect(409);
    });

    it('creates one user when the same e-mail is posted twice at once (the other gets 409, not 500)', async () => {
      const body = valid();
      const results = await Promise.all([0, 1, 2].map(() => t.http().post(USERS).set(admin.auth).send(body)));
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
      for (const r of results.filter((x) => x.status === 409)) expect(r.body.message).toBe(`a user with the e-mail ${body.email} already exists`);
    });

    it('answers 404 for an unknown organizationId', async () => {
      const missing = '7f1d8a52-0000-4000-8000-000000000000';
      const res = await t.http().post(USERS).set(admin.auth).send({ ...valid(), organizationId: missing }).expect(404);
      expect(res.body).toMatchObject({ statusCode: 404, message: `Organization ${missing} was not found`, error: 'Not Found', code: 'notFound.organization', params: {} });
    });
  });
});
