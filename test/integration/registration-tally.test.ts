import { DataSource } from 'typeorm';
import type { AuthUser } from '../../src/auth/auth-user';
import { ReportsRepository } from '../../src/reports/reports.repository';
import { FOLD_TALLY_SURPLUS, ReportsService } from '../../src/reports/reports.service';
import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { createPublishedEvent, createSession } from '../factories/events';
import { checkIn, register } from '../factories/registrations';
import { startTestApp, TestApp } from '../support/test-app';

const admin: AuthUser = { id: '00000000-0000-0000-0000-000000000001', email: 'a@test.local', fullName: 'Admin', role: 'admin', organizationId: null };

type Group = { event_id: string; organization_id: string | null; role: string; status: string; n: number; c: number };

/**
 * registration_tally (migrations/1764409000000-RegistrationTally.ts) is what the event report
 * counts: per event and (unit, role, status), its rows must always sum to what counting the
 * registrations gives — through inserts, updates of every counted column, deletes, cascades, bulk
 * statements, check-ins and their undo, concurrent writers, and folds (alone, concurrent, racing writes).
 */
describe('the registration tally (real PostgreSQL)', () => {
  let t: TestApp;
  let db: DataSource;
  let organizer: Actor;
  let staff: Actor;
  let units: string[];
  let reports: ReportsService;
  let repository: ReportsRepository;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.dataSource;
    reports = t.app.get(ReportsService);
    repository = t.app.get(ReportsRepository);
    const a = await loginAdmin(t);
    const root = await createOrganization(t, a);
    units = [root.id];
    for (let i = 0; i < 3; i++) units.push((await createOrganization(t, a, { parentId: root.id })).id);
    organizer = await createActor(t, a, 'organizer', root.id);
    staff = await createActor(t, a, 'staff', root.id);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Counting the registrations themselves, the truth. */
  const truth = (eventIds: string[]): Promise<Group[]> =>
    db.query(
      `SELECT event_id, organization_id, role, status, count(*)::int AS n, count(*) FILTER (WHERE checked_in)::int AS c
         FROM registration WHERE event_id = ANY($1) GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
      [eventIds],
    );
  /** The tally's sums (groups that sum to nothing are not there). */
  const tally = (eventIds: string[]): Promise<Group[]> =>
    db.query(
      `SELECT event_id, organization_id, role, status, sum(registrations)::int AS n, sum(checked_in)::int AS c
         FROM registration_tally WHERE event_id = ANY($1) GROUP BY 1, 2, 3, 4 HAVING sum(registrations) <> 0 OR sum(checked_in) <> 0 ORDER BY 1, 2, 3, 4`,
      [eventIds],
    );
  const rows = async (eventId: string): Promise<number> => (await db.query(`SELECT count(*)::int AS n FROM registration_tally WHERE event_id = $1`, [eventId]))[0].n;
  async function expectExact(eventIds: string[]): Promise<void> {
    const expected = await truth(eventIds);
    expect(expected.length).toBeGreaterThan(0);
    expect(await tally(eventIds)).toEqual(expected);
  }

  it('inserts, updates of status, role, unit and the mark, bulk statements and deletes keep every group exact; other updates write nothing', async () => {
    const ev = await createPublishedEvent(t, organizer);
    const people = [];
    for (let i = 0; i < 6; i++) people.push(await register(t, ev.id, { organizationId: units[i % units.length] }, organizer));
    await expectExact([ev.id]);

    // A column the tally does not count: no row written.
    const before = await rows(ev.id);
    await db.query(`UPDATE registration SET phone = '0900000000', updated_at = now() WHERE event_id = $1`, [ev.id]);
    expect(await rows(ev.id)).toBe(before);

    await db.query(`UPDATE registration SET status = 'cancelled', cancelled_at = now() WHERE id = $1`, [people[0].id]);
    await db.query(`UPDATE registration SET role = 'guest' WHERE id = $1`, [people[1].id]);
    await db.query(`UPDATE registration SET organization_id = $2 WHERE id = $1`, [people[2].id, units[3]]);
    await db.query(`UPDATE registration SET organization_id = NULL WHERE id = $1`, [people[3].id]);
    // Several counted columns of several rows in one statement.
    await db.query(`UPDATE registration SET status = 'declined', declined_at = now(), role = 'press', organization_id = $2 WHERE id = ANY($1)`, [[people[4].id, people[5].id], units[1]]);
    await expectExact([ev.id]);

    await db.query(`DELETE FROM registration WHERE id = $1`, [people[4].id]);
    await expectExact([ev.id]);
  });

  it('check-ins through the desk, session scans, undo and TRUNCATE check_in move the checked-in figures exactly', async () => {
    const ev = await createPublishedEvent(t, organizer);
    const s1 = await createSession(t, organizer, ev);
    const people = [];
    for (let i = 0; i < 5; i++) people.push(await register(t, ev.id, { organizationId: units[i % 2] }, organizer));
    const door = await checkIn(t, staff, ev.id, { code: people[0].code });
    expect(door.status).toBe(201);
    expect((await checkIn(t, staff, ev.id, { code: people[0].code })).status).toBe(200);
    expect((await checkIn(t, staff, ev.id, { code: people[1].code, sessionId: s1.id })).status).toBe(201);
    expect((await checkIn(t, staff, ev.id, { code: people[2].code })).status).toBe(201);
    await expectExact([ev.id]);
    expect((await reports.eventReport(admin, ev.id)).totals).toMatchObject({ confirmed: 5, checkedIn: 3 });

    await t.http().delete(`/api/v1/check-ins/${door.body.checkIn.id}`).set(organizer.auth).expect(204);
    await expectExact([ev.id]);
    expect((await reports.eventReport(admin, ev.id)).totals).toMatchObject({ confirmed: 5, checkedIn: 2 });

    await db.query(`TRUNCATE check_in`);
    await expectExact([ev.id]);
    expect((await reports.eventReport(admin, ev.id)).totals).toMatchObject({ confirmed: 5, checkedIn: 0 });
  });

  it('deleting an event (a cascade through its registrations) leaves none of its rows, and no error', async () => {
    const ev = await createPublishedEvent(t, organizer);
    await register(t, ev.id, { organizationId: units[1] }, organizer);
    expect(await rows(ev.id)).toBeGreaterThan(0);
    await db.query(`DELETE FROM event WHERE id = $1`, [ev.id]);
    expect(await rows(ev.id)).toBe(0);
  });

  it('concurrent registrations, check-ins and folds: exact, and the report agrees', async () => {
    const ev = await createPublishedEvent(t, organizer);
    const people = await Promise.all(Array.from({ length: 40 }, (_, i) => register(t, ev.id, { organizationId: units[i % units.length] }, organizer)));
    const folds: Promise<unknown>[] = [];
    await Promise.all(
      people.map(async (p, i) => {
        if (i % 4 === 0) folds.push(repository.foldTally(ev.id));
        if (i % 3 !== 0) expect((await checkIn(t, staff, ev.id, { code: p.code })).status).toBe(201);
      }),
    );
    await Promise.all(folds);
    await expectExact([ev.id]);
    const report = await reports.eventReport(admin, ev.id);
    const checked = people.filter((_, i) => i % 3 !== 0).length;
    expect(report.totals).toMatchObject({ confirmed: 40, checkedIn: checked, confirmedDelegates: 40, checkedInDelegates: checked });
    expect(report.byOrganization.find((o) => o.organizationId === units[0])).toMatchObject({ confirmed: 40, checkedIn: checked });
  });

  it('two folds at once, racing writes, count nothing twice and leave one row per group', async () => {
    const ev = await createPublishedEvent(t, organizer);
    // One statement per registration (each its own delta row), in one round trip.
    await db.query(
      `DO $$ BEGIN FOR i IN 1..300 LOOP
         INSERT INTO registration (event_id, full_name, email, role, status, source, token_hash, code, organization_id)
         VALUES ('${ev.id}', 'Đại biểu ' || i, 'fold-' || i || '@test.local', CASE WHEN i % 7 = 0 THEN 'official' ELSE 'delegate' END, 'confirmed', 'import',
                 decode(md5('a' || i || '${ev.id}') || md5('b' || i), 'hex'), 'F' || lpad(upper(to_hex(i)), 5, '0') || upper(substr(md5('${ev.id}'), 1, 4)),
                 ('{${units.join(',')}}'::uuid[])[1 + i % ${units.length}]);
       END LOOP; END $$`,
    );
    expect(await rows(ev.id)).toBe(300);
    const groups = (await truth([ev.id])).length;
    const [a, b] = await Promise.all([
      repository.foldTally(ev.id),
      repository.foldTally(ev.id),
      db.query(`UPDATE registration SET checked_in = true WHERE event_id = $1 AND email LIKE 'fold-1%'`, [ev.id]),
    ]);
    // Each delta row was deleted by exactly one of the folds.
    expect(a.deleted + b.deleted).toBeGreaterThanOrEqual(300);
    await expectExact([ev.id]);
    await repository.foldTally(ev.id);
    expect(await rows(ev.id)).toBe(groups);
    await expectExact([ev.id]);
  });

  it(`a report that reads more than ${FOLD_TALLY_SURPLUS} surplus rows folds them in the background; its figures stay the same`, async () => {
    const ev = await createPublishedEvent(t, organizer);
    const n = FOLD_TALLY_SURPLUS + 200;
    await db.query(
      `DO $$ BEGIN FOR i IN 1..${n} LOOP
         INSERT INTO registration (event_id, full_name, email, role, status, source, token_hash, code, organization_id)
         VALUES ('${ev.id}', 'Đại biểu ' || i, 'bg-' || i || '@test.local', 'delegate', CASE WHEN i % 5 = 0 THEN 'declined' ELSE 'confirmed' END, 'import',
                 decode(md5('c' || i || '${ev.id}') || md5('d' || i), 'hex'), 'G' || lpad(upper(to_hex(i)), 5, '0') || upper(substr(md5('${ev.id}'), 1, 4)),
                 ('{${units.join(',')}}'::uuid[])[1 + i % ${units.length}]);
       END LOOP; END $$`,
    );
    const groups = (await truth([ev.id])).length;
    expect(await rows(ev.id)).toBe(n);
    const first = await reports.eventReport(admin, ev.id);
    expect(first.totals).toMatchObject({ confirmed: n - Math.floor(n / 5), declined: Math.floor(n / 5) });
    const deadline = Date.now() + 20_000;
    while ((await rows(ev.id)) > groups && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await rows(ev.id)).toBe(groups);
    expect(await reports.eventReport(admin, ev.id)).toEqual(first);
    await expectExact([ev.id]);

    // Few surplus rows: no fold (a report does not write for nothing).
    await register(t, ev.id, { organizationId: units[0] }, organizer);
    const unfolded = await rows(ev.id);
    expect(unfolded).toBeGreaterThan(groups);
    await reports.eventReport(admin, ev.id);
    await new Promise((r) => setTimeout(r, 200));
    expect(await rows(ev.id)).toBe(unfolded);
  });
});
