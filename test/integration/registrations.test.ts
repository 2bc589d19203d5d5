import { DataSource } from 'typeorm';
import { isConnectionLost } from '../../src/database/connection-errors';
import { ConflictError } from '../../src/http/domain-errors';
import { PERSONAL_LINK_PLACEHOLDER } from '../../src/registrations/personal-links';
import { RegistrationsService } from '../../src/registrations/registrations.service';
import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { createPublishedEvent, EventFields } from '../factories/events';
import { delegateFields } from '../factories/registrations';
import { startTestApp, TestApp } from '../support/test-app';

/** Real PostgreSQL: capacity under concurrency, waitlist promotion, mails in the same transaction. */
describe('registrations (real PostgreSQL)', () => {
  let t: TestApp;
  let db: DataSource;
  let service: RegistrationsService;
  let organizer: Actor;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.dataSource;
    service = t.app.get(RegistrationsService);
    const admin = await loginAdmin(t);
    const org = await createOrganization(t, admin);
    organizer = await createActor(t, admin, 'organizer', org.id);
  });
  afterAll(async () => {
    await t?.close();
  });

  const event = (fields: Partial<EventFields>) => createPublishedEvent(t, organizer, fields);
  const counts = async (eventId: string) => {
    const [row] = await db.query(
      `SELECT e.confirmed_count AS counter,
              (SELECT count(*)::int FROM registration r WHERE r.event_id = e.id AND r.status = 'confirmed' AND r.role = 'delegate') AS confirmed,
              (SELECT count(*)::int FROM registration r WHERE r.event_id = e.id AND r.status = 'waitlisted') AS waitlisted
         FROM event e WHERE e.id = $1`,
      [eventId],
    );
    return row as { counter: number; confirmed: number; waitlisted: number };
  };
  const mailAndJobCount = async (): Promise<{ m: number; o: number }> =>
    (await db.query(`SELECT count(*)::int AS m, (SELECT count(*)::int FROM outbox) AS o FROM mail_message`))[0];
  // A registrant told to come back (the 503 with Retry-After of a request that waited longer than
  // the pool's 10 s for a connection: 300 at once on 20 connections, on a machine whose cores are
  // busy with other tests) asks again, as a client does; any other refusal is their answer.
  const registerAsClient = async (eventId: string) => {
    const fields = delegateFields();
    for (let attempt = 1; ; attempt++) {
      try {
        return await service.register(undefined, eventId, fields);
      } catch (err) {
        if (attempt >= 5 || !isConnectionLost(err)) throw err;
        await new Promise((resolve) => setTimeout(resolve, 500 + Math.random() * 1500));
      }
    }
  };
  const settle = (n: number, eventId: string) => Promise.allSettled(Array.from({ length: n }, () => registerAsClient(eventId)));

  it('300 simultaneous self-registrations for 50 seats confirm exactly 50; the other 250 get 409', async () => {
    const ev = await event({ capacity: 50 });
    const mailsBefore = await mailAndJobCount();
    const results = await settle(300, ev.id);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(50);
    expect(refused).toHaveLength(250);
    // Every refusal is the 409 (a failure of another kind is shown by its message).
    expect(refused.filter((r) => !(r.reason instanceof ConflictError)).map((r) => `${(r.reason as Error)?.constructor?.name}: ${(r.reason as Error)?.message}`)).toEqual([]);
    expect(await counts(ev.id)).toEqual({ counter: 50, confirmed: 50, waitlisted: 0 });
    // Refused registrations left nothing behind: neither rows nor mails.
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM registration WHERE event_id = $1`, [ev.id]);
    expect(n).toBe(50);
    // Requests that lost the race wrote their confirmation before the seat and rolled it back with it.
    const mailsAfter = await mailAndJobCount();
    expect({ m: mailsAfter.m - mailsBefore.m, o: mailsAfter.o - mailsBefore.o }).toEqual({ m: 50, o: 50 });
  });

  it('with a waiting list, 300 simultaneous registrations for 50 seats give 50 confirmed and 250 waitlisted', async () => {
    const ev = await event({ capacity: 50, waitlist: true });
    const results = await settle(300, ev.id);
    expect(results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => `${(r.reason as Error)?.constructor?.name}: ${(r.reason as Error)?.message}`)).toEqual([]);
    const statuses = results.map((r) => (r as PromiseFulfilledResult<{ status: string }>).value.status);
    expect(statuses.filter((s) => s === 'confirmed')).toHaveLength(50);
    expect(statuses.filter((s) => s === 'waitlisted')).toHaveLength(250);
    expect(await counts(ev.id)).toEqual({ counter: 50, confirmed: 50, waitlisted: 250 });
  });

  it('cancellations racing new registrations keep the count equal to the confirmed delegates and promote the oldest waiting first', async () => {
    const ev = await event({ capacity: 20, waitlist: true });
    const confirmed = [];
    for (let i = 0; i < 20; i++) confirmed.push(await service.register(undefined, ev.id, delegateFields()));
    const waiting = [];
    for (let i = 0; i < 30; i++) waiting.push(await service.register(undefined, ev.id, delegateFields()));
    expect(waiting.every((w) => w.status === 'waitlisted')).toBe(true);

    const orgUser = { id: organizer.id, email: organizer.email, fullName: 'x', role: 'organizer' as const, organizationId: organizer.organizationId };
    const cancels = confirmed.slice(0, 15).map((r) => service.cancel(orgUser, r.id));
    // Cancelling the same registration twice at once must not free two seats.
    const doubleCancels = confirmed.slice(0, 5).map((r) => service.cancel(orgUser, r.id));
    const newcomers = Array.from({ length: 10 }, () => service.register(undefined, ev.id, delegateFields()));
    await Promise.all([...cancels, ...doubleCancels, ...newcomers]);

    expect(await counts(ev.id)).toEqual({ counter: 20, confirmed: 20, waitlisted: 25 });
    // The 15 freed seats went to the 15 oldest of the waiting list, each told in a mail written with the change.
    const promoted: { id: string }[] = await db.query(
      `SELECT id FROM registration WHERE event_id = $1 AND status = 'confirmed' AND waitlisted_at IS NOT NULL`,
      [ev.id],
    );
    expect(promoted.map((p) => p.id).sort()).toEqual(waiting.slice(0, 15).map((w) => w.id).sort());
    const [{ mails, jobs }] = await db.query(
      `SELECT count(*)::int AS mails,
              (SELECT count(*)::int FROM outbox o WHERE o.payload->>'messageId' IN (SELECT m.id::text FROM mail_message m WHERE m.kind = 'waitlist-promotion' AND m.registration_id = ANY($1))) AS jobs
         FROM mail_message WHERE kind = 'waitlist-promotion' AND registration_id = ANY($1)`,
      [promoted.map((p) => p.id)],
    );
    expect(mails).toBe(15);
    expect(jobs).toBe(15);
  });

  it('writes the confirmation mail and its outbox row in the registration transaction; a refused registration writes none', async () => {
    const ev = await event({ capacity: 2 });
    const fields = delegateFields({ language: 'en' });
    const r = await service.register(undefined, ev.id, fields);
    const mails: { id: string; kind: string; html: string }[] = await db.query(`SELECT id, kind, html FROM mail_message WHERE registration_id = $1`, [r.id]);
    expect(mails).toHaveLength(1);
    expect(mails[0].kind).toBe('registration-confirmed');
    // The link's token is never stored: the row holds a placeholder that the sender fills with the current link.
    expect(mails[0].html).not.toContain(r.token);
    expect(mails[0].html).toContain(`/r/${PERSONAL_LINK_PLACEHOLDER}`);
    expect(mails[0].html).toContain(r.code);
    const outbox = await db.query(`SELECT job_name FROM outbox WHERE payload->>'messageId' = $1`, [mails[0].id]);
    expect(outbox).toEqual([{ job_name: 'mail.send' }]);

    // Same e-mail again: rolled back at the insert, no mail, no job.
    const before = await mailAndJobCount();
    await expect(service.register(undefined, ev.id, { ...fields, email: fields.email.toUpperCase() })).rejects.toThrow(/already registered/);
    expect(await mailAndJobCount()).toEqual(before);
  });
});
