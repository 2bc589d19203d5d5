import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { Actor, createActor, createOrganization, loginAdmin, loginAs } from '../factories';
import { createPublishedEvent } from '../factories/events';
import { checkIn, register } from '../factories/registrations';
import { SmtpCapture } from '../support/smtp-capture';
import { startTestApp, TEST_ADMIN, TestApp } from '../support/test-app';

const USERS = '/api/v1/users';
let seq = 0;
const email = (what: string) => `${what}-${Date.now().toString(36)}${++seq}@test.local`;

describe('accounts people can manage', () => {
  let t: TestApp;
  let smtp: SmtpCapture;
  const logs: string[] = [];
  let admin: Actor;
  let province: { id: string };
  let district: { id: string };
  let grassroots: { id: string };
  let otherProvince: { id: string };
  let organizer: Actor;

  beforeAll(async () => {
    smtp = await SmtpCapture.start();
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(chunk.toString());
        done();
      },
    });
    t = await startTestApp({ SMTP_URL: smtp.url, LOG_LEVEL: 'info' }, { logDestination: destination });
    admin = await loginAdmin(t);
    province = await createOrganization(t, admin, { name: 'LĐLĐ tỉnh Bình Dương' });
    district = await createOrganization(t, admin, { name: 'LĐLĐ thành phố Thủ Dầu Một', parentId: province.id });
    grassroots = await createOrganization(t, admin, { name: 'CĐCS Bệnh viện', parentId: district.id });
    otherProvince = await createOrganization(t, admin, { name: 'LĐLĐ tỉnh Đồng Nai' });
    organizer = await createActor(t, admin, 'organizer', district.id);
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  const user = (fields: Record<string, unknown> = {}) => ({ email: email('clerk'), password: 'bàn-điểm-danh-1', fullName: 'Trần Thị Bàn', role: 'staff', organizationId: grassroots.id, ...fields });

  describe('an organizer manages the desk clerks and leaders of their subtree', () => {
    it('creates a desk clerk (staff) for a sub-unit, who can then log in', async () => {
      const body = user();
      const res = await t.http().post(USERS).set(organizer.auth).send(body).expect(201);
      expect(res.body).toEqual({ id: expect.any(String), email: body.email, fullName: body.fullName, role: 'staff', organizationId: grassroots.id, active: true, createdAt: expect.any(String) });
      await loginAs(t, body.email, body.password);
    });

    it('cannot create an admin or an organizer (403), nor a user outside the subtree (403), nor for an unknown unit (404); nothing is written', async () => {
      const asAdmin = user({ role: 'admin' });
      const r1 = await t.http().post(USERS).set(organizer.auth).send(asAdmin).expect(403);
      expect(r1.body.message).toBe('you cannot give the role admin; you may give leader or staff');
      await t.http().post(USERS).set(organizer.auth).send(user({ role: 'organizer' })).expect(403);
      const outside = user({ organizationId: otherProvince.id });
      const r2 = await t.http().post(USERS).set(organizer.auth).send(outside).expect(403);
      expect(r2.body.message).toContain('outside your unit');
      // The parent unit is outside the subtree too.
      await t.http().post(USERS).set(organizer.auth).send(user({ organizationId: province.id })).expect(403);
      await t.http().post(USERS).set(organizer.auth).send(user({ organizationId: '7f1d8a52-0000-4000-8000-000000000000' })).expect(404);
      const written = await t.dataSource.query('SELECT 1 FROM user_account WHERE email = ANY($1)', [[asAdmin.email, outside.email]]);
      expect(written).toEqual([]);
    });

    it('leaders and staff cannot create, list or change users (403)', async () => {
      const staff = await createActor(t, admin, 'staff', district.id);
      const leader = await createActor(t, admin, 'leader', district.id);
      for (const a of [staff, leader]) {
        await t.http().post(USERS).set(a.auth).send(user()).expect(403);
        await t.http().get(USERS).set(a.auth).expect(403);
        await t.http().patch(`${USERS}/${staff.id}`).set(a.auth).send({ fullName: 'X' }).expect(403);
      }
    });

    it('lists only the users of their subtree, with search and filters; a user outside is 404', async () => {
      const name = `Lê Văn Tìm ${Date.now()}`;
      const found = (await t.http().post(USERS).set(organizer.auth).send(user({ fullName: name, role: 'leader' })).expect(201)).body;
      const outsider = await createActor(t, admin, 'staff', otherProvince.id);
      const all = await t.http().get(`${USERS}?pageSize=500`).set(organizer.auth).expect(200);
      const units = new Set(all.body.items.map((u: { organizationId: string }) => u.organizationId));
      expect([...units].every((u) => u === district.id || u === grassroots.id)).toBe(true);
      expect(all.body.items.map((u: { id: string }) => u.id)).not.toContain(outsider.id);
      // Accents and case do not matter to the search.
      const byName = await t.http().get(`${USERS}?q=${encodeURIComponent('le van tim')}`).set(organizer.auth).expect(200);
      expect(byName.body).toMatchObject({ total: 1, page: 1, pageSize: 50, items: [{ id: found.id, role: 'leader' }] });
      const leaders = await t.http().get(`${USERS}?role=leader&organizationId=${grassroots.id}&active=true`).set(organizer.auth).expect(200);
      expect(leaders.body.items.every((u: { role: string; organizationId: string }) => u.role === 'leader' && u.organizationId === grassroots.id)).toBe(true);
      expect(leaders.body.items.map((u: { id: string }) => u.id)).toContain(found.id);
      await t.http().get(`${USERS}?organizationId=${otherProvince.id}`).set(organizer.auth).expect(403);
      await t.http().get(`${USERS}/${outsider.id}`).set(organizer.auth).expect(404);
      await t.http().patch(`${USERS}/${outsider.id}`).set(organizer.auth).send({ fullName: 'Đổi' }).expect(404);
      expect((await t.http().get(`${USERS}/${found.id}`).set(organizer.auth).expect(200)).body.fullName).toBe(name);
      // The admin sees everyone.
      const everyone = await t.http().get(`${USERS}?pageSize=500`).set(admin.auth).expect(200);
      expect(everyone.body.items.map((u: { id: string }) => u.id)).toEqual(expect.arrayContaining([outsider.id, found.id, admin.id]));
    });

    it('can change a clerk within the subtree, but not give a unit outside it, nor change an organizer', async () => {
      const clerk = (await t.http().post(USERS).set(organizer.auth).send(user()).expect(201)).body;
      const moved = await t.http().patch(`${USERS}/${clerk.id}`).set(organizer.auth).send({ organizationId: district.id, role: 'leader', fullName: 'Trần Thị Mới' }).expect(200);
      expect(moved.body).toMatchObject({ organizationId: district.id, role: 'leader', fullName: 'Trần Thị Mới' });
      await t.http().patch(`${USERS}/${clerk.id}`).set(organizer.auth).send({ organizationId: otherProvince.id }).expect(403);
      await t.http().patch(`${USERS}/${clerk.id}`).set(organizer.auth).send({ role: 'organizer' }).expect(403);
      const colleague = await createActor(t, admin, 'organizer', grassroots.id);
      await t.http().patch(`${USERS}/${colleague.id}`).set(organizer.auth).send({ active: false }).expect(403);
      const row = await t.dataSource.query('SELECT organization_id, role, active FROM user_account WHERE id = $1', [clerk.id]);
      expect(row).toEqual([{ organization_id: district.id, role: 'leader', active: true }]);
    });

    it.each([
      ['fullName', { fullName: '' }],
      ['fullName', { fullName: 12 }],
      ['role', { role: 'superuser' }],
      ['organizationId', { organizationId: 'nope' }],
      ['active', { active: 'no' }],
      ['isAdmin', { isAdmin: true }],
    ])('PATCH answers 400 naming %s for %j', async (field, body) => {
      const res = await t.http().patch(`${USERS}/${organizer.id}`).set(admin.auth).send(body).expect(400);
      expect(res.body.message).toEqual([expect.stringMatching(new RegExp(`^${field} `))]);
    });

    it.each([
      ['role', '?role=x'],
      ['active', '?active=yes'],
      ['organizationId', '?organizationId=1'],
      ['q', `?q=${'x'.repeat(201)}`],
    ])('GET /users answers 400 naming %s', async (field, query) => {
      const res = await t.http().get(`${USERS}${query}`).set(admin.auth).expect(400);
      expect(res.body.message).toEqual([expect.stringMatching(new RegExp(`^${field} `))]);
    });

    it('refuses a common or short password when creating a user (400 naming password)', async () => {
      for (const password of ['password1', 'qwertyuiop', 'short']) {
        const res = await t.http().post(USERS).set(admin.auth).send(user({ password })).expect(400);
        expect(res.body.message).toEqual([expect.stringMatching(/^password /)]);
      }
    });
  });

  describe('changes take effect on the next request', () => {
    it("an admin deactivates the clerk: the clerk's next check-in with the token issued before is refused (401)", async () => {
      const body = user();
      const clerk = (await t.http().post(USERS).set(organizer.auth).send(body).expect(201)).body;
      const session = await loginAs(t, body.email, body.password);
      const event = await createPublishedEvent(t, organizer, { organizationId: grassroots.id });
      const [a, b] = [await register(t, event.id, {}, organizer), await register(t, event.id, {}, organizer)];
      expect((await checkIn(t, session, event.id, { code: a.code })).status).toBe(201);

      const res = await t.http().patch(`${USERS}/${clerk.id}`).set(admin.auth).send({ active: false }).expect(200);
      expect(res.body.active).toBe(false);
      const refused = await checkIn(t, session, event.id, { code: b.code });
      expect(refused.status).toBe(401);
      expect(await t.dataSource.query('SELECT 1 FROM check_in WHERE registration_id = $1', [b.id])).toEqual([]);
      await t.http().get(`${USERS}/me`).set(session.auth).expect(401);
      // Cannot log in either, with the same answer as a wrong password.
      const login = await t.http().post('/api/v1/auth/login').send({ email: body.email, password: body.password }).expect(401);
      expect(login.body.message).toBe('email or password is wrong');

      // Reactivated: a new login works, the old token stays dead.
      await t.http().patch(`${USERS}/${clerk.id}`).set(admin.auth).send({ active: true }).expect(200);
      await t.http().get(`${USERS}/me`).set(session.auth).expect(401);
      const again = await loginAs(t, body.email, body.password);
      expect((await checkIn(t, again, event.id, { code: b.code })).status).toBe(201);
    });

    it('a role change narrows the scope on the next request, with the same token', async () => {
      const body = user({ role: 'leader', organizationId: district.id });
      const created = (await t.http().post(USERS).set(admin.auth).send({ ...body, role: 'organizer' }).expect(201)).body;
      const session = await loginAs(t, body.email, body.password);
      const event = await createPublishedEvent(t, organizer, { organizationId: district.id });
      const reg = await register(t, event.id, {}, organizer);
      await t.http().get(`${USERS}?pageSize=1`).set(session.auth).expect(200);

      await t.http().patch(`${USERS}/${created.id}`).set(admin.auth).send({ role: 'leader' }).expect(200);
      // The same token: an organizer's powers are gone, a leader's remain.
      await t.http().get(`${USERS}?pageSize=1`).set(session.auth).expect(403);
      expect((await checkIn(t, session, event.id, { code: reg.code })).status).toBe(403);
      await t.http().get(`/api/v1/events/${event.id}/check-ins/stats`).set(session.auth).expect(200);
      expect((await t.http().get(`${USERS}/me`).set(session.auth).expect(200)).body.role).toBe('leader');
    });

    it('a unit change narrows the scope on the next request: the old unit is outside it', async () => {
      const body = user({ organizationId: district.id });
      const created = (await t.http().post(USERS).set(admin.auth).send(body).expect(201)).body;
      const session = await loginAs(t, body.email, body.password);
      const event = await createPublishedEvent(t, organizer, { organizationId: district.id });
      const [a, b] = [await register(t, event.id, {}, organizer), await register(t, event.id, {}, organizer)];
      expect((await checkIn(t, session, event.id, { code: a.code })).status).toBe(201);
      await t.http().patch(`${USERS}/${created.id}`).set(admin.auth).send({ organizationId: grassroots.id }).expect(200);
      expect((await checkIn(t, session, event.id, { code: b.code })).status).toBe(403);
    });

    it('the last active admin cannot be deactivated or demoted (409); with a second admin one can', async () => {
      const r = await t.http().patch(`${USERS}/${admin.id}`).set(admin.auth).send({ active: false }).expect(409);
      expect(r.body.message).toContain('last active admin');
      await t.http().patch(`${USERS}/${admin.id}`).set(admin.auth).send({ role: 'organizer', organizationId: province.id }).expect(409);
      const second = (await t.http().post(USERS).set(admin.auth).send(user({ role: 'admin', organizationId: province.id })).expect(201)).body;
      // Both at once, each demoting the other: one wins, the other is refused.
      const secondSession = await loginAs(t, second.email, 'bàn-điểm-danh-1');
      const [x, y] = await Promise.all([
        t.http().patch(`${USERS}/${second.id}`).set(admin.auth).send({ active: false }),
        t.http().patch(`${USERS}/${admin.id}`).set(secondSession.auth).send({ active: false }),
      ]);
      expect([x.status, y.status].sort()).toEqual([200, 409].sort());
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM user_account WHERE role = 'admin' AND active`);
      expect(n).toBe(1);
      if (y.status === 200) {
        // The original admin lost: put things back for the other tests.
        admin = secondSession;
        await t.http().patch(`${USERS}/${(await t.dataSource.query(`SELECT id FROM user_account WHERE email = $1`, [TEST_ADMIN.email]))[0].id}`).set(secondSession.auth).send({ active: true }).expect(200);
        admin = await loginAdmin(t);
      }
    });
  });

  describe('passwords', () => {
    it('changing your own password needs the current one, ends your other sessions and hands this client a new token', async () => {
      const body = user();
      await t.http().post(USERS).set(admin.auth).send(body).expect(201);
      const mine = await loginAs(t, body.email, body.password);
      const other = await loginAs(t, body.email, body.password);
      const wrong = await t.http().post('/api/v1/auth/password').set(mine.auth).send({ currentPassword: 'not-it-at-all', newPassword: 'một-mật-khẩu-mới-1' }).expect(400);
      expect(wrong.body).toMatchObject({ message: 'currentPassword is wrong', field: 'currentPassword' });
      const common = await t.http().post('/api/v1/auth/password').set(mine.auth).send({ currentPassword: body.password, newPassword: 'iloveyou' }).expect(400);
      expect(common.body.message).toEqual([expect.stringMatching(/^newPassword is too common/)]);
      const missing = await t.http().post('/api/v1/auth/password').set(mine.auth).send({}).expect(400);
      expect(missing.body.message).toEqual(expect.arrayContaining([expect.stringMatching(/^currentPassword /), expect.stringMatching(/^newPassword /)]));

      const res = await t.http().post('/api/v1/auth/password').set(mine.auth).send({ currentPassword: body.password, newPassword: 'một-mật-khẩu-mới-1' }).expect(204);
      const fresh = res.headers['x-access-token'];
      await t.http().get(`${USERS}/me`).set('Authorization', `Bearer ${fresh}`).expect(200);
      await t.http().get(`${USERS}/me`).set(other.auth).expect(401);
      await t.http().get(`${USERS}/me`).set(mine.auth).expect(401);
      await t.http().post('/api/v1/auth/login').send({ email: body.email, password: body.password }).expect(401);
      await loginAs(t, body.email, 'một-mật-khẩu-mới-1');
      await t.http().post('/api/v1/auth/password').send({ currentPassword: 'a', newPassword: 'b' }).expect(401);
    });

    it('a reset link works once, expires, and its token is in neither the database nor the logs', async () => {
      const body = user();
      const created = (await t.http().post(USERS).set(admin.auth).send(body).expect(201)).body;
      const session = await loginAs(t, body.email, body.password);
      const before = smtp.messages.length;
      const known = await t.http().post('/api/v1/auth/password-reset').send({ email: body.email.toUpperCase() }).expect(202);
      const mail = (await smtp.waitFor(before + 1)).find((m) => m.subject?.includes('mật khẩu') && (m.to as { text: string }).text.includes(body.email))!;
      expect(mail).toBeDefined();
      const link = /https?:\/\/[^\s"<>]+\/password-reset\/([A-Za-z0-9_-]+)/.exec(mail.text ?? '')!;
      const token = link[1];
      expect(token.length).toBeGreaterThanOrEqual(40);

      // The database holds only the token's SHA-256, in every table.
      const [row] = await t.dataSource.query(`SELECT token_hash, expires_at - created_at AS ttl FROM password_reset WHERE user_id = $1`, [created.id]);
      expect(Buffer.from(row.token_hash).equals(createHash('sha256').update(token).digest())).toBe(true);
      // Nor the stored mail: it holds a placeholder that the sender filled in (an admin reads it masked).
      for (const { table } of await t.dataSource.query(`SELECT table_name AS table FROM information_schema.tables WHERE table_schema = 'public'`)) {
        const hits = await t.dataSource.query(`SELECT 1 FROM "${table}" x WHERE x::text LIKE '%' || $1 || '%' LIMIT 1`, [token]);
        expect([table, hits.length]).toEqual([table, 0]);
      }

      const reset = await t.http().post(`/api/v1/auth/password-reset/${token}`).send({ newPassword: 'đặt-lại-mật-khẩu-1' }).expect(204);
      expect(reset.body).toEqual({});
      // Once only; the old sessions ended; the new password works.
      const again = await t.http().post(`/api/v1/auth/password-reset/${token}`).send({ newPassword: 'đặt-lại-lần-nữa-1' }).expect(404);
      expect(again.body.message).toContain('already used or expired');
      await t.http().get(`${USERS}/me`).set(session.auth).expect(401);
      await loginAs(t, body.email, 'đặt-lại-mật-khẩu-1');
      expect(known.body).toEqual({});

      // Nothing of the token in the logs (the request line of the reset masks it).
      await new Promise((r) => setTimeout(r, 200));
      const all = logs.join('');
      expect(all).toContain('/api/v1/auth/password-reset/***');
      expect(all).not.toContain(token);
    });

    it('an expired link no longer works, and a weak new password is refused naming newPassword', async () => {
      const body = user();
      const created = (await t.http().post(USERS).set(admin.auth).send(body).expect(201)).body;
      const before = smtp.messages.length;
      await t.http().post(`${USERS}/${created.id}/password-reset`).set(admin.auth).expect(202);
      const mail = (await smtp.waitFor(before + 1)).find((m) => (m.to as { text: string }).text.includes(body.email))!;
      const token = /\/password-reset\/([A-Za-z0-9_-]+)/.exec(mail.text ?? '')![1];
      const weak = await t.http().post(`/api/v1/auth/password-reset/${token}`).send({ newPassword: '12345678' }).expect(400);
      expect(weak.body.message).toEqual([expect.stringMatching(/^newPassword /)]);
      await t.dataSource.query(`UPDATE password_reset SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [created.id]);
      await t.http().post(`/api/v1/auth/password-reset/${token}`).send({ newPassword: 'đặt-lại-mật-khẩu-1' }).expect(404);
      await t.http().post(`/api/v1/auth/password-reset/not-a-token`).send({ newPassword: 'đặt-lại-mật-khẩu-1' }).expect(404);
      await loginAs(t, body.email, body.password);
    });

    it('forgot password answers the same for a known and an unknown address, mails only the known one, and is rate-limited', async () => {
      const body = user();
      await t.http().post(USERS).set(admin.auth).send(body).expect(201);
      const known = await t.http().post('/api/v1/auth/password-reset').send({ email: body.email });
      const unknown = await t.http().post('/api/v1/auth/password-reset').send({ email: email('nobody') });
      expect([known.status, known.body, known.headers['content-type']]).toEqual([unknown.status, unknown.body, unknown.headers['content-type']]);
      expect(known.status).toBe(202);
      // The link is written after the answer (so that its timing says nothing either).
      const deadline = Date.now() + 10_000;
      let rows: unknown[] = [];
      while (rows.length === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        rows = await t.dataSource.query(`SELECT to_address FROM mail_message WHERE kind = 'password-reset' AND to_address = $1`, [body.email]);
      }
      expect(rows).toHaveLength(1);
      const unknownMails = await t.dataSource.query(`SELECT 1 FROM mail_message WHERE to_address LIKE 'nobody-%'`);
      expect(unknownMails).toEqual([]);
      const bad = await t.http().post('/api/v1/auth/password-reset').send({ email: 'not-an-address' }).expect(400);
      expect(bad.body.message).toEqual(['email must be an e-mail address']);
      // Three per address an hour, whether or not it exists.
      const target = email('nobody');
      for (let i = 0; i < 3; i++) await t.http().post('/api/v1/auth/password-reset').send({ email: target }).expect(202);
      const limited = await t.http().post('/api/v1/auth/password-reset').send({ email: target }).expect(429);
      expect(limited.body.message).toContain('too many password reset requests');
    });

    it('only an admin sends a reset link to a user', async () => {
      const clerk = (await t.http().post(USERS).set(organizer.auth).send(user()).expect(201)).body;
      await t.http().post(`${USERS}/${clerk.id}/password-reset`).set(organizer.auth).expect(403);
      await t.http().post(`${USERS}/${clerk.id}/password-reset`).expect(401);
      await t.http().post(`${USERS}/7f1d8a52-0000-4000-8000-000000000000/password-reset`).set(admin.auth).expect(404);
    });
  });

  describe('sign out everywhere', () => {
    it('for yourself: every token of yours stops working', async () => {
      const body = user();
      await t.http().post(USERS).set(admin.auth).send(body).expect(201);
      const [a, b] = [await loginAs(t, body.email, body.password), await loginAs(t, body.email, body.password)];
      await t.http().post('/api/v1/auth/sign-out-everywhere').set(a.auth).expect(204);
      await t.http().get(`${USERS}/me`).set(a.auth).expect(401);
      await t.http().get(`${USERS}/me`).set(b.auth).expect(401);
      await loginAs(t, body.email, body.password);
    });

    it('by an admin for any user; an organizer may not', async () => {
      const body = user();
      const created = (await t.http().post(USERS).set(admin.auth).send(body).expect(201)).body;
      const s = await loginAs(t, body.email, body.password);
      await t.http().post(`${USERS}/${created.id}/sign-out-everywhere`).set(organizer.auth).expect(403);
      await t.http().get(`${USERS}/me`).set(s.auth).expect(200);
      await t.http().post(`${USERS}/${created.id}/sign-out-everywhere`).set(admin.auth).expect(204);
      await t.http().get(`${USERS}/me`).set(s.auth).expect(401);
    });
  });

  describe('audit', () => {
    it('records who changed whom, what and when, and lets an admin filter it', async () => {
      const clerk = (await t.http().post(USERS).set(organizer.auth).send(user()).expect(201)).body;
      await t.http().patch(`${USERS}/${clerk.id}`).set(admin.auth).send({ role: 'leader', fullName: 'Tên Mới' }).expect(200);
      await t.http().patch(`${USERS}/${clerk.id}`).set(admin.auth).send({ active: false }).expect(200);
      const res = await t.http().get(`/api/v1/audit?entity=user&entityId=${clerk.id}`).set(admin.auth).expect(200);
      expect(res.body.items.map((e: { action: string }) => e.action)).toEqual(['user.deactivate', 'user.update', 'user.create']);
      expect(res.body.items[1]).toMatchObject({
        actorId: admin.id,
        actorEmail: TEST_ADMIN.email,
        entity: 'user',
        entityId: clerk.id,
        organizationId: grassroots.id,
        changes: { role: { from: 'staff', to: 'leader' }, fullName: { from: 'Trần Thị Bàn', to: 'Tên Mới' } },
      });
      expect(res.body.items[2]).toMatchObject({ actorId: organizer.id, actorEmail: organizer.email });
      expect(JSON.stringify(res.body)).not.toMatch(/argon2|password_hash|bàn-điểm-danh/);

      const byActor = await t.http().get(`/api/v1/audit?actorId=${organizer.id}&organizationId=${province.id}`).set(admin.auth).expect(200);
      expect(byActor.body.items.length).toBeGreaterThan(0);
      expect(byActor.body.items.every((e: { actorId: string }) => e.actorId === organizer.id)).toBe(true);
      const elsewhere = await t.http().get(`/api/v1/audit?entityId=${clerk.id}&organizationId=${otherProvince.id}`).set(admin.auth).expect(200);
      expect(elsewhere.body.total).toBe(0);
      const future = await t.http().get(`/api/v1/audit?entityId=${clerk.id}&from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`).set(admin.auth).expect(200);
      expect(future.body.total).toBe(0);
      const logins = await t.http().get(`/api/v1/audit?actorId=${admin.id}&entity=user&entityId=${admin.id}`).set(admin.auth).expect(200);
      expect(logins.body.items.map((e: { action: string }) => e.action)).toContain('user.login');
    });

    it('is for admins only, and names a bad filter', async () => {
      await t.http().get('/api/v1/audit').set(organizer.auth).expect(403);
      await t.http().get('/api/v1/audit').expect(401);
      for (const [field, q] of [['from', 'from=yesterday'], ['actorId', 'actorId=1'], ['entityId', 'entityId=x'], ['organizationId', 'organizationId=x']]) {
        const res = await t.http().get(`/api/v1/audit?${q}`).set(admin.auth).expect(400);
        expect(res.body.message).toEqual([expect.stringMatching(new RegExp(`^${field} `))]);
      }
    });
  });
});
