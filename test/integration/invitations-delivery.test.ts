import { InvitationsService } from '../../src/invitations/invitations.service';
import { startTestApp, TestApp } from '../support/test-app';
import { eventWithInvited, mailStatuses, personalToken, ScriptedSmtp, toAddress, waitUntil } from './mail-smtp-support';

// Short retries: five attempts, 100 ms doubling, with jitter.
const JOB_OPTIONS = { attempts: 5, backoff: { type: 'exponential', delay: 100, jitter: 0.5 } };

jest.setTimeout(240_000);

describe('invitation batches delivered through the queue to a real SMTP server', () => {
  let smtp: ScriptedSmtp;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await ScriptedSmtp.start();
    t = await startTestApp({ SMTP_URL: smtp.url, MAIL_FROM: 'TrainingDesk <no-reply@td.test>' }, { jobOptions: JOB_OPTIONS });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });
  beforeEach(() => {
    smtp.clear();
    smtp.tempFailFirst = 0;
    smtp.reject = () => false;
  });

  it('a batch of 200 arrives exactly once each, in each recipient language, with the .ics and the inline QR code, and each link opens that delegate page', async () => {
    const { admin, eventId } = await eventWithInvited(t, 200);
    const started = Date.now();
    const res = await t.http().post(`/api/v1/events/${eventId}/invitations`).set(admin.auth).send({}).expect(202);
    expect(res.body.queued).toBe(200);
    // The request only selects: it answers long before the mails are rendered and sent.
    expect(Date.now() - started).toBeLessThan(5000);

    const mails = await smtp.waitFor(200);
    await waitUntil('the batch reports 100 %', async () => (await t.http().get(`/api/v1/invitation-batches/${res.body.batchId}`).set(admin.auth).expect(200)).body.percent === 100);
    expect((await t.http().get(`/api/v1/invitation-batches/${res.body.batchId}`).set(admin.auth)).body).toMatchObject({ total: 200, queued: 0, sending: 0, sent: 200, failed: 0, done: true });
    expect(smtp.count).toBe(200);
    const addresses = mails.map(toAddress);
    expect(new Set(addresses).size).toBe(200);

    const db = new Map<string, { language: string; full_name: string; code: string }>(
      (await t.dataSource.query(`SELECT lower(email) AS email, language, full_name, code FROM registration WHERE event_id = $1`, [eventId])).map((r: any) => [r.email, r]),
    );
    for (const mail of mails) {
      const r = db.get(toAddress(mail))!;
      expect(mail.subject).toBe(r.language === 'en' ? 'Invitation: Union skills training' : 'Thư mời: Tập huấn kỹ năng công đoàn');
      expect(String(mail.html)).toContain(`lang="${r.language}"`);
      expect(mail.text).toContain(r.language === 'en' ? `Dear ${r.full_name},` : `Kính gửi ${r.full_name},`);
      // Invite-only: accept and decline links (pages with one button), never a state change by GET.
      expect(mail.text).toMatch(/\/r\/[A-Za-z0-9_-]+\/accept/);
      const ics = mail.attachments.find((a) => a.contentType === 'text/calendar');
      expect(ics?.content.toString('utf8')).toContain(`UID:${eventId}@trainingdesk`);
      expect(ics?.content.toString('utf8')).toMatch(/SEQUENCE:\d+/);
      const qr = mail.attachments.find((a) => a.contentType === 'image/png');
      expect(qr?.cid).toBeTruthy();
      expect(String(mail.html)).toContain(`cid:${qr!.cid}`);
      expect(qr!.content.subarray(1, 4).toString()).toBe('PNG');
      expect(mail.text).toContain(`${r.code.slice(0, 4)}-${r.code.slice(4, 8)}-${r.code.slice(8)}`);
    }
    // The link of three mails opens that delegate's own registration.
    for (const mail of [mails[0], mails[99], mails[199]]) {
      const page = await t.http().get(`/api/v1/public/registrations/${personalToken(mail)}`).expect(200);
      expect(page.body.email.toLowerCase()).toBe(toAddress(mail));
    }
    expect(await mailStatuses(t.dataSource, res.body.batchId)).toEqual({ sent: 200 });
    const [{ n }] = await t.dataSource.query(`SELECT count(DISTINCT message_id)::int AS n FROM mail_message WHERE batch_id = $1`, [res.body.batchId]);
    expect(n).toBe(200);
  });

  it('a server that refuses the first attempts with 421 still gets every message after retries', async () => {
    const { admin, eventId } = await eventWithInvited(t, 10);
    smtp.tempFailFirst = 12;
    const res = await t.http().post(`/api/v1/events/${eventId}/invitations`).set(admin.auth).send({}).expect(202);
    await smtp.waitFor(10);
    await waitUntil('every message is recorded sent', async () => (await mailStatuses(t.dataSource, res.body.batchId)).sent === 10);
    expect(smtp.refused421).toBeGreaterThanOrEqual(12);
    const got = await smtp.messages();
    expect(new Set(got.map(toAddress)).size).toBe(10);
    expect(got).toHaveLength(10);
    const [{ retried }] = await t.dataSource.query(`SELECT count(*)::int AS retried FROM mail_message WHERE batch_id = $1 AND attempts > 1`, [res.body.batchId]);
    expect(retried).toBeGreaterThan(0);
  });

  it('a 550 marks that message failed at once with the server reply while the others go out; a retry from the API sends it', async () => {
    const { admin, eventId } = await eventWithInvited(t, 8);
    smtp.reject = (a) => a === 'delegate3@td.test';
    const res = await t.http().post(`/api/v1/events/${eventId}/invitations`).set(admin.auth).send({}).expect(202);
    await waitUntil('seven sent and one failed', async () => {
      const s = await mailStatuses(t.dataSource, res.body.batchId);
      return s.sent === 7 && s.failed === 1;
    });
    expect(smtp.refused550).toBe(1); // permanent: not retried
    const failed = await t.http().get(`/api/v1/events/${eventId}/invitations`).query({ status: 'failed' }).set(admin.auth).expect(200);
    expect(failed.body.items).toHaveLength(1);
    expect(failed.body.items[0]).toMatchObject({ email: 'delegate3@td.test', status: 'failed', attempts: 1 });
    expect(failed.body.items[0].lastError).toMatch(/550.*unavailable/);

    smtp.reject = () => false;
    expect((await t.http().post(`/api/v1/invitation-batches/${res.body.batchId}/retry`).set(admin.auth).send({}).expect(200)).body).toEqual({ retried: 1 });
    await waitUntil('the retried message is sent', async () => (await mailStatuses(t.dataSource, res.body.batchId)).sent === 8);
    expect((await smtp.messages()).filter((m) => toAddress(m) === 'delegate3@td.test')).toHaveLength(1);
    // A second retry finds nothing failed: a sent message is never sent again.
    expect((await t.http().post(`/api/v1/invitation-batches/${res.body.batchId}/retry`).set(admin.auth).send({}).expect(200)).body).toEqual({ retried: 0 });
    expect(smtp.count).toBe(8);
  });

  it('selects by unit, status or rows, and "not yet sent" skips who already has one', async () => {
    const { admin, eventId, registrationIds } = await eventWithInvited(t, 6);
    const a = await t.http().post(`/api/v1/events/${eventId}/invitations`).set(admin.auth).send({ registrationIds: registrationIds.slice(0, 2) }).expect(202);
    expect(a.body.queued).toBe(2);
    const b = await t.http().post(`/api/v1/events/${eventId}/invitations`).set(admin.auth).send({ notYetSent: true }).expect(202);
    expect(b.body.queued).toBe(4);
    const c = await t.http().post(`/api/v1/events/${eventId}/invitations`).set(admin.auth).send({ status: 'confirmed' }).expect(202);
    expect(c.body.queued).toBe(0);
    await smtp.waitFor(6);
    await waitUntil('both batches are sent', async () => (await mailStatuses(t.dataSource, b.body.batchId)).sent === 4);
    expect(new Set((await smtp.messages()).map(toAddress)).size).toBe(6);
    expect(smtp.count).toBe(6);
    const bad = await t.http().post(`/api/v1/events/${eventId}/invitations`).set(admin.auth).send({ registrationIds: ['00000000-0000-4000-8000-000000000000'] }).expect(400);
    expect(JSON.stringify(bad.body.message)).toContain('registrationIds');
    expect(t.app.get(InvitationsService)).toBeDefined();
  });
});
