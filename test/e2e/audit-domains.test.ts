import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { createEvent, createPublishedEvent, createSession, inDays, publishEvent } from '../factories/events';
import { checkIn, csvFile, register } from '../factories/registrations';
import { startTestApp, TestApp } from '../support/test-app';

const api = '/api/v1';

interface Entry {
  id: string;
  at: string;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  organizationId: string | null;
  changes: Record<string, any>;
}

/**
 * The audit log covers every domain (issue 13 part 4): each kind of change is made through the API
 * and its entry found through GET /audit with the filters — who, what (action), which (entity,
 * entityId), unit subtree and time.
 */
describe('audit log across the domains (API)', () => {
  let t: TestApp;
  let admin: Actor;
  let organizer: Actor;
  let staff: Actor;
  let stranger: Actor;
  let province: { id: string };
  let district: { id: string };
  let grassroots: { id: string };
  let otherProvince: { id: string };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    province = await createOrganization(t, admin, { name: 'LĐLĐ tỉnh Bình Phước' });
    district = await createOrganization(t, admin, { name: 'LĐLĐ huyện Chơn Thành', parentId: province.id });
    grassroots = await createOrganization(t, admin, { name: 'CĐCS Công ty Cao su', parentId: district.id });
    otherProvince = await createOrganization(t, admin, { name: 'LĐLĐ tỉnh Đồng Nai' });
    organizer = await createActor(t, admin, 'organizer', province.id);
    staff = await createActor(t, admin, 'staff', district.id);
    stranger = await createActor(t, admin, 'organizer', otherProvince.id);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** The entries matching `filters`, newest first (admin). */
  const audit = async (filters: Record<string, string>): Promise<Entry[]> => {
    const res = await t.http().get(`${api}/audit?${new URLSearchParams({ pageSize: '100', ...filters })}`).set(admin.auth).expect(200);
    return res.body.items;
  };
  const actions = async (filters: Record<string, string>) => (await audit(filters)).map((e) => e.action);
  /** Exactly one entry of `action` about `entityId`. */
  const only = async (action: string, entityId: string): Promise<Entry> => {
    const items = await audit({ action, entityId });
    expect(items.map((e) => e.action)).toEqual([action]);
    return items[0];
  };
  const byOrganizer = (orgId: string) => ({ actorId: organizer.id, actorEmail: organizer.email, organizationId: orgId });

  it('events: create, update (from → to), publish, complete and cancel, each by its actor in the organizer unit; a refused completion leaves no entry', async () => {
    const startedAt = Date.now();
    const e = await createEvent(t, organizer, { organizationId: district.id, startsAt: inDays(-2), endsAt: inDays(-2, 8), capacity: 40, venue: 'Hội trường A' });
    expect(await only('event.create', e.id)).toMatchObject({ ...byOrganizer(district.id), entity: 'event', changes: { title: e.title, kind: 'training', capacity: 40, startsAt: e.startsAt, endsAt: e.endsAt } });

    await t.http().patch(`${api}/events/${e.id}`).set(organizer.auth).send({ venue: 'Hội trường B', capacity: 60 }).expect(200);
    expect((await only('event.update', e.id)).changes).toEqual({ venue: { from: 'Hội trường A', to: 'Hội trường B' }, capacity: { from: 40, to: 60 } });
    // Saving the same values again is not a change.
    await t.http().patch(`${api}/events/${e.id}`).set(organizer.auth).send({ venue: 'Hội trường B' }).expect(200);
    await only('event.update', e.id);

    await publishEvent(t, organizer, e.id);
    expect((await only('event.publish', e.id)).changes).toEqual({ status: { from: 'draft', to: 'published' } });
    await t.http().post(`${api}/events/${e.id}/complete`).set(organizer.auth).expect(200);
    expect(await only('event.complete', e.id)).toMatchObject({ ...byOrganizer(district.id), changes: { status: { from: 'published', to: 'completed' } } });

    // Not ended yet: the completion is refused and rolled back, and so is its entry.
    const ahead = await createPublishedEvent(t, organizer, { organizationId: district.id });
    await t.http().post(`${api}/events/${ahead.id}/complete`).set(organizer.auth).expect(409);
    expect(await actions({ entityId: ahead.id })).toEqual(['event.publish', 'event.create']);
    await t.http().post(`${api}/events/${ahead.id}/cancel`).set(organizer.auth).expect(200);
    expect((await only('event.cancel', ahead.id)).changes).toEqual({ status: { from: 'published', to: 'cancelled' } });

    // The filters: the unit's subtree (the province holds the district), another unit, the actor, time.
    expect(await actions({ entity: 'event', entityId: e.id, organizationId: province.id })).toEqual(['event.complete', 'event.publish', 'event.update', 'event.create']);
    expect(await audit({ entityId: e.id, organizationId: otherProvince.id })).toEqual([]);
    expect(await audit({ entityId: e.id, organizationId: grassroots.id })).toEqual([]);
    expect(await actions({ entityId: e.id, actorId: admin.id })).toEqual([]);
    expect(await audit({ entityId: e.id, from: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
    expect((await audit({ entityId: e.id, from: new Date(startedAt - 1000).toISOString(), to: new Date(Date.now() + 1000).toISOString() })).length).toBe(4);
    expect(await actions({ action: 'event.cancel', organizationId: district.id })).toEqual(['event.cancel']);
  });

  it('sessions: create, update, move (position alone) and delete', async () => {
    const e = await createEvent(t, organizer);
    const s = await createSession(t, organizer, e, { title: 'Khai mạc', room: 'P.1' });
    expect(await only('session.create', s.id)).toMatchObject({ ...byOrganizer(province.id), entity: 'session', changes: { eventId: e.id, title: 'Khai mạc', room: 'P.1' } });
    await t.http().patch(`${api}/sessions/${s.id}`).set(organizer.auth).send({ title: 'Khai mạc lớp học', room: 'P.2' }).expect(200);
    expect((await only('session.update', s.id)).changes).toEqual({ eventId: e.id, title: { from: 'Khai mạc', to: 'Khai mạc lớp học' }, room: { from: 'P.1', to: 'P.2' } });
    await t.http().patch(`${api}/sessions/${s.id}`).set(organizer.auth).send({ position: 2 }).expect(200);
    expect((await only('session.move', s.id)).changes).toEqual({ eventId: e.id, position: { from: 0, to: 2 } });
    await t.http().delete(`${api}/sessions/${s.id}`).set(organizer.auth).expect(204);
    expect((await only('session.delete', s.id)).changes).toMatchObject({ eventId: e.id, title: 'Khai mạc lớp học' });
    expect(await actions({ entity: 'session', entityId: s.id })).toEqual(['session.delete', 'session.move', 'session.update', 'session.create']);
  });

  it('registrations: an organizer’s edit and status change, a cancel, an import (one entry with counts) and a check-in undo — not the check-in itself, and never a code or token', async () => {
    const e = await createPublishedEvent(t, organizer, { organizationId: district.id, capacity: 10 });
    const r = await register(t, e.id, { fullName: 'Lê Văn Tám', organizationId: grassroots.id }, organizer);
    await t.http().patch(`${api}/registrations/${r.id}`).set(organizer.auth).send({ fullName: 'Lê Văn Tâm', role: 'guest' }).expect(200);
    expect(await only('registration.update', r.id)).toMatchObject({
      ...byOrganizer(district.id),
      entity: 'registration',
      changes: { eventId: e.id, fullName: { from: 'Lê Văn Tám', to: 'Lê Văn Tâm' }, role: { from: 'delegate', to: 'guest' } },
    });

    // The check-in is not audited (the door's hot path); its undo is, by whom and which check-in.
    const first = await checkIn(t, staff, e.id, { code: r.code }).expect(201);
    expect(await audit({ entityId: r.id, action: 'registration.check-in-undo' })).toEqual([]);
    expect(await audit({ actorId: staff.id, entity: 'registration' })).toEqual([]);
    await t.http().delete(`${api}/check-ins/${first.body.checkIn.id}`).set(organizer.auth).expect(204);
    expect(await only('registration.check-in-undo', r.id)).toMatchObject({
      ...byOrganizer(district.id),
      changes: { eventId: e.id, checkInId: first.body.checkIn.id, sessionId: null, checkedInAt: first.body.checkIn.checkedInAt },
    });

    await t.http().post(`${api}/registrations/${r.id}/cancel`).set(organizer.auth).expect(200);
    expect((await only('registration.cancel', r.id)).changes).toEqual({ eventId: e.id, status: { from: 'confirmed', to: 'cancelled' } });
    // Cancelling again changes nothing and records nothing.
    await t.http().post(`${api}/registrations/${r.id}/cancel`).set(organizer.auth).expect(200);
    await only('registration.cancel', r.id);
    expect(await actions({ entity: 'registration', entityId: r.id })).toEqual(['registration.cancel', 'registration.check-in-undo', 'registration.update']);

    // A full event with a waiting list: three rows are one entry with the counts.
    const full = await createPublishedEvent(t, organizer, { organizationId: district.id, capacity: 1, waitlist: true });
    const file = csvFile(['fullName,email,role', 'Phạm Thị Một,mot@test.local,delegate', 'Phạm Thị Hai,hai@test.local,delegate', 'Phạm Văn Ba,ba@test.local,guest']);
    await t.http().post(`${api}/events/${full.id}/registrations/import`).set(organizer.auth).attach('file', file, 'danh-sach.csv').expect(201);
    expect(await only('registration.import', full.id)).toMatchObject({ ...byOrganizer(district.id), entity: 'event', changes: { file: 'danh-sach.csv', imported: 3, confirmed: 2, waitlisted: 1, invited: 0 } });
    // A refused file writes nothing, its entry included.
    await t.http().post(`${api}/events/${full.id}/registrations/import`).set(organizer.auth).attach('file', csvFile(['fullName,email', ',not-an-email']), 'bad.csv').expect(422);
    await only('registration.import', full.id);

    const everything = JSON.stringify(await audit({ organizationId: district.id }));
    const rows: { code: string }[] = await t.dataSource.query('SELECT code FROM registration WHERE event_id = ANY($1)', [[e.id, full.id]]);
    for (const { code } of rows) expect(everything).not.toContain(code);
    expect(everything).not.toContain(r.token);
    expect(everything).not.toMatch(/token|password|argon2/i);
  });

  it("a delegate's own answer and cancellation by their link: no actor, by: 'delegate', never the token", async () => {
    const e = await createPublishedEvent(t, organizer, { registrationMode: 'invite_only' });
    const r = await register(t, e.id, {}, organizer);
    expect(r.status).toBe('invited');
    await t.http().post(`${api}/public/registrations/${r.token}/rsvp`).send({ accept: true }).expect(200);
    expect(await only('registration.rsvp', r.id)).toMatchObject({ actorId: null, actorEmail: null, organizationId: province.id, changes: { eventId: e.id, by: 'delegate', status: { from: 'invited', to: 'confirmed' } } });
    // The same answer again changes nothing.
    await t.http().post(`${api}/public/registrations/${r.token}/rsvp`).send({ accept: true }).expect(200);
    await only('registration.rsvp', r.id);
    await t.http().post(`${api}/public/registrations/${r.token}/cancel`).expect(200);
    expect((await only('registration.cancel', r.id)).changes).toEqual({ eventId: e.id, by: 'delegate', status: { from: 'confirmed', to: 'cancelled' } });
    expect(JSON.stringify(await audit({ entityId: r.id }))).not.toContain(r.token);
  });

  it('quotas: one entry per unit set, changed or removed', async () => {
    const e = await createEvent(t, organizer, { capacity: 50 });
    const put = (body: unknown) => t.http().put(`${api}/events/${e.id}/quotas`).set(organizer.auth).send(body as object).expect(200);
    await put([{ organizationId: district.id, seats: 10 }, { organizationId: grassroots.id, seats: 5 }]);
    expect((await audit({ entity: 'quota', entityId: e.id })).map((q) => [q.action, q.changes])).toEqual(
      expect.arrayContaining([
        ['quota.set', { unitId: district.id, seats: { from: null, to: 10 } }],
        ['quota.set', { unitId: grassroots.id, seats: { from: null, to: 5 } }],
      ]),
    );
    await put([{ organizationId: district.id, seats: 8 }, { organizationId: province.id, seats: 3 }]);
    const second = await audit({ entity: 'quota', entityId: e.id, action: 'quota.change' });
    expect(second.map((q) => q.changes)).toEqual([{ unitId: district.id, seats: { from: 10, to: 8 } }]);
    expect(second[0]).toMatchObject({ ...byOrganizer(province.id), entity: 'quota' });
    expect((await audit({ entityId: e.id, action: 'quota.delete' })).map((q) => q.changes)).toEqual([{ unitId: grassroots.id, seats: { from: 5, to: null } }]);
    expect((await audit({ entity: 'quota', entityId: e.id })).length).toBe(5);
    // The same set again changes nothing.
    await put([{ organizationId: district.id, seats: 8 }, { organizationId: province.id, seats: 3 }]);
    expect((await audit({ entity: 'quota', entityId: e.id })).length).toBe(5);
  });

  it('articles: generate, edit (from → to), publish and unpublish', async () => {
    const e = await createPublishedEvent(t, organizer, { title: 'Tập huấn an toàn vệ sinh lao động', startsAt: inDays(-3), endsAt: inDays(-3, 4) });
    const requested = await t.http().post(`${api}/events/${e.id}/articles`).set(organizer.auth).send({ language: 'vi' }).expect(202);
    const id: string = requested.body.id;
    expect(await only('article.generate', id)).toMatchObject({ ...byOrganizer(province.id), entity: 'article', changes: { eventId: e.id, language: 'vi', status: { from: null, to: 'generating' } } });
    let article: Record<string, any> = {};
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      article = (await t.http().get(`${api}/articles/${id}`).set(organizer.auth).expect(200)).body;
      if (article.status !== 'generating') break;
    }
    expect(article.status).toBe('draft');
    await t.http().patch(`${api}/articles/${id}`).set(organizer.auth).send({ title: 'Bình Phước tập huấn an toàn lao động' }).expect(200);
    expect((await only('article.update', id)).changes).toEqual({ eventId: e.id, language: 'vi', title: { from: article.title, to: 'Bình Phước tập huấn an toàn lao động' } });
    await t.http().post(`${api}/articles/${id}/publish`).set(organizer.auth).expect(200);
    expect((await only('article.publish', id)).changes).toMatchObject({ status: { from: 'draft', to: 'published' }, slug: expect.any(String) });
    await t.http().post(`${api}/articles/${id}/unpublish`).set(organizer.auth).expect(200);
    expect((await only('article.unpublish', id)).changes).toMatchObject({ status: { from: 'published', to: 'draft' } });
    expect(await actions({ entity: 'article', entityId: id })).toEqual(['article.unpublish', 'article.publish', 'article.update', 'article.generate']);
  });

  it('users and logins are there too; a failed login of a known account is recorded without the password', async () => {
    await t.http().post(`${api}/auth/login`).send({ email: organizer.email, password: 'sai-mật-khẩu-1' }).expect(401);
    // Written beside the answer, not before it (a known e-mail must answer no slower than an unknown one).
    let failed: Entry[] = [];
    for (const deadline = Date.now() + 5000; !failed.length && Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
      failed = await audit({ action: 'user.login-failed', entityId: organizer.id });
    }
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ actorId: null, entity: 'user', organizationId: province.id });
    expect(JSON.stringify(failed)).not.toContain('sai-mật-khẩu-1');
    expect(await actions({ entity: 'user', entityId: organizer.id })).toEqual(expect.arrayContaining(['user.create', 'user.login', 'user.login-failed']));
    expect(await actions({ action: 'user.login', actorId: admin.id })).toContain('user.login');
  });

  it('is for admins only: organizers (even of the unit), staff, strangers get 403, no token 401; a bad action filter is a 400 naming it', async () => {
    for (const who of [organizer, staff, stranger]) await t.http().get(`${api}/audit?organizationId=${province.id}`).set(who.auth).expect(403);
    await t.http().get(`${api}/audit`).expect(401);
    for (const q of [`action=${'x'.repeat(51)}`, 'action=', 'action=a&action=b']) {
      const res = await t.http().get(`${api}/audit?${q}`).set(admin.auth).expect(400);
      expect(res.body.message).toEqual([expect.stringMatching(/^action /)]);
    }
  });
});
