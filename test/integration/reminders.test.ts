import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { ReminderFireProcessor } from '../../src/invitations/reminders';
import { loginAdmin } from '../factories';
import { startTestApp, TestApp } from '../support/test-app';
import { ScriptedSmtp, toAddress, waitUntil } from './mail-smtp-support';

jest.setTimeout(180_000);

describe('reminders: BullMQ delayed jobs that follow the event', () => {
  let smtp: ScriptedSmtp;
  let t: TestApp;
  let events: Queue;

  beforeAll(async () => {
    smtp = await ScriptedSmtp.start();
    t = await startTestApp({ SMTP_URL: smtp.url }, { jobOptions: { attempts: 3, backoff: { type: 'exponential', delay: 100 } } });
    events = t.app.get<Queue>(getQueueToken('events'), { strict: false });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  /** A published open event starting `startInMs` from now, with a reminder `hours` before, and confirmed delegates. */
  async function event(startInMs: number, hours: number, delegates: string[]) {
    const admin = await loginAdmin(t);
    const org = await t.http().post('/api/v1/organizations').set(admin.auth).send({ name: `Công đoàn ${Date.now()}` }).expect(201);
    const start = Date.now() + startInMs;
    const ev = await t
      .http()
      .post('/api/v1/events')
      .set(admin.auth)
      .send({ title: 'Hội nghị nhắc lịch', titleEn: 'Reminder conference', kind: 'conference', organizationId: org.body.id, startsAt: new Date(start).toISOString(), endsAt: new Date(start + 3_600_000).toISOString(), registrationMode: 'open', reminderHoursBefore: hours })
      .expect(201);
    await t.http().post(`/api/v1/events/${ev.body.id}/publish`).set(admin.auth).expect(200);
    for (const email of delegates) await t.http().post(`/api/v1/events/${ev.body.id}/registrations`).set(admin.auth).send({ fullName: email.split('@')[0], email, language: 'en' }).expect(201);
    return { admin, id: ev.body.id as string, start };
  }

  const planned = async (eventId: string) => (await t.dataSource.query(`SELECT job_id AS "jobId", run_at AS "runAt" FROM event_reminder WHERE event_id = $1`, [eventId]))[0] as { jobId: string; runAt: Date } | undefined;

  it('fires for a near event and reaches its confirmed delegates', async () => {
    // Starts in 1 h + 4 s with a reminder 1 h before: due in about 4 s.
    const { id } = await event(3_600_000 + 4000, 1, ['soon1@td.test', 'soon2@td.test']);
    await waitUntil('the reminder is planned', async () => !!(await planned(id)), 30_000);
    await waitUntil('both reminders arrive', async () => (await smtp.messages()).filter((m) => m.subject === 'Reminder: Reminder conference').length === 2, 90_000);
    const reminders = (await smtp.messages()).filter((m) => m.subject === 'Reminder: Reminder conference');
    expect(reminders.map(toAddress).sort()).toEqual(['soon1@td.test', 'soon2@td.test']);
    expect(reminders[0].attachments.some((a) => a.contentType === 'text/calendar')).toBe(true);
  });

  it('moves with the event and vanishes when it is cancelled', async () => {
    const { admin, id, start } = await event(5 * 86_400_000, 24, ['later@td.test']);
    await waitUntil('the reminder is planned', async () => !!(await planned(id)), 30_000);
    const first = (await planned(id))!;
    expect(first.runAt.getTime()).toBe(start - 24 * 3_600_000);
    const job = await events.getJob(first.jobId);
    expect(await job?.getState()).toBe('delayed');
    expect(job!.timestamp + (job!.opts.delay ?? 0)).toBeGreaterThan(start - 24 * 3_600_000 - 5000);

    // Moved two days later: the old job is removed, a new one waits for the new start.
    const moved = start + 2 * 86_400_000;
    await t.http().patch(`/api/v1/events/${id}`).set(admin.auth).send({ startsAt: new Date(moved).toISOString(), endsAt: new Date(moved + 3_600_000).toISOString() }).expect(200);
    await waitUntil('the reminder is planned for the new start', async () => (await planned(id))?.jobId !== first.jobId, 30_000);
    const second = (await planned(id))!;
    expect(second.runAt.getTime()).toBe(moved - 24 * 3_600_000);
    expect(await events.getJob(first.jobId)).toBeUndefined();
    expect(await (await events.getJob(second.jobId))?.getState()).toBe('delayed');
    // The move also told the delegate, with the earlier time.
    await waitUntil('the change notice arrives', async () => (await smtp.messages()).some((m) => toAddress(m) === 'later@td.test' && m.subject === 'Schedule change: Reminder conference'), 60_000);

    await t.http().post(`/api/v1/events/${id}/cancel`).set(admin.auth).expect(200);
    await waitUntil('the reminder is dropped', async () => !(await planned(id)), 30_000);
    expect(await events.getJob(second.jobId)).toBeUndefined();
    await waitUntil('the cancellation notice arrives', async () => (await smtp.messages()).some((m) => toAddress(m) === 'later@td.test' && m.subject === 'Cancelled: Reminder conference'), 60_000);
    const cancel = (await smtp.messages()).find((m) => m.subject === 'Cancelled: Reminder conference')!;
    const ics = cancel.attachments.find((a) => a.contentType === 'text/calendar')!.content.toString('utf8');
    expect(ics).toContain('METHOD:CANCEL');
    expect(ics).toContain(`UID:${id}@trainingdesk`);
    // No QR code in a cancellation: the code is no longer valid.
    expect(cancel.attachments.some((a) => a.contentType === 'image/png')).toBe(false);
  });

  it('a reminder that fires for a moved or cancelled event checks the stored state and sends nothing', async () => {
    const { id, start } = await event(3 * 86_400_000, 24, ['stale@td.test']);
    const fire = t.app.get(ReminderFireProcessor);
    const ctx = { jobId: `reminders.fire-${id}-stale`, attempt: 1, isFinalAttempt: false, remember: async () => undefined };
    await fire.process({ eventId: id, startsAt: new Date(start - 3_600_000).toISOString(), hoursBefore: 24 }, ctx);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM invitation_batch WHERE event_id = $1 AND template = 'reminder'`, [id]);
    expect(n).toBe(0);
    // The same job for the current start sends one batch, and a second run of it none more.
    const current = { eventId: id, startsAt: new Date(start).toISOString(), hoursBefore: 24 };
    await fire.process(current, { ...ctx, jobId: `reminders.fire-${id}-now` });
    await fire.process(current, { ...ctx, jobId: `reminders.fire-${id}-now` });
    const [{ m }] = await t.dataSource.query(`SELECT count(*)::int AS m FROM invitation_batch WHERE event_id = $1 AND template = 'reminder'`, [id]);
    expect(m).toBe(1);
  });
});
