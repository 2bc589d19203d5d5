import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { createEvent, inDays, publishEvent } from '../factories/events';
import { startTestApp, TestApp } from '../support/test-app';

describe('events API', () => {
  let t: TestApp;
  let admin: Actor;
  let organizer: Actor;
  let leader: Actor;
  let staff: Actor;
  let stranger: Actor;
  let root: { id: string };
  let child: { id: string };
  let otherRoot: { id: string };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    root = await createOrganization(t, admin, { name: 'Liên đoàn Lao động tỉnh Bình Dương' });
    child = await createOrganization(t, admin, { name: 'Công đoàn KCN', parentId: root.id });
    otherRoot = await createOrganization(t, admin, { name: 'LĐLĐ tỉnh khác' });
    organizer = await createActor(t, admin, 'organizer', root.id);
    leader = await createActor(t, admin, 'leader', root.id);
    staff = await createActor(t, admin, 'staff', child.id);
    stranger = await createActor(t, admin, 'organizer', otherRoot.id);
  });
  afterAll(async () => {
    await t?.close();
  });

  const api = (path: string) => `/api/v1${path}`;

  describe('POST /events', () => {
    it('creates a draft with a Vietnamese slug, UTC times and local strings', async () => {
      const res = await t.http().post(api('/events')).set(organizer.auth).send({
        title: 'Tập huấn Đoàn viên công đoàn',
        titleEn: 'Union member training',
        kind: 'training',
        organizationId: child.id,
        startsAt: '2031-03-10T08:00:00+07:00',
        endsAt: '2031-03-10T17:00:00+07:00',
        registrationMode: 'open',
        capacity: 50,
        waitlist: true,
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        status: 'draft',
        startsAt: '2031-03-10T01:00:00.000Z',
        endsAt: '2031-03-10T10:00:00.000Z',
        startsAtLocal: '2031-03-10T08:00:00+07:00',
        endsAtLocal: '2031-03-10T17:00:00+07:00',
        timezone: 'Asia/Ho_Chi_Minh',
        reminderHoursBefore: 24,
        capacity: 50,
        waitlist: true,
        confirmedCount: 0,
        organizationId: child.id,
      });
      expect(res.body.slug).toMatch(/^tap-huan-doan-vien-cong-doan-[0-9a-z]{6}$/);
    });

    it('refuses an unknown field, a bad kind, endsAt before startsAt and a bad zone with 400 naming the field', async () => {
      const base = { title: 'X', kind: 'training', organizationId: root.id, startsAt: inDays(3), endsAt: inDays(3, 2), registrationMode: 'open' };
      const unknown = await t.http().post(api('/events')).set(organizer.auth).send({ ...base, color: 'red' });
      expect(unknown.status).toBe(400);
      expect(JSON.stringify(unknown.body.message)).toContain('color');
      const kind = await t.http().post(api('/events')).set(organizer.auth).send({ ...base, kind: 'party' });
      expect(kind.status).toBe(400);
      expect(JSON.stringify(kind.body.message)).toContain('kind');
      const mode = await t.http().post(api('/events')).set(organizer.auth).send({ ...base, registrationMode: 'closed' });
      expect(mode.status).toBe(400);
      expect(JSON.stringify(mode.body.message)).toContain('registrationMode');
      const order = await t.http().post(api('/events')).set(organizer.auth).send({ ...base, endsAt: inDays(2) });
      expect(order.status).toBe(400);
      expect(order.body.message).toContain('endsAt');
      const zone = await t.http().post(api('/events')).set(organizer.auth).send({ ...base, timezone: 'Mars/Olympus' });
      expect(zone.status).toBe(400);
      expect(JSON.stringify(zone.body.message)).toContain('timezone');
      const time = await t.http().post(api('/events')).set(organizer.auth).send({ ...base, startsAt: 'next monday' });
      expect(time.status).toBe(400);
      expect(JSON.stringify(time.body.message)).toContain('startsAt');
      const missing = await t.http().post(api('/events')).set(organizer.auth).send({ kind: 'training' });
      expect(missing.status).toBe(400);
      expect(JSON.stringify(missing.body.message)).toContain('title');
      const capacity = await t.http().post(api('/events')).set(organizer.auth).send({ ...base, capacity: -1 });
      expect(capacity.status).toBe(400);
      const window = await t.http().post(api('/events')).set(organizer.auth).send({ ...base, registrationOpensAt: inDays(2), registrationClosesAt: inDays(1) });
      expect(window.status).toBe(400);
      expect(window.body.message).toContain('registrationClosesAt');
    });

    it('is for organizers of the unit subtree only: 401 without token, 403 for leader and stranger, 404 unknown unit', async () => {
      const base = { title: 'X', kind: 'seminar', organizationId: root.id, startsAt: inDays(3), endsAt: inDays(3, 2), registrationMode: 'open' };
      expect((await t.http().post(api('/events')).send(base)).status).toBe(401);
      expect((await t.http().post(api('/events')).set(leader.auth).send(base)).status).toBe(403);
      expect((await t.http().post(api('/events')).set(staff.auth).send(base)).status).toBe(403);
      expect((await t.http().post(api('/events')).set(stranger.auth).send(base)).status).toBe(403);
      const unknownOrg = await t.http().post(api('/events')).set(organizer.auth).send({ ...base, organizationId: '3f1c1a4e-1111-4a8b-9a1d-0a6c2b7e9f00' });
      expect(unknownOrg.status).toBe(404);
      expect((await t.http().post(api('/events')).set(admin.auth).send(base)).status).toBe(201);
    });
  });

  describe('GET /events and /events/:id', () => {
    it('lists the subtree with filters and pagination; strangers see none of it', async () => {
      const a = await createEvent(t, organizer, { organizationId: child.id, startsAt: '2032-01-10T08:00:00+07:00', endsAt: '2032-01-10T12:00:00+07:00' });
      const b = await createEvent(t, organizer, { startsAt: '2032-02-10T08:00:00+07:00', endsAt: '2032-02-10T12:00:00+07:00' });
      await publishEvent(t, organizer, b.id);
      const foreign = await createEvent(t, stranger, { startsAt: '2032-01-15T08:00:00+07:00', endsAt: '2032-01-15T12:00:00+07:00' });

      const window = await t.http().get(api('/events')).query({ from: '2032-01-01T00:00:00+07:00', to: '2032-12-31T00:00:00+07:00' }).set(leader.auth).expect(200);
      expect(window.body.items.map((e: any) => e.id)).toEqual([a.id, b.id]);
      expect(window.body).toMatchObject({ total: 2, page: 1, pageSize: 50 });

      const published = await t.http().get(api('/events')).query({ status: 'published', from: '2032-01-01T00:00:00Z' }).set(organizer.auth).expect(200);
      expect(published.body.items.map((e: any) => e.id)).toEqual([b.id]);

      const ofChild = await t.http().get(api('/events')).query({ organizationId: child.id, from: '2032-01-01T00:00:00Z' }).set(organizer.auth).expect(200);
      expect(ofChild.body.items.map((e: any) => e.id)).toEqual([a.id]);

      const paged = await t.http().get(api('/events')).query({ from: '2032-01-01T00:00:00Z', page: 2, pageSize: 1 }).set(organizer.auth).expect(200);
      expect(paged.body).toMatchObject({ total: 2, page: 2, pageSize: 1 });
      expect(paged.body.items.map((e: any) => e.id)).toEqual([b.id]);

      const strangers = await t.http().get(api('/events')).query({ from: '2032-01-01T00:00:00Z' }).set(stranger.auth).expect(200);
      expect(strangers.body.items.map((e: any) => e.id)).toEqual([foreign.id]);
      const all = await t.http().get(api('/events')).query({ from: '2032-01-01T00:00:00Z' }).set(admin.auth).expect(200);
      expect(all.body.total).toBe(3);

      expect((await t.http().get(api('/events')).query({ organizationId: root.id }).set(stranger.auth)).status).toBe(403);
      expect((await t.http().get(api('/events')).query({ status: 'done' }).set(organizer.auth)).status).toBe(400);
      expect((await t.http().get(api('/events')).query({ from: 'yesterday' }).set(organizer.auth)).status).toBe(400);
      expect((await t.http().get(api('/events'))).status).toBe(401);
    });

    it('reads one event for leader and staff of the subtree; 403 stranger, 404 unknown, 400 bad id, 401 no token', async () => {
      const e = await createEvent(t, organizer, { organizationId: child.id });
      expect((await t.http().get(api(`/events/${e.id}`)).set(leader.auth).expect(200)).body.id).toBe(e.id);
      expect((await t.http().get(api(`/events/${e.id}`)).set(staff.auth).expect(200)).body.title).toBe(e.title);
      expect((await t.http().get(api(`/events/${e.id}`)).set(stranger.auth)).status).toBe(403);
      expect((await t.http().get(api('/events/7d3f3c86-5f1b-4c1e-9f2a-1d2b3c4d5e6f')).set(organizer.auth)).status).toBe(404);
      expect((await t.http().get(api('/events/not-a-uuid')).set(organizer.auth)).status).toBe(400);
      expect((await t.http().get(api(`/events/${e.id}`))).status).toBe(401);
    });
  });

  describe('PATCH /events/:id', () => {
    it('changes fields, keeps the slug, and refuses capacity below the confirmed count with 409', async () => {
      const e = await createEvent(t, organizer, { capacity: 10 });
      const res = await t.http().patch(api(`/events/${e.id}`)).set(organizer.auth).send({ venue: 'Nhà văn hóa lao động', capacity: 20, timezone: 'Europe/Paris' }).expect(200);
      expect(res.body).toMatchObject({ venue: 'Nhà văn hóa lao động', capacity: 20, timezone: 'Europe/Paris', slug: e.slug, startsAt: e.startsAt });

      await t.dataSource.query('UPDATE event SET confirmed_count = 5 WHERE id = $1', [e.id]);
      const below = await t.http().patch(api(`/events/${e.id}`)).set(organizer.auth).send({ capacity: 4 });
      expect(below.status).toBe(409);
      expect(below.body.message).toContain('capacity');
      expect(below.body.confirmedCount).toBe(5);
      expect((await t.http().patch(api(`/events/${e.id}`)).set(organizer.auth).send({ capacity: 5 })).status).toBe(200);
      expect((await t.http().patch(api(`/events/${e.id}`)).set(organizer.auth).send({ capacity: null })).body.capacity).toBeNull();
    });

    it('validates like creation: 400 unknown field, bad enum, endsAt before startsAt, null title', async () => {
      const e = await createEvent(t, organizer);
      expect((await t.http().patch(api(`/events/${e.id}`)).set(organizer.auth).send({ status: 'completed' })).status).toBe(400);
      expect((await t.http().patch(api(`/events/${e.id}`)).set(organizer.auth).send({ kind: 'party' })).status).toBe(400);
      const order = await t.http().patch(api(`/events/${e.id}`)).set(organizer.auth).send({ endsAt: inDays(6) });
      expect(order.status).toBe(400);
      expect(order.body.message).toContain('endsAt');
      const nullTitle = await t.http().patch(api(`/events/${e.id}`)).set(organizer.auth).send({ title: null });
      expect(nullTitle.status).toBe(400);
      expect(nullTitle.body.message).toContain('title');
    });

    it('refuses leaders (403), strangers (403), unknown ids (404) and no token (401); 409 once completed', async () => {
      const e = await createEvent(t, organizer, { startsAt: inDays(-2), endsAt: inDays(-2, 8) });
      expect((await t.http().patch(api(`/events/${e.id}`)).set(leader.auth).send({ venue: 'x' })).status).toBe(403);
      expect((await t.http().patch(api(`/events/${e.id}`)).set(stranger.auth).send({ venue: 'x' })).status).toBe(403);
      expect((await t.http().patch(api(`/events/${e.id}`)).send({ venue: 'x' })).status).toBe(401);
      expect((await t.http().patch(api('/events/7d3f3c86-5f1b-4c1e-9f2a-1d2b3c4d5e6f')).set(organizer.auth).send({ venue: 'x' })).status).toBe(404);
      await publishEvent(t, organizer, e.id);
      await t.http().post(api(`/events/${e.id}/complete`)).set(organizer.auth).expect(200);
      expect((await t.http().patch(api(`/events/${e.id}`)).set(organizer.auth).send({ venue: 'x' })).status).toBe(409);
    });
  });

  describe('POST /events/:id/publish | complete | cancel', () => {
    it('moves draft → published → completed with 200 and refuses the rest with 409', async () => {
      const e = await createEvent(t, organizer, { startsAt: inDays(-1), endsAt: inDays(-1, 8) });
      expect((await t.http().post(api(`/events/${e.id}/complete`)).set(organizer.auth)).status).toBe(409);
      const pub = await t.http().post(api(`/events/${e.id}/publish`)).set(organizer.auth).expect(200);
      expect(pub.body.status).toBe('published');
      expect(pub.body.publishedAt).toMatch(/Z$/);
      const again = await t.http().post(api(`/events/${e.id}/publish`)).set(organizer.auth);
      expect(again.status).toBe(409);
      expect(again.body.status).toBe('published');
      const done = await t.http().post(api(`/events/${e.id}/complete`)).set(organizer.auth).expect(200);
      expect(done.body.status).toBe('completed');
      expect((await t.http().post(api(`/events/${e.id}/cancel`)).set(organizer.auth)).status).toBe(409);
    });

    it('refuses to complete an event whose end is still ahead (409 event.notEnded naming the end), also while it is under way; nothing changes', async () => {
      const ahead = await createEvent(t, organizer, { timezone: 'America/New_York' });
      await publishEvent(t, organizer, ahead.id);
      const res = await t.http().post(api(`/events/${ahead.id}/complete`)).set(organizer.auth).expect(409);
      expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict', code: 'event.notEnded', status: 'published', endsAt: ahead.endsAt, params: { endsAt: ahead.endsAt, timezone: 'America/New_York' } });
      expect(res.body.message).toMatch(/ends at .*once it has ended/);
      expect((await t.http().get(api(`/events/${ahead.id}`)).set(organizer.auth)).body).toMatchObject({ status: 'published', completedAt: null });
      // Started an hour ago, ends in an hour: not yet either.
      const running = await createEvent(t, organizer, { startsAt: inDays(0, -1), endsAt: inDays(0, 1) });
      await publishEvent(t, organizer, running.id);
      expect((await t.http().post(api(`/events/${running.id}/complete`)).set(organizer.auth)).body.code).toBe('event.notEnded');
      // No outbox rows for article drafts were left by the refused completions.
      expect(await t.dataSource.query(`SELECT 1 FROM outbox WHERE job_name = 'article.generate' AND payload->>'eventId' = ANY($1)`, [[ahead.id, running.id]])).toEqual([]);
    });

    it('refuses transitions to leaders, staff, strangers (403), unknown ids (404), no token (401)', async () => {
      const e = await createEvent(t, organizer, { organizationId: child.id });
      expect((await t.http().post(api(`/events/${e.id}/publish`)).set(leader.auth)).status).toBe(403);
      expect((await t.http().post(api(`/events/${e.id}/cancel`)).set(staff.auth)).status).toBe(403);
      expect((await t.http().post(api(`/events/${e.id}/publish`)).set(stranger.auth)).status).toBe(403);
      expect((await t.http().post(api(`/events/${e.id}/publish`))).status).toBe(401);
      expect((await t.http().post(api('/events/7d3f3c86-5f1b-4c1e-9f2a-1d2b3c4d5e6f/publish')).set(organizer.auth)).status).toBe(404);
      expect((await t.http().get(api(`/events/${e.id}`)).set(organizer.auth)).body.status).toBe('draft');
    });
  });
});
