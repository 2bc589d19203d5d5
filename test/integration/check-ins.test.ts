import { DataSource } from 'typeorm';
import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { createPublishedEvent, createSession } from '../factories/events';
import { checkIn, register } from '../factories/registrations';
import { startTestApp, TestApp } from '../support/test-app';

/** Real PostgreSQL: a check-in is recorded once whatever the concurrency. */
describe('check-ins under concurrency (real PostgreSQL)', () => {
  let t: TestApp;
  let db: DataSource;
  let organizer: Actor;
  let staff: Actor;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.dataSource;
    const admin = await loginAdmin(t);
    const org = await createOrganization(t, admin);
    organizer = await createActor(t, admin, 'organizer', org.id);
    staff = await createActor(t, admin, 'staff', org.id);
  });
  afterAll(async () => {
    await t?.close();
  });

  const rowsFor = async (registrationId: string) =>
    db.query(`SELECT id, session_id FROM check_in WHERE registration_id = $1`, [registrationId]) as Promise<{ id: string; session_id: string | null }[]>;

  it('10 simultaneous scans of one code make one check-in; one answer is 201, nine are 200 duplicates of it', async () => {
    const ev = await createPublishedEvent(t, organizer);
    const r = await register(t, ev.id);
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => checkIn(t, i % 2 ? staff : organizer, ev.id, { code: r.code })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const rows = await rowsFor(r.id);
    expect(rows).toHaveLength(1);
    for (const a of answers) expect(a.body.checkIn.id).toBe(rows[0].id);
    expect(answers.filter((a) => a.body.duplicate)).toHaveLength(9);
  });

  it('the same code at the door and at two sessions makes three check-ins, each once, even when scanned at once', async () => {
    const ev = await createPublishedEvent(t, organizer);
    const s1 = await createSession(t, organizer, ev);
    const s2 = await createSession(t, organizer, ev, { startsAt: new Date(new Date(ev.startsAt).getTime() + 3_600_000).toISOString(), endsAt: new Date(new Date(ev.startsAt).getTime() + 7_200_000).toISOString() });
    const r = await register(t, ev.id);
    const bodies = [undefined, s1.id, s2.id].flatMap((sessionId) => Array.from({ length: 5 }, () => ({ code: r.code, ...(sessionId ? { sessionId } : {}) })));
    const answers = await Promise.all(bodies.map((b) => checkIn(t, staff, ev.id, b)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(3);
    const rows = await rowsFor(r.id);
    expect(rows.map((x) => x.session_id).sort()).toEqual([s1.id, s2.id, null].sort());
  });

  it('a retried scan with the same nonce gets the original answer back; an offline scan keeps its scan time', async () => {
    const ev = await createPublishedEvent(t, organizer);
    const r = await register(t, ev.id);
    const scannedAt = new Date(Date.now() - 3_600_000).toISOString();
    const first = await checkIn(t, staff, ev.id, { code: r.code, nonce: 'scanner-1:42', scannedAt });
    const retry = await checkIn(t, staff, ev.id, { code: r.code, nonce: 'scanner-1:42', scannedAt });
    const other = await checkIn(t, staff, ev.id, { code: r.code, nonce: 'scanner-2:7' });
    expect([first.status, first.body.duplicate]).toEqual([201, false]);
    expect([retry.status, retry.body.duplicate, retry.body.checkIn.id]).toEqual([201, false, first.body.checkIn.id]);
    expect([other.status, other.body.duplicate, other.body.checkIn.id]).toEqual([200, true, first.body.checkIn.id]);
    expect(first.body.checkIn.checkedInAt).toBe(scannedAt);
    const [row] = await db.query(`SELECT nonce, checked_in_by_id FROM check_in WHERE id = $1`, [first.body.checkIn.id]);
    expect(row).toEqual({ nonce: 'scanner-1:42', checked_in_by_id: staff.id });
  });
});
