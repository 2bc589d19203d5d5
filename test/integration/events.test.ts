import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { createEvent, inDays, publishEvent } from '../factories/events';
import { startTestApp, TestApp } from '../support/test-app';

describe('events: time zones and lifecycle on the real database', () => {
  let t: TestApp;
  let organizer: Actor;

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await loginAdmin(t);
    const org = await createOrganization(t, admin, { name: 'LĐLĐ tỉnh Bình Dương' });
    organizer = await createActor(t, admin, 'organizer', org.id);
  });
  afterAll(async () => {
    await t?.close();
  });

  const stored = async (id: string) => (await t.dataSource.query('SELECT starts_at, ends_at, timezone FROM event WHERE id = $1', [id]))[0];

  describe('time zones', () => {
    it('stores a +07:00 time in UTC and shows it back in Z and in Ho Chi Minh time', async () => {
      const e = await createEvent(t, organizer, { startsAt: '2031-03-10T08:00:00+07:00', endsAt: '2031-03-10T17:30:00+07:00' });
      expect(e.startsAt).toBe('2031-03-10T01:00:00.000Z');
      expect(e.endsAt).toBe('2031-03-10T10:30:00.000Z');
      expect(e.startsAtLocal).toBe('2031-03-10T08:00:00+07:00');
      expect(e.endsAtLocal).toBe('2031-03-10T17:30:00+07:00');
      expect((await stored(e.id)).starts_at.toISOString()).toBe('2031-03-10T01:00:00.000Z');
      const again = await t.http().get(`/api/v1/events/${e.id}`).set(organizer.auth).expect(200);
      expect(again.body.startsAt).toBe('2031-03-10T01:00:00.000Z');
    });

    it('reads a wall time without offset in the given timezone', async () => {
      const e = await createEvent(t, organizer, { timezone: 'Asia/Ho_Chi_Minh', startsAt: '2031-03-10T08:00', endsAt: '2031-03-10T11:00:00' });
      expect(e.startsAt).toBe('2031-03-10T01:00:00.000Z');
      expect(e.endsAt).toBe('2031-03-10T04:00:00.000Z');
      expect(e.timezone).toBe('Asia/Ho_Chi_Minh');
    });

    it('shows an event in Europe/Paris in Paris time, winter and summer', async () => {
      const winter = await createEvent(t, organizer, { timezone: 'Europe/Paris', startsAt: '2031-01-15T09:00', endsAt: '2031-01-15T12:00' });
      expect(winter.startsAt).toBe('2031-01-15T08:00:00.000Z');
      expect(winter.startsAtLocal).toBe('2031-01-15T09:00:00+01:00');
      const summer = await createEvent(t, organizer, { timezone: 'Europe/Paris', startsAt: '2031-07-15T09:00:00+07:00', endsAt: '2031-07-15T12:00:00+07:00' });
      expect(summer.startsAt).toBe('2031-07-15T02:00:00.000Z');
      expect(summer.startsAtLocal).toBe('2031-07-15T04:00:00+02:00');
      expect((await stored(summer.id)).timezone).toBe('Europe/Paris');
    });

    it('keeps the instant when only the display zone changes', async () => {
      const e = await createEvent(t, organizer, { startsAt: '2031-03-10T08:00:00+07:00', endsAt: '2031-03-10T09:00:00+07:00' });
      const res = await t.http().patch(`/api/v1/events/${e.id}`).set(organizer.auth).send({ timezone: 'Europe/Paris' }).expect(200);
      expect(res.body.startsAt).toBe('2031-03-10T01:00:00.000Z');
      expect(res.body.startsAtLocal).toBe('2031-03-10T02:00:00+01:00');
    });

    it('refuses a time zone that is not IANA', async () => {
      const res = await t.http().post('/api/v1/events').set(organizer.auth).send({
        title: 'X', kind: 'training', organizationId: organizer.organizationId, registrationMode: 'open',
        startsAt: '2031-03-10T08:00:00+07:00', endsAt: '2031-03-10T09:00:00+07:00', timezone: 'GMT+7 Hanoi',
      });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.message)).toContain('timezone');
    });
  });

  describe('lifecycle', () => {
    const move = (id: string, action: string) => t.http().post(`/api/v1/events/${id}/${action}`).set(organizer.auth);
    /** Ended yesterday: an event is completed once it has ended. */
    const past = { startsAt: inDays(-1), endsAt: inDays(-1, 4) };

    it('allows draft → published → completed, and stamps each step', async () => {
      const e = await createEvent(t, organizer, past);
      const p = await move(e.id, 'publish');
      expect([p.status, p.body.status]).toEqual([200, 'published']);
      const c = await move(e.id, 'complete');
      expect([c.status, c.body.status]).toEqual([200, 'completed']);
      const row = (await t.dataSource.query('SELECT published_at, completed_at, cancelled_at FROM event WHERE id = $1', [e.id]))[0];
      expect(row.published_at).toBeInstanceOf(Date);
      expect(row.completed_at).toBeInstanceOf(Date);
      expect(row.cancelled_at).toBeNull();
    });

    it('allows cancel from draft and from published', async () => {
      const d = await createEvent(t, organizer);
      expect((await move(d.id, 'cancel')).body.status).toBe('cancelled');
      const p = await createEvent(t, organizer);
      await publishEvent(t, organizer, p.id);
      expect((await move(p.id, 'cancel')).body.status).toBe('cancelled');
    });

    it.each([
      ['draft', 'complete'],
      ['published', 'publish'],
      ['completed', 'publish'],
      ['completed', 'complete'],
      ['completed', 'cancel'],
      ['cancelled', 'publish'],
      ['cancelled', 'complete'],
      ['cancelled', 'cancel'],
    ])('refuses %s → %s with 409 and changes nothing', async (from, action) => {
      const e = await createEvent(t, organizer, past);
      const path: Record<string, string[]> = { draft: [], published: ['publish'], completed: ['publish', 'complete'], cancelled: ['cancel'] };
      for (const step of path[from]) await move(e.id, step).expect(200);
      const res = await move(e.id, action);
      expect(res.status).toBe(409);
      expect(res.body.status).toBe(from);
      expect((await t.dataSource.query('SELECT status FROM event WHERE id = $1', [e.id]))[0].status).toBe(from);
    });

    it('lets only one of concurrent transitions win (conditional UPDATE)', async () => {
      const e = await createEvent(t, organizer, past);
      await publishEvent(t, organizer, e.id);
      const results = await Promise.all([move(e.id, 'complete'), move(e.id, 'cancel'), move(e.id, 'complete'), move(e.id, 'cancel')]);
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      expect(results.filter((r) => r.status === 409)).toHaveLength(3);
      const winner = results.find((r) => r.status === 200)!;
      expect((await t.dataSource.query('SELECT status FROM event WHERE id = $1', [e.id]))[0].status).toBe(winner.body.status);
    });

    it('backs capacity with the database: confirmed_count can never exceed it', async () => {
      const e = await createEvent(t, organizer, { capacity: 3 });
      await expect(t.dataSource.query('UPDATE event SET confirmed_count = 4 WHERE id = $1', [e.id])).rejects.toMatchObject({ driverError: expect.objectContaining({ code: '23514' }) });
    });
  });
});
