import { PERSONAL_LINK_PLACEHOLDER } from '../../src/registrations/personal-links';
import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { createPublishedEvent, createSession } from '../factories/events';
import { register } from '../factories/registrations';
import { startTestApp, TestApp } from '../support/test-app';

describe('delegate self-service by token (contract)', () => {
  let t: TestApp;
  let organizer: Actor;

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await loginAdmin(t);
    const org = await createOrganization(t, admin);
    organizer = await createActor(t, admin, 'organizer', org.id);
  });
  afterAll(async () => {
    await t?.close();
  });

  const pub = (token: string, rest = '') => `/api/v1/public/registrations/${token}${rest}`;

  it('GET returns the registration with event, sessions, code, qrSvgUrl and icsUrl, all reachable by the token', async () => {
    const ev = await createPublishedEvent(t, organizer, { titleEn: 'Union skills training' });
    const s = await createSession(t, organizer, ev, { title: 'Khai mạc' });
    const r = await register(t, ev.id, { language: 'en' });
    const res = await t.http().get(pub(r.token));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: r.id, status: 'confirmed', code: r.code, event: { id: ev.id, title: ev.title }, sessions: [{ id: s.id, title: 'Khai mạc' }] });
    const path = (u: string) => new URL(u).pathname;
    const qr = await t.http().get(path(res.body.qrSvgUrl));
    expect(qr.status).toBe(200);
    expect(qr.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(String(qr.text ?? qr.body)).toContain('<svg');
    const ics = await t.http().get(path(res.body.icsUrl));
    expect(ics.status).toBe(200);
    expect(ics.headers['content-type']).toMatch(/^text\/calendar/);
    expect(ics.text).toContain('SUMMARY:Union skills training');
    expect(ics.text).toContain('BEGIN:VEVENT');
  });

  it('an unknown or malformed token → 404 (also for the QR and calendar)', async () => {
    for (const path of [pub('A'.repeat(43)), pub('x'), pub('A'.repeat(43), '/qr.svg'), pub('A'.repeat(43), '/event.ics')]) {
      expect((await t.http().get(path)).status).toBe(404);
    }
    expect((await t.http().post(pub('A'.repeat(43), '/cancel'))).status).toBe(404);
  });

  it('invited delegates accept (confirmed with a mail, or waitlisted when full); a decline hands the seat to the waiting one', async () => {
    const ev = await createPublishedEvent(t, organizer, { registrationMode: 'invite_only', capacity: 1, waitlist: true });
    const a = await register(t, ev.id, {}, organizer);
    const b = await register(t, ev.id, {}, organizer);
    expect([a.status, b.status]).toEqual(['invited', 'invited']);
    const acceptA = await t.http().post(pub(a.token, '/rsvp')).send({ accept: true });
    expect([acceptA.status, acceptA.body.status]).toEqual([200, 'confirmed']);
    const mails = await t.dataSource.query(`SELECT kind, html FROM mail_message WHERE registration_id = $1`, [a.id]);
    expect(mails).toEqual([{ kind: 'registration-confirmed', html: expect.stringContaining(`/r/${PERSONAL_LINK_PLACEHOLDER}`) }]);
    const acceptB = await t.http().post(pub(b.token, '/rsvp')).send({ accept: true });
    expect(acceptB.body.status).toBe('waitlisted');
    // A declines: B gets the seat.
    const declineA = await t.http().post(pub(a.token, '/rsvp')).send({ accept: false });
    expect(declineA.body.status).toBe('declined');
    const [row] = await t.dataSource.query(`SELECT status FROM registration WHERE id = $1`, [b.id]);
    expect(row.status).toBe('confirmed');
    const [e] = await t.dataSource.query(`SELECT confirmed_count FROM event WHERE id = $1`, [ev.id]);
    expect(e.confirmed_count).toBe(1);
    // Answering the same again changes nothing.
    expect((await t.http().post(pub(a.token, '/rsvp')).send({ accept: false })).body.status).toBe('declined');
  });

  it('a full invite-only event without a waiting list refuses an acceptance with 409', async () => {
    const ev = await createPublishedEvent(t, organizer, { registrationMode: 'invite_only', capacity: 1 });
    const a = await register(t, ev.id, {}, organizer);
    const b = await register(t, ev.id, {}, organizer);
    await t.http().post(pub(a.token, '/rsvp')).send({ accept: true }).expect(200);
    const res = await t.http().post(pub(b.token, '/rsvp')).send({ accept: true });
    expect(res.status).toBe(409);
    expect(res.body.message).toContain('full');
    expect((await t.http().post(pub(b.token, '/rsvp')).send({ accept: 'yes' })).status).toBe(400);
    expect((await t.http().post(pub(b.token, '/rsvp')).send({})).body.message).toEqual(['accept must be true or false']);
  });

  it('POST cancel → 200 cancelled; the seat goes to the first waiting delegate; cancelling again changes nothing; answering after is 409', async () => {
    const ev = await createPublishedEvent(t, organizer, { capacity: 1, waitlist: true });
    const a = await register(t, ev.id);
    const b = await register(t, ev.id);
    const res = await t.http().post(pub(a.token, '/cancel'));
    expect([res.status, res.body.status]).toEqual([200, 'cancelled']);
    expect((await t.http().post(pub(a.token, '/cancel'))).status).toBe(200);
    expect((await t.http().post(pub(a.token, '/rsvp')).send({ accept: true })).status).toBe(409);
    const [row] = await t.dataSource.query(`SELECT status FROM registration WHERE id = $1`, [b.id]);
    expect(row.status).toBe('confirmed');
    const [e] = await t.dataSource.query(`SELECT confirmed_count FROM event WHERE id = $1`, [ev.id]);
    expect(e.confirmed_count).toBe(1);
    // The promotion notice is written; the link B already has keeps working (it is not replaced).
    const mails = await t.dataSource.query(`SELECT html FROM mail_message WHERE registration_id = $1 AND kind = 'waitlist-promotion'`, [b.id]);
    expect(mails).toHaveLength(1);
    expect((await t.http().get(pub(b.token))).body.status).toBe('confirmed');
  });
});
