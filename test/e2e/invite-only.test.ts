import { PageClient } from '../factories/page-client';
import { eventWithInvited, personalToken, ScriptedSmtp, toAddress, waitUntil } from '../integration/mail-smtp-support';
import { startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(300_000);

const CODE = /([0-9A-HJKMNP-TV-Z]{4})-([0-9A-HJKMNP-TV-Z]{4})-([0-9A-HJKMNP-TV-Z]{2})/;

describe('the invite-only flow end to end through HTTP', () => {
  let smtp: ScriptedSmtp;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await ScriptedSmtp.start();
    t = await startTestApp({ SMTP_URL: smtp.url }, { jobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 100, jitter: 0.5 } } });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('invite 50: each answers through the link of their own mail, and the accepted check in with the code from their mail', async () => {
    const { admin, eventId } = await eventWithInvited(t, 50);
    const sent = await t.http().post(`/api/v1/events/${eventId}/invitations`).set(admin.auth).send({ status: 'invited' }).expect(202);
    expect(sent.body.queued).toBe(50);
    const invitations = (await smtp.waitFor(50, 240_000)).slice();
    expect(new Set(invitations.map(toAddress)).size).toBe(50);

    const accepted: string[] = [];
    const declined: string[] = [];
    for (const [i, mail] of invitations.entries()) {
      const accept = /(https?:\/\/[^\s]+\/r\/[A-Za-z0-9_-]+)\/accept/.exec(mail.text ?? '')![1];
      const token = personalToken(mail);
      expect(accept.endsWith(token)).toBe(true);
      const answer = i % 5 === 4 ? 'decline' : 'accept';
      if (i < 4) {
        // Through the pages: opening the link changes nothing (a mail scanner may open it); the button does.
        const page = new PageClient(t);
        const shown = await page.get(`/r/${token}/${answer}`);
        expect(shown.status).toBe(200);
        expect(shown.text).toContain('id="answer-button"');
        expect((await t.http().get(`/api/v1/public/registrations/${token}`).expect(200)).body.status).toBe('invited');
        const done = await page.post(`/r/${token}/rsvp`, { answer });
        expect(done.status).toBe(303);
      } else {
        await t.http().post(`/api/v1/public/registrations/${token}/rsvp`).send({ accept: answer === 'accept' }).expect(200);
      }
      (answer === 'accept' ? accepted : declined).push(toAddress(mail));
      expect((await t.http().get(`/api/v1/public/registrations/${token}`).expect(200)).body.status).toBe(answer === 'accept' ? 'confirmed' : 'declined');
    }
    expect(accepted).toHaveLength(40);

    // Each acceptance is confirmed by mail; the accepted check in with the code of their own mail.
    await waitUntil('40 confirmations arrived', async () => (await smtp.messages()).filter((m) => /^(Xác nhận đăng ký|Registration confirmed)/.test(m.subject ?? '')).length === 40, 240_000);
    const confirmations = (await smtp.messages()).filter((m) => /^(Xác nhận đăng ký|Registration confirmed)/.test(m.subject ?? ''));
    expect(confirmations.map(toAddress).sort()).toEqual([...accepted].sort());
    for (const mail of confirmations) {
      const code = CODE.exec(mail.text ?? '')!.slice(1).join('');
      const res = await t.http().post(`/api/v1/events/${eventId}/check-ins`).set(admin.auth).send({ code }).expect(201);
      expect(res.body.registration.email.toLowerCase()).toBe(toAddress(mail));
    }
    // The declined cannot check in with the code their invitation carried.
    const declinedMail = invitations.find((m) => toAddress(m) === declined[0])!;
    const code = CODE.exec(declinedMail.text ?? '')!.slice(1).join('');
    const refused = await t.http().post(`/api/v1/events/${eventId}/check-ins`).set(admin.auth).send({ code }).expect(409);
    expect(JSON.stringify(refused.body)).toContain('declined');
    const stats = await t.http().get(`/api/v1/events/${eventId}/check-ins/stats`).set(admin.auth).expect(200);
    expect(stats.body.checkedIn).toBe(40);
  });

  it('"lost your link?" answers the same for unknown addresses, mails a registered one its current link, and is rate-limited', async () => {
    const { eventId } = await eventWithInvited(t, 2);
    const [{ slug }] = await t.dataSource.query(`SELECT slug FROM event WHERE id = $1`, [eventId]);
    smtp.clear();
    const known = await t.http().post(`/api/v1/public/events/${slug}/resend-link`).send({ email: 'Delegate1@td.test' }).expect(202);
    const unknown = await t.http().post(`/api/v1/public/events/${slug}/resend-link`).send({ email: 'nobody@td.test' }).expect(202);
    expect(known.body).toEqual({});
    expect(unknown.body).toEqual(known.body);
    const [mail] = await smtp.waitFor(1);
    expect(toAddress(mail)).toBe('delegate1@td.test');
    const page = await t.http().get(`/api/v1/public/registrations/${personalToken(mail)}`).expect(200);
    expect(page.body.email).toBe('delegate1@td.test');
    // A second request within the window: the same answer, no second mail.
    await t.http().post(`/api/v1/public/events/${slug}/resend-link`).send({ email: 'delegate1@td.test' }).expect(202);
    const bad = await t.http().post(`/api/v1/public/events/${slug}/resend-link`).send({ email: 'not-an-address' }).expect(400);
    expect(JSON.stringify(bad.body.message)).toContain('email');
    let limited = 0;
    for (let i = 0; i < 12; i++) if ((await t.http().post(`/api/v1/public/events/${slug}/resend-link`).send({ email: `x${i}@td.test` })).status === 429) limited++;
    expect(limited).toBeGreaterThan(0);
    expect(smtp.count).toBe(1);
  });
});
