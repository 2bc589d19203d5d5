import { DataSource } from 'typeorm';
import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { createPublishedEvent, EventFields } from '../factories/events';
import { register } from '../factories/registrations';
import { startTestApp, TestApp } from '../support/test-app';

/** Real PostgreSQL: every change of seats moves the waiting list, in set-based statements. */
describe('waitlist follows every change of seats (real PostgreSQL)', () => {
  let t: TestApp;
  let db: DataSource;
  let organizer: Actor;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.dataSource;
    const admin = await loginAdmin(t);
    organizer = await createActor(t, admin, 'organizer', (await createOrganization(t, admin)).id);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** An event with `confirmed` confirmed delegates and `waiting` waiting ones (ids in waiting order). */
  const eventWith = async (confirmed: number, waiting: number, fields: Partial<EventFields> = {}) => {
    const ev = await createPublishedEvent(t, organizer, { capacity: confirmed, waitlist: true, ...fields });
    for (let i = 0; i < confirmed; i++) await register(t, ev.id);
    const queue: string[] = [];
    for (let i = 0; i < waiting; i++) {
      const r = await register(t, ev.id);
      expect(r.status).toBe('waitlisted');
      queue.push(r.id);
    }
    return { ev, queue };
  };
  const patch = (id: string, body: Record<string, unknown>) => t.http().patch(`/api/v1/events/${id}`).set(organizer.auth).send(body);
  const statusOf = async (ids: string[]) =>
    (await db.query(`SELECT id, status FROM registration WHERE id = ANY($1)`, [ids])).reduce((m: Record<string, string>, r: { id: string; status: string }) => ({ ...m, [r.id]: r.status }), {});
  const counter = async (id: string) => (await db.query(`SELECT confirmed_count AS c, (SELECT count(*)::int FROM registration WHERE event_id = $1 AND status = 'confirmed' AND role = 'delegate') AS n FROM event WHERE id = $1`, [id]))[0];
  const mails = async (ids: string[], kind: string) =>
    (await db.query(`SELECT m.registration_id AS id FROM mail_message m JOIN outbox o ON o.payload->>'messageId' = m.id::text WHERE m.kind = $2 AND m.registration_id = ANY($1)`, [ids, kind])).map((r: { id: string }) => r.id).sort();

  it('raising the capacity confirms the first waiting delegates up to it, each told in a mail queued with the change', async () => {
    const { ev, queue } = await eventWith(2, 5);
    const res = await patch(ev.id, { capacity: 5 }).expect(200);
    expect(res.body.confirmedCount).toBe(5);
    const s = await statusOf(queue);
    expect(queue.map((id) => s[id])).toEqual(['confirmed', 'confirmed', 'confirmed', 'waitlisted', 'waitlisted']);
    expect(await counter(ev.id)).toEqual({ c: 5, n: 5 });
    expect(await mails(queue, 'waitlist-promotion')).toEqual(queue.slice(0, 3).sort());
    // Removing the limit confirms everyone still waiting.
    await patch(ev.id, { capacity: null }).expect(200);
    expect(Object.values(await statusOf(queue))).toEqual(Array(5).fill('confirmed'));
    expect(await counter(ev.id)).toEqual({ c: 7, n: 7 });
  });

  it('switching the waiting list off ends the remaining waits and tells each delegate; seats added at once go first', async () => {
    const { ev, queue } = await eventWith(1, 4);
    await patch(ev.id, { capacity: 2, waitlist: false }).expect(200);
    const s = await statusOf(queue);
    expect(queue.map((id) => s[id])).toEqual(['confirmed', 'cancelled', 'cancelled', 'cancelled']);
    expect(await mails(queue, 'waitlist-promotion')).toEqual([queue[0]]);
    expect(await mails(queue, 'waitlist-closed')).toEqual(queue.slice(1).sort());
    expect(await counter(ev.id)).toEqual({ c: 2, n: 2 });
    const [{ waiting }] = await db.query(`SELECT count(*)::int AS waiting FROM registration WHERE event_id = $1 AND status = 'waitlisted'`, [ev.id]);
    expect(waiting).toBe(0);
  });

  it('an edit that changes no seats moves nobody', async () => {
    const { ev, queue } = await eventWith(1, 2);
    await patch(ev.id, { venue: 'Hội trường B', capacity: 1 }).expect(200);
    expect(Object.values(await statusOf(queue))).toEqual(['waitlisted', 'waitlisted']);
  });

  it('promotes with the same number of statements for 3 or 40 waiting delegates', async () => {
    const statements = async (waiting: number) => {
      const { ev, queue } = await eventWith(1, waiting);
      const spy = jest.spyOn(db.logger, 'logQuery');
      try {
        await patch(ev.id, { capacity: 1 + waiting }).expect(200);
        // The update's own transaction: the query runner that ran the promotion (the relay polls beside it).
        const runner = spy.mock.calls.find(([sql]) => sql.includes('promoted AS'))?.[2];
        expect(runner).toBeDefined();
        return spy.mock.calls.filter((c) => c[2] === runner).length;
      } finally {
        spy.mockRestore();
        expect(Object.values(await statusOf(queue)).every((st) => st === 'confirmed')).toBe(true);
      }
    };
    const few = await statements(3);
    const many = await statements(40);
    expect(many).toBe(few);
    expect(few).toBeLessThan(20);
  });
});
