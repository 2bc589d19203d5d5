import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../src/auth/auth-user';
import { ReportsService } from '../../src/reports/reports.service';
import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { createPublishedEvent, createSession } from '../factories/events';
import { checkIn, register } from '../factories/registrations';
import { startTestApp, TestApp } from '../support/test-app';

const admin: AuthUser = { id: '00000000-0000-0000-0000-000000000001', email: 'a@test.local', fullName: 'Admin', role: 'admin', organizationId: null };

/**
 * registration.checked_in (migrations/1764407000000-RegistrationCheckedIn.ts) is what the reports
 * count: it must equal "at least one check-in exists" through every way check-ins come and go —
 * the desk's scans, sessions, undo, cascades, bulk statements, and an undo racing a scan.
 */
describe('the checked-in mark on registrations (real PostgreSQL)', () => {
  let t: TestApp;
  let db: DataSource;
  let organizer: Actor;
  let staff: Actor;
  let reports: ReportsService;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.dataSource;
    reports = t.app.get(ReportsService);
    const a = await loginAdmin(t);
    const org = await createOrganization(t, a);
    organizer = await createActor(t, a, 'organizer', org.id);
    staff = await createActor(t, a, 'staff', org.id);
  });
  afterAll(async () => {
    await t?.close();
  });

  const mark = async (registrationId: string): Promise<{ checked_in: boolean; truth: boolean }> =>
    (await db.query(`SELECT r.checked_in, EXISTS (SELECT 1 FROM check_in c WHERE c.registration_id = r.id) AS truth FROM registration r WHERE r.id = $1`, [registrationId]))[0];
  const undo = (checkInId: string) => t.http().delete(`/api/v1/check-ins/${checkInId}`).set(organizer.auth).expect(204);

  it('a door scan marks the registration; a second scan and session scans keep it; undoing all but one keeps it; undoing the last clears it', async () => {
    const ev = await createPublishedEvent(t, organizer);
    const s1 = await createSession(t, organizer, ev);
    const r = await register(t, ev.id);
    const other = await register(t, ev.id);
    expect(await mark(r.id)).toEqual({ checked_in: false, truth: false });

    const door = await checkIn(t, staff, ev.id, { code: r.code });
    expect(door.status).toBe(201);
    expect(await mark(r.id)).toEqual({ checked_in: true, truth: true });
    expect((await checkIn(t, staff, ev.id, { code: r.code })).status).toBe(200);
    const session = await checkIn(t, staff, ev.id, { code: r.code, sessionId: s1.id });
    expect(session.status).toBe(201);
    expect((await reports.eventReport(admin, ev.id)).totals).toMatchObject({ confirmed: 2, checkedIn: 1 });

    await undo(door.body.checkIn.id);
    expect(await mark(r.id)).toEqual({ checked_in: true, truth: true });
    await undo(session.body.checkIn.id);
    expect(await mark(r.id)).toEqual({ checked_in: false, truth: false });
    expect(await mark(other.id)).toEqual({ checked_in: false, truth: false });
    expect((await reports.eventReport(admin, ev.id)).totals).toMatchObject({ confirmed: 2, checkedIn: 0 });
  });

  it('a session check-in alone marks the registration; deleting the session (a cascade) clears it', async () => {
    const ev = await createPublishedEvent(t, organizer);
    const s1 = await createSession(t, organizer, ev);
    const r = await register(t, ev.id);
    expect((await checkIn(t, staff, ev.id, { code: r.code, sessionId: s1.id })).status).toBe(201);
    expect(await mark(r.id)).toEqual({ checked_in: true, truth: true });
    await db.query(`DELETE FROM session WHERE id = $1`, [s1.id]);
    expect(await mark(r.id)).toEqual({ checked_in: false, truth: false });
  });

  it('one statement inserting and one deleting many check-ins set exactly their registrations; a registration with a check-in left stays marked', async () => {
    const ev = await createPublishedEvent(t, organizer);
    const s1 = await createSession(t, organizer, ev);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await register(t, ev.id)).id);
    // Door check-ins for the first four, a session check-in too for the first two, in one statement.
    await db.query(
      `INSERT INTO check_in (event_id, registration_id, session_id, checked_in_at)
       SELECT $1::uuid, id, NULL::uuid, now() FROM unnest($2::uuid[]) AS id UNION ALL SELECT $1::uuid, id, $3::uuid, now() FROM unnest($4::uuid[]) AS id`,
      [ev.id, ids.slice(0, 4), s1.id, ids.slice(0, 2)],
    );
    expect(await Promise.all(ids.map(async (id) => (await mark(id)).checked_in))).toEqual([true, true, true, true, false, false]);
    // Every door check-in of the event at once: the first two keep their session check-in.
    await db.query(`DELETE FROM check_in WHERE event_id = $1 AND session_id IS NULL`, [ev.id]);
    for (const id of ids) {
      const m = await mark(id);
      expect(m.checked_in).toBe(m.truth);
    }
    expect(await Promise.all(ids.map(async (id) => (await mark(id)).checked_in))).toEqual([true, true, false, false, false, false]);
  });

  describe('an undo racing a scan of the same registration (two connections, the order forced by locks)', () => {
    let a: Client;
    let b: Client;
    beforeEach(async () => {
      a = new Client({ connectionString: t.config.databaseUrl });
      b = new Client({ connectionString: t.config.databaseUrl });
      await a.connect();
      await b.connect();
    });
    afterEach(async () => {
      await a.end();
      await b.end();
    });

    const backendPid = async (client: Client): Promise<number> => (await client.query(`SELECT pg_backend_pid() AS pid`)).rows[0].pid;
    /** Waits until backend `pid` waits for a lock (the statement sent to it is blocked by the other connection). */
    async function waitUntilWaiting(pid: number): Promise<void> {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const [row] = await db.query(`SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1`, [pid]);
        if (row?.wait_event_type === 'Lock') return;
        if (Date.now() > deadline) throw new Error('the second statement never waited for the first');
        await new Promise((r) => setTimeout(r, 20));
      }
    }

    async function checkedInAtDoor(): Promise<{ eventId: string; sessionId: string; registrationId: string; doorId: string }> {
      const ev = await createPublishedEvent(t, organizer);
      const s1 = await createSession(t, organizer, ev);
      const r = await register(t, ev.id);
      const door = await checkIn(t, staff, ev.id, { code: r.code });
      expect(door.status).toBe(201);
      return { eventId: ev.id, sessionId: s1.id, registrationId: r.id, doorId: door.body.checkIn.id };
    }

    it('the scan first (uncommitted), then the undo of the only other check-in: the mark stays', async () => {
      const x = await checkedInAtDoor();
      const pidA = await backendPid(a);
      await b.query('BEGIN');
      await b.query(`INSERT INTO check_in (event_id, registration_id, session_id, checked_in_at) VALUES ($1, $2, $3, now())`, [x.eventId, x.registrationId, x.sessionId]);
      const undoing = a.query(`DELETE FROM check_in WHERE id = $1`, [x.doorId]);
      await waitUntilWaiting(pidA);
      await b.query('COMMIT');
      await undoing;
      expect(await mark(x.registrationId)).toEqual({ checked_in: true, truth: true });
    });

    it('the undo first (uncommitted), then a scan: the mark is set again', async () => {
      const x = await checkedInAtDoor();
      const pidB = await backendPid(b);
      await a.query('BEGIN');
      await a.query(`DELETE FROM check_in WHERE id = $1`, [x.doorId]);
      const scanning = b.query(`INSERT INTO check_in (event_id, registration_id, session_id, checked_in_at) VALUES ($1, $2, $3, now())`, [x.eventId, x.registrationId, x.sessionId]);
      await waitUntilWaiting(pidB);
      await a.query('COMMIT');
      await scanning;
      expect(await mark(x.registrationId)).toEqual({ checked_in: true, truth: true });
    });

    it('a REPEATABLE READ transaction may not clear a mark (its snapshot could miss a concurrent scan): refused, nothing deleted', async () => {
      const x = await checkedInAtDoor();
      await a.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await expect(a.query(`DELETE FROM check_in WHERE id = $1`, [x.doorId])).rejects.toMatchObject({ code: '0A000' });
      await a.query('ROLLBACK');
      expect(await mark(x.registrationId)).toEqual({ checked_in: true, truth: true });
    });
  });

  it('TRUNCATE check_in clears every mark', async () => {
    const ev = await createPublishedEvent(t, organizer);
    const r = await register(t, ev.id);
    expect((await checkIn(t, staff, ev.id, { code: r.code })).status).toBe(201);
    await db.query(`TRUNCATE check_in`);
    expect(await mark(r.id)).toEqual({ checked_in: false, truth: false });
    expect((await db.query(`SELECT count(*)::int AS n FROM registration WHERE checked_in`))[0].n).toBe(0);
  });
});
