import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { createEvent, createPublishedEvent, createSession } from '../factories/events';
import { checkIn, register } from '../factories/registrations';
import { startTestApp, TestApp } from '../support/test-app';

describe('check-in API (contract)', () => {
  let t: TestApp;
  let organizer: Actor;
  let staff: Actor;
  let leader: Actor;
  let strangerStaff: Actor;

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await loginAdmin(t);
    const org = await createOrganization(t, admin);
    const other = await createOrganization(t, admin);
    organizer = await createActor(t, admin, 'organizer', org.id);
    staff = await createActor(t, admin, 'staff', org.id);
    leader = await createActor(t, admin, 'leader', org.id);
    strangerStaff = await createActor(t, admin, 'staff', other.id);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('by code typed from paper (lower case, spaces, O for 0, I for 1) → 201; again → 200 duplicate with the first check-in', async () => {
    const ev = await createPublishedEvent(t, organizer);
    const r = await register(t, ev.id);
    const typed = r.code.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'i');
    const first = await checkIn(t, staff, ev.id, { code: typed });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      checkIn: { id: expect.any(String), registrationId: r.id, sessionId: null, checkedInAt: expect.stringMatching(/Z$/) },
      registration: expect.objectContaining({ id: r.id, fullName: r.fullName, status: 'confirmed', code: r.code }),
      duplicate: false,
    });
    const again = await checkIn(t, staff, ev.id, { registrationId: r.id });
    expect([again.status, again.body.duplicate, again.body.checkIn]).toEqual([200, true, first.body.checkIn]);
  });

  it('per session: the session must belong to the event; stats count the door and each session', async () => {
    const ev = await createPublishedEvent(t, organizer);
    const s = await createSession(t, organizer, ev, { title: 'Khai mạc' });
    const otherEvent = await createPublishedEvent(t, organizer);
    const foreign = await createSession(t, organizer, otherEvent);
    const [a, b, c] = [await register(t, ev.id), await register(t, ev.id), await register(t, ev.id)];
    expect((await checkIn(t, staff, ev.id, { code: a.code })).status).toBe(201);
    expect((await checkIn(t, staff, ev.id, { code: a.code, sessionId: s.id })).status).toBe(201);
    expect((await checkIn(t, staff, ev.id, { code: b.code, sessionId: s.id })).status).toBe(201);
    expect((await checkIn(t, staff, ev.id, { code: c.code, sessionId: foreign.id })).status).toBe(404);
    const stats = await t.http().get(`/api/v1/events/${ev.id}/check-ins/stats`).set(leader.auth);
    expect(stats.status).toBe(200);
    expect(stats.body).toEqual({ expected: 3, expectedDelegates: 3, checkedIn: 2, bySession: [{ sessionId: s.id, title: 'Khai mạc', startsAt: s.startsAt, checkedIn: 2 }] });
  });

  it('unknown code → 404; a code of another event → 404; not confirmed → 409 with its status; draft or cancelled event → 409', async () => {
    const ev = await createPublishedEvent(t, organizer, { capacity: 1, waitlist: true });
    const other = await createPublishedEvent(t, organizer);
    const foreign = await register(t, other.id);
    await register(t, ev.id);
    const waiting = await register(t, ev.id);
    expect((await checkIn(t, staff, ev.id, { code: 'ZZZZ-ZZZZ-ZZ' })).status).toBe(404);
    expect((await checkIn(t, staff, ev.id, { code: 'not a code' })).status).toBe(404);
    expect((await checkIn(t, staff, ev.id, { code: foreign.code })).status).toBe(404);
    const res = await checkIn(t, staff, ev.id, { code: waiting.code });
    expect([res.status, res.body.status]).toEqual([409, 'waitlisted']);
    const draft = await createEvent(t, organizer);
    const d = await register(t, draft.id, {}, organizer);
    expect((await checkIn(t, staff, draft.id, { code: d.code })).status).toBe(409);
    const cancelled = await createPublishedEvent(t, organizer);
    const x = await register(t, cancelled.id);
    await t.http().post(`/api/v1/events/${cancelled.id}/cancel`).set(organizer.auth).expect(200);
    const refused = await checkIn(t, staff, cancelled.id, { code: x.code });
    expect([refused.status, refused.body.eventStatus]).toEqual([409, 'cancelled']);
  });

  it('400: neither or both of code and registrationId, a scan time far in the future, a bad nonce, unknown fields', async () => {
    const ev = await createPublishedEvent(t, organizer);
    const r = await register(t, ev.id);
    expect((await checkIn(t, staff, ev.id, {})).status).toBe(400);
    expect((await checkIn(t, staff, ev.id, { code: r.code, registrationId: r.id })).status).toBe(400);
    const future = await checkIn(t, staff, ev.id, { code: r.code, scannedAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect([future.status, future.body.message]).toEqual([400, expect.stringContaining('scannedAt')]);
    expect((await checkIn(t, staff, ev.id, { code: r.code, scannedAt: 'yesterday' })).body.message).toEqual([expect.stringContaining('scannedAt')]);
    expect((await checkIn(t, staff, ev.id, { code: r.code, nonce: 'x'.repeat(101) })).status).toBe(400);
    expect((await checkIn(t, staff, ev.id, { code: r.code, extra: true })).status).toBe(400);
    expect((await checkIn(t, staff, ev.id, { code: r.code, sessionId: 'x' })).body.message).toEqual(['sessionId must be a UUID']);
  });

  it('a JSON null code or registrationId counts as not given: null alone → 400 naming code, null beside the other → checks in', async () => {
    const ev = await createPublishedEvent(t, organizer);
    const r = await register(t, ev.id);
    const alone = await checkIn(t, staff, ev.id, { code: null });
    expect([alone.status, alone.body.message]).toEqual([400, expect.stringContaining('code')]);
    expect((await checkIn(t, staff, ev.id, { code: null, registrationId: r.id })).status).toBe(201);
    expect((await checkIn(t, staff, ev.id, { code: r.code, registrationId: null })).status).toBe(200);
  });

  it('401 without a token; a leader may not check in (403); a stranger’s staff is refused (403); unknown event → 404', async () => {
    const ev = await createPublishedEvent(t, organizer);
    const r = await register(t, ev.id);
    expect((await t.http().post(`/api/v1/events/${ev.id}/check-ins`).send({ code: r.code })).status).toBe(401);
    expect((await checkIn(t, leader, ev.id, { code: r.code })).status).toBe(403);
    expect((await checkIn(t, strangerStaff, ev.id, { code: r.code })).status).toBe(403);
    expect((await t.http().get(`/api/v1/events/${ev.id}/check-ins/stats`).set(strangerStaff.auth)).status).toBe(403);
    expect((await checkIn(t, staff, '00000000-0000-4000-8000-000000000000', { code: r.code })).status).toBe(404);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM check_in WHERE registration_id = $1`, [r.id]);
    expect(n).toBe(0);
  });

  it('DELETE /check-ins/:id: organizer undoes → 204, then the code checks in anew; staff → 403; unknown → 404', async () => {
    const ev = await createPublishedEvent(t, organizer);
    const r = await register(t, ev.id);
    const first = await checkIn(t, staff, ev.id, { code: r.code });
    const id = first.body.checkIn.id;
    expect((await t.http().delete(`/api/v1/check-ins/${id}`).set(staff.auth)).status).toBe(403);
    expect((await t.http().delete(`/api/v1/check-ins/${id}`)).status).toBe(401);
    expect((await t.http().delete(`/api/v1/check-ins/${id}`).set(organizer.auth)).status).toBe(204);
    expect((await t.http().delete(`/api/v1/check-ins/${id}`).set(organizer.auth)).status).toBe(404);
    const again = await checkIn(t, staff, ev.id, { code: r.code });
    expect([again.status, again.body.duplicate]).toEqual([201, false]);
    expect(again.body.checkIn.id).not.toBe(id);
  });
});
