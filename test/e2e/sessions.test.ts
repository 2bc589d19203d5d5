import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { createEvent, createSession, createSpeaker, EventBody } from '../factories/events';
import { startTestApp, TestApp } from '../support/test-app';

describe('sessions API', () => {
  let t: TestApp;
  let organizer: Actor;
  let leader: Actor;
  let staff: Actor;
  let stranger: Actor;
  let event: EventBody;
  const unknown = '7d3f3c86-5f1b-4c1e-9f2a-1d2b3c4d5e6f';

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await loginAdmin(t);
    const root = await createOrganization(t, admin, { name: 'LĐLĐ tỉnh' });
    const other = await createOrganization(t, admin, { name: 'Tỉnh khác' });
    organizer = await createActor(t, admin, 'organizer', root.id);
    leader = await createActor(t, admin, 'leader', root.id);
    staff = await createActor(t, admin, 'staff', root.id);
    stranger = await createActor(t, admin, 'organizer', other.id);
    event = await createEvent(t, organizer, { title: 'Hội nghị', startsAt: '2031-09-01T07:30:00+07:00', endsAt: '2031-09-01T17:00:00+07:00' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (a: Actor | null, eventId: string, body: object) => {
    const r = t.http().post(`/api/v1/events/${eventId}/sessions`);
    return (a ? r.set(a.auth) : r).send(body);
  };
  const at = (hhmm: string) => `2031-09-01T${hhmm}:00+07:00`;

  it('POST creates a session with speakers and roles (201), times in Z and local', async () => {
    const p = await createSpeaker(t, organizer, { fullName: 'Nguyễn Văn A', honorific: 'đồng chí' });
    const m = await createSpeaker(t, organizer, { fullName: 'Trần Thị B' });
    const res = await post(organizer, event.id, {
      title: 'Khai mạc', topic: 'Pháp luật lao động', description: 'Phát biểu khai mạc', room: 'Hội trường A',
      startsAt: at('08:00'), endsAt: at('08:30'), speakers: [{ speakerId: p.id }, { speakerId: m.id, role: 'moderator' }],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      eventId: event.id, title: 'Khai mạc', room: 'Hội trường A', startsAt: '2031-09-01T01:00:00.000Z', endsAt: '2031-09-01T01:30:00.000Z',
      startsAtLocal: '2031-09-01T08:00:00+07:00', position: 0,
      speakers: [
        { speakerId: p.id, fullName: 'Nguyễn Văn A', honorific: 'đồng chí', role: 'presenter' },
        { speakerId: m.id, fullName: 'Trần Thị B', role: 'moderator' },
      ],
    });
  });

  it('POST refuses times outside the event with 400 naming startsAt or endsAt', async () => {
    const early = await post(organizer, event.id, { title: 'X', startsAt: at('07:00'), endsAt: at('08:00'), speakers: [] });
    expect(early.status).toBe(400);
    expect(early.body.message).toMatch(/^startsAt must be within the event's time/);
    const late = await post(organizer, event.id, { title: 'X', startsAt: at('16:30'), endsAt: at('17:30'), speakers: [] });
    expect(late.status).toBe(400);
    expect(late.body.message).toMatch(/^endsAt must be within/);
    const order = await post(organizer, event.id, { title: 'X', startsAt: at('10:00'), endsAt: at('09:00'), speakers: [] });
    expect(order.status).toBe(400);
    expect(order.body.message).toContain('endsAt');
  });

  it('POST refuses bad bodies with 400: unknown field, bad role, missing speakers, duplicate speaker', async () => {
    const s = await createSpeaker(t, organizer);
    const base = { title: 'X', startsAt: at('09:00'), endsAt: at('10:00') };
    expect((await post(organizer, event.id, { ...base, speakers: [], color: 'red' })).status).toBe(400);
    const role = await post(organizer, event.id, { ...base, speakers: [{ speakerId: s.id, role: 'chair' }] });
    expect(role.status).toBe(400);
    expect(JSON.stringify(role.body.message)).toContain('speakers[0].role');
    expect((await post(organizer, event.id, base)).status).toBe(400);
    const dup = await post(organizer, event.id, { ...base, speakers: [{ speakerId: s.id }, { speakerId: s.id, role: 'moderator' }] });
    expect(dup.status).toBe(400);
    expect(dup.body.message).toContain('speakers');
    expect((await post(organizer, event.id, { ...base, speakers: [{ speakerId: unknown }] })).status).toBe(404);
  });

  it('POST 409 for a speaker in an overlapping session, naming it', async () => {
    const s = await createSpeaker(t, organizer, { fullName: 'Võ Văn Trùng' });
    await createSession(t, organizer, event, { title: 'Chuyên đề 1', startsAt: at('13:00'), endsAt: at('14:00'), speakers: [{ speakerId: s.id }] });
    const other = await createEvent(t, organizer, { title: 'Sự kiện khác', startsAt: at('07:00'), endsAt: at('18:00') });
    const res = await post(organizer, other.id, { title: 'Y', startsAt: at('13:30'), endsAt: at('14:30'), speakers: [{ speakerId: s.id }] });
    expect(res.status).toBe(409);
    expect(res.body.message).toContain('"Chuyên đề 1" of "Hội nghị"');
  });

  it('POST refuses leaders, staff and strangers (403), no token (401), unknown event (404); cancelled event 409', async () => {
    const body = { title: 'X', startsAt: at('09:00'), endsAt: at('10:00'), speakers: [] };
    expect((await post(leader, event.id, body)).status).toBe(403);
    expect((await post(staff, event.id, body)).status).toBe(403);
    expect((await post(stranger, event.id, body)).status).toBe(403);
    expect((await post(null, event.id, body)).status).toBe(401);
    expect((await post(organizer, unknown, body)).status).toBe(404);
    const gone = await createEvent(t, organizer);
    await t.http().post(`/api/v1/events/${gone.id}/cancel`).set(organizer.auth).expect(200);
    expect((await post(organizer, gone.id, { ...body, startsAt: gone.startsAt, endsAt: gone.endsAt })).status).toBe(409);
  });

  it('GET lists the agenda by time then position, with speakers, for leaders and staff; 403 stranger, 401, 404', async () => {
    const e = await createEvent(t, organizer, { startsAt: at('08:00'), endsAt: at('12:00') });
    const sp = await createSpeaker(t, organizer, { fullName: 'Đặng Văn Đông', honorific: 'PGS.TS.' });
    await createSession(t, organizer, e, { title: 'Ba', startsAt: at('10:00'), endsAt: at('11:00') });
    await createSession(t, organizer, e, { title: 'Hai-b', startsAt: at('09:00'), endsAt: at('10:00'), position: 2 });
    await createSession(t, organizer, e, { title: 'Hai-a', startsAt: at('09:00'), endsAt: at('10:00'), position: 1, speakers: [{ speakerId: sp.id, role: 'moderator' }] });
    await createSession(t, organizer, e, { title: 'Một', startsAt: at('08:00'), endsAt: at('09:00') });
    const res = await t.http().get(`/api/v1/events/${e.id}/sessions`).set(staff.auth).expect(200);
    expect(res.body.map((s: any) => s.title)).toEqual(['Một', 'Hai-a', 'Hai-b', 'Ba']);
    expect(res.body[1].speakers).toEqual([{ speakerId: sp.id, fullName: 'Đặng Văn Đông', honorific: 'PGS.TS.', position: null, affiliation: null, role: 'moderator' }]);
    expect((await t.http().get(`/api/v1/events/${e.id}/sessions`).set(leader.auth)).status).toBe(200);
    expect((await t.http().get(`/api/v1/events/${e.id}/sessions`).set(stranger.auth)).status).toBe(403);
    expect((await t.http().get(`/api/v1/events/${e.id}/sessions`)).status).toBe(401);
    expect((await t.http().get(`/api/v1/events/${unknown}/sessions`).set(organizer.auth)).status).toBe(404);
  });

  it('PATCH changes fields and replaces speakers (200); 400 outside the event; 403/401/404', async () => {
    const s = await createSession(t, organizer, event, { title: 'Cũ', startsAt: at('15:00'), endsAt: at('15:30') });
    const sp = await createSpeaker(t, organizer);
    const res = await t.http().patch(`/api/v1/sessions/${s.id}`).set(organizer.auth).send({ title: 'Mới', room: 'P.201', endsAt: at('16:00'), speakers: [{ speakerId: sp.id }] }).expect(200);
    expect(res.body).toMatchObject({ title: 'Mới', room: 'P.201', endsAt: '2031-09-01T09:00:00.000Z' });
    expect(res.body.speakers.map((x: any) => x.speakerId)).toEqual([sp.id]);
    const cleared = await t.http().patch(`/api/v1/sessions/${s.id}`).set(organizer.auth).send({ speakers: [] }).expect(200);
    expect(cleared.body.speakers).toEqual([]);
    const outside = await t.http().patch(`/api/v1/sessions/${s.id}`).set(organizer.auth).send({ endsAt: at('18:00') });
    expect(outside.status).toBe(400);
    expect(outside.body.message).toContain('endsAt');
    expect((await t.http().patch(`/api/v1/sessions/${s.id}`).set(organizer.auth).send({ eventId: unknown })).status).toBe(400);
    expect((await t.http().patch(`/api/v1/sessions/${s.id}`).set(organizer.auth).send({ title: null })).status).toBe(400);
    expect((await t.http().patch(`/api/v1/sessions/${s.id}`).set(leader.auth).send({ title: 'x' })).status).toBe(403);
    expect((await t.http().patch(`/api/v1/sessions/${s.id}`).set(stranger.auth).send({ title: 'x' })).status).toBe(403);
    expect((await t.http().patch(`/api/v1/sessions/${s.id}`).send({ title: 'x' })).status).toBe(401);
    expect((await t.http().patch(`/api/v1/sessions/${unknown}`).set(organizer.auth).send({ title: 'x' })).status).toBe(404);
  });

  it('PATCH of the event refuses new times that would leave sessions outside (409)', async () => {
    const e = await createEvent(t, organizer, { startsAt: at('08:00'), endsAt: at('12:00') });
    await createSession(t, organizer, e, { startsAt: at('11:00'), endsAt: at('12:00') });
    const res = await t.http().patch(`/api/v1/events/${e.id}`).set(organizer.auth).send({ endsAt: at('11:30') });
    expect(res.status).toBe(409);
    expect(res.body.sessionsOutside).toBe(1);
  });

  it('DELETE removes a session (204) and frees its speakers; 403/401/404', async () => {
    const sp = await createSpeaker(t, organizer);
    const s = await createSession(t, organizer, event, { startsAt: at('16:00'), endsAt: at('16:30'), speakers: [{ speakerId: sp.id }] });
    expect((await t.http().delete(`/api/v1/sessions/${s.id}`).set(leader.auth)).status).toBe(403);
    expect((await t.http().delete(`/api/v1/sessions/${s.id}`).set(stranger.auth)).status).toBe(403);
    expect((await t.http().delete(`/api/v1/sessions/${s.id}`)).status).toBe(401);
    expect((await t.http().delete(`/api/v1/sessions/${s.id}`).set(organizer.auth)).status).toBe(204);
    expect((await t.http().delete(`/api/v1/sessions/${s.id}`).set(organizer.auth)).status).toBe(404);
    await createSession(t, organizer, event, { startsAt: at('16:00'), endsAt: at('16:30'), speakers: [{ speakerId: sp.id }] });
  });
});
