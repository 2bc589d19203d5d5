import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { delegate, storm, waitUntil } from '../support/fault-load';
import { createPublishedEvent, delivery, Delivery, importRegistrations, register, Replicas, unknownMails, watchSenders } from '../support/replicas';

const migrationFiles = readdirSync(join(__dirname, '..', '..', 'migrations')).filter((f) => /\.(ts|js)$/.test(f));

/**
 * Issue 13 part 2: two `APP_ROLE=api` processes behind a round-robin split and two `APP_ROLE=worker`
 * processes on one PostgreSQL database and one Redis prefix, all started at the same moment on a
 * fresh database. Real processes, real SMTP; every mail is matched to its mail_message row by
 * Message-ID, so a copy sent twice (by either worker) or never is counted.
 */
describe('two api and two worker replicas on one PostgreSQL and one Redis', () => {
  let r: Replicas;
  let token: string;
  let startedInMs = 0;

  beforeAll(async () => {
    const t0 = Date.now();
    r = await Replicas.start({ apis: 2, workers: 2 });
    startedInMs = Date.now() - t0;
    token = await r.login();
  }, 180_000);

  // A test that fails midway still stops its watch (a running one would keep jest from exiting).
  let watch: ReturnType<typeof watchSenders> | undefined;
  afterEach(async () => {
    await watch?.stop();
    watch = undefined;
  });

  afterAll(async () => {
    for (const p of r?.all ?? []) if (!p.alive) console.error(`a process died during the tests\n${p.output()}`);
    await r?.stop();
  }, 60_000);

  const exactlyOnce = (d: Delivery): Delivery => ({ expected: d.expected, rows: d.expected, mails: d.expected, doubled: 0, lost: 0, stray: 0, unattributed: 0 });
  const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

  it('all four started at once on a fresh database: each migration ran exactly once, every process is up, one first admin', async () => {
    r.expectAllAlive();
    const migrations = await r.query<{ name: string }>('SELECT name FROM migrations');
    expect(migrations).toHaveLength(migrationFiles.length);
    expect(new Set(migrations.map((m) => m.name)).size).toBe(migrationFiles.length);
    expect(await r.query(`SELECT id FROM user_account WHERE role = 'admin'`)).toHaveLength(1);
    for (const api of r.apis) expect((await fetch(`${api.url}/health`)).status).toBe(200);
    // No process logged an error while they started together (a lost race shows as one).
    const errors = r.all.flatMap((p) => `${p.stdout}\n${p.stderr}`.split('\n').filter((l) => /"level":(50|60)|Error:|QueryFailedError/.test(l)));
    expect(errors).toEqual([]);
    console.log(`replicas start: ${r.all.length} processes at once, up in ${(startedInMs / 1000).toFixed(1)} s, ${migrations.length} migrations applied once each (${migrationFiles.length} files), 1 admin, 0 errors logged`);
  });

  it('a registration storm split round-robin across both apis confirms exactly the capacity; each delegate gets exactly one mail, sent by the two workers together', async () => {
    const capacity = 150;
    const total = 600;
    const eventId = await createPublishedEvent(r, token, { capacity, waitlist: true });
    watch = watchSenders(r);
    const t0 = Date.now();
    const turnBefore = r.turns;
    const answers = await storm(total, 50, async () => {
      const body = delegate();
      return { email: body.email, ...(await register(r, eventId, body)) };
    });
    const stormTime = seconds(t0);
    const requests = r.turns - turnBefore;
    const unavailable = answers.reduce((n, a) => n + a.unavailable, 0);
    // Every delegate is registered once: 201, or (its first attempt committed before a 503) 409 on the re-send.
    expect(answers.filter((a) => !(a.status === 201 || (a.status === 409 && a.unavailable > 0)))).toEqual([]);

    const stored = await r.query<{ id: string; email: string; status: string }>('SELECT id, email, status FROM registration WHERE event_id = $1', [eventId]);
    expect(stored).toHaveLength(total);
    expect(new Set(stored.map((x) => x.email))).toEqual(new Set(answers.map((a) => a.email)));
    const ids = (status: string) => stored.filter((x) => x.status === status).map((x) => x.id);
    expect(ids('confirmed')).toHaveLength(capacity);
    expect(ids('waitlisted')).toHaveLength(total - capacity);
    // What each 201 said is what was stored.
    const storedStatus = new Map(stored.map((x) => [x.id, x.status]));
    expect(answers.filter((a) => a.status === 201 && storedStatus.get(a.body.id) !== a.body.status)).toEqual([]);
    const [{ counter }] = await r.query<{ counter: number }>('SELECT confirmed_count AS counter FROM event WHERE id = $1', [eventId]);
    expect(counter).toBe(capacity);

    await r.waitQuiet();
    const sent = await watch.stop();
    const confirmedMail = await delivery(r, eventId, 'registration-confirmed', ids('confirmed'));
    const waitlistedMail = await delivery(r, eventId, 'registration-waitlisted', ids('waitlisted'));
    console.log(
      `replicas storm: requests ${requests} (${total} registrations round-robin over 2 apis, 50 at once, ${unavailable} answered 503 and re-sent, ${stormTime}), confirmed ${counter}/${capacity}, waitlisted ${ids('waitlisted').length}, ` +
        `mails ${confirmedMail.mails} confirmations + ${waitlistedMail.mails} waiting-list (all out ${seconds(t0)} after the first request), ` +
        `doubled ${confirmedMail.doubled + waitlistedMail.doubled}, lost ${confirmedMail.lost + waitlistedMail.lost}, sending workers ${sent.workers}/2`,
    );
    expect(confirmedMail).toEqual(exactlyOnce(confirmedMail));
    expect(waitlistedMail).toEqual(exactlyOnce(waitlistedMail));
    expect(await r.query(`SELECT id FROM mail_message WHERE event_id = $1 AND status <> 'sent'`, [eventId])).toEqual([]);
    // Both workers sent (neither stood by), and only workers: an api process never consumes jobs.
    expect(sent).toEqual({ workers: 2, apis: 0 });
    r.expectAllAlive();
  }, 150_000);

  it('an invitation batch is delivered exactly once per recipient across the two workers', async () => {
    const recipients = 250;
    const eventId = await createPublishedEvent(r, token, { registrationMode: 'invite_only' });
    const stamp = Date.now().toString(36);
    await importRegistrations(r, token, eventId, Array.from({ length: recipients }, (_, i) => ({ fullName: `Đại biểu ${i}`, email: `invited-${stamp}-${i}@test.local` })));
    const invited = (await r.query<{ id: string }>(`SELECT id FROM registration WHERE event_id = $1 AND status = 'invited'`, [eventId])).map((x) => x.id);
    expect(invited).toHaveLength(recipients);

    watch = watchSenders(r);
    const t0 = Date.now();
    const batch = await r.call('POST', `/api/v1/events/${eventId}/invitations`, {}, token);
    expect(batch.status).toBe(202);
    expect(batch.body.queued).toBe(recipients);
    await r.waitQuiet();
    const sent = await watch.stop();
    const progress = await r.call('GET', `/api/v1/invitation-batches/${batch.body.batchId}`, undefined, token);
    const d = await delivery(r, eventId, 'invitation', invited);
    console.log(`replicas invitations: requests 1 batch of ${recipients}, mails ${d.mails} (all out in ${seconds(t0)}), doubled ${d.doubled}, lost ${d.lost}, sending workers ${sent.workers}/2`);
    expect(progress.body).toMatchObject({ total: recipients, sent: recipients, failed: 0 });
    expect(d).toEqual(exactlyOnce(d));
    expect(sent).toEqual({ workers: 2, apis: 0 });
    r.expectAllAlive();
  }, 120_000);

  it('a reminder falling due while two workers run fires once: one reminder per confirmed registration, none to the waiting list', async () => {
    const capacity = 80;
    const total = 100;
    // Starts in 3 h with the reminder 1 h before: planned at publication, two hours away.
    const start = Date.now() + 3 * 3_600_000;
    const eventId = await createPublishedEvent(r, token, {
      capacity,
      waitlist: true,
      reminderHoursBefore: 1,
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(start + 3_600_000).toISOString(),
    });
    const answers = await storm(total, 20, () => register(r, eventId, delegate()));
    expect(answers.filter((a) => !(a.status === 201 || (a.status === 409 && a.unavailable > 0)))).toEqual([]);
    const confirmed = (await r.query<{ id: string }>(`SELECT id FROM registration WHERE event_id = $1 AND status = 'confirmed'`, [eventId])).map((x) => x.id);
    expect(confirmed).toHaveLength(capacity);
    await r.waitQuiet();
    const [first] = await r.query<{ jobId: string }>('SELECT job_id AS "jobId" FROM event_reminder WHERE event_id = $1', [eventId]);
    expect(first?.jobId).toMatch(/-1$/);

    // Three hours before a start three hours away: due now. Whichever worker plans it replaces the
    // delayed job; the new one runs at once, on one of the two.
    const t0 = Date.now();
    const patched = await r.call('PATCH', `/api/v1/events/${eventId}`, { reminderHoursBefore: 3 }, token);
    expect(patched.status).toBe(200);
    const reminderBatches = () => r.query(`SELECT id FROM invitation_batch WHERE event_id = $1 AND template = 'reminder'`, [eventId]);
    await waitUntil('the reminder batch is written', async () => (await reminderBatches()).length > 0, 60_000);
    await r.waitQuiet();
    const batches = await reminderBatches();
    const [planned] = await r.query<{ jobId: string }>('SELECT job_id AS "jobId" FROM event_reminder WHERE event_id = $1', [eventId]);
    const d = await delivery(r, eventId, 'reminder', confirmed);
    console.log(
      `replicas reminders: requests ${total} registrations + 1 change, confirmed ${confirmed.length}, reminder batches ${batches.length}, ` +
        `mails ${d.mails} (all out ${seconds(t0)} after the change), doubled ${d.doubled}, lost ${d.lost}, to the waiting list ${d.stray}`,
    );
    expect(batches).toHaveLength(1);
    expect(planned.jobId).toMatch(/-3$/);
    expect(d).toEqual(exactlyOnce(d));
    // Every mail the SMTP server got in this file belongs to a row of this database.
    expect(await unknownMails(r)).toBe(0);
    r.expectAllAlive();
  }, 120_000);
});
