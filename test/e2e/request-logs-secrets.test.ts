import { Writable } from 'node:stream';
import { Actor, createOrganization } from '../factories';
import { createPublishedEvent } from '../factories/events';
import { checkIn, register, setEventColumns } from '../factories/registrations';
import { SmtpCapture } from '../support/smtp-capture';
import { startTestApp, TEST_ADMIN, TestApp } from '../support/test-app';

/**
 * #13 Protections: what request-logs.test.ts does not send: a real password and bearer token, a
 * personal link's token in the path and the query, a reset token, check-in codes; at debug, the
 * most verbose level the app writes request lines at. In a file of its own: nestjs-pino keeps one
 * root logger per process, the first app's, so a test app started after another logs to the first's destination.
 */
describe('secrets and tokens never logged, at debug', () => {
  let t: TestApp;
  let smtp: SmtpCapture;
  const raw: string[] = [];
  beforeAll(async () => {
    smtp = await SmtpCapture.start();
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        raw.push(chunk.toString());
        done();
      },
    });
    t = await startTestApp({ SMTP_URL: smtp.url, LOG_LEVEL: 'debug' }, { logDestination: destination });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('logs none of a password, a bearer token, a personal-link token (path or query), a reset token or a check-in code, on success or failure', async () => {
    const secrets: Record<string, string> = {};
    // A password in the body: right, wrong, and too weak to set.
    const login = await t.http().post('/api/v1/auth/login').send(TEST_ADMIN).expect(200);
    secrets.password = TEST_ADMIN.password;
    secrets.bearer = login.body.accessToken;
    await t.http().post('/api/v1/auth/login').send({ email: TEST_ADMIN.email, password: 'wrong-secret-password-93' }).expect(401);
    secrets.wrongPassword = 'wrong-secret-password-93';
    const auth = { Authorization: `Bearer ${secrets.bearer}` };
    await t.http().get('/api/v1/users/me').set(auth).expect(200);
    await t.http().post('/api/v1/auth/password').set(auth).send({ currentPassword: 'not-the-current-one-77', newPassword: 'weak' }).expect(400);
    secrets.currentPassword = 'not-the-current-one-77';
    // A bearer token on a failing request (no such row) and an invalid one.
    await t.http().get('/api/v1/events/00000000-0000-4000-8000-000000000000').set(auth).expect(404);
    await t.http().get('/api/v1/users/me').set('Authorization', 'Bearer forged.token-value-3131.sig').expect(401);
    secrets.forged = 'forged.token-value-3131';

    const admin: Actor = { token: secrets.bearer, id: login.body.user.id, email: TEST_ADMIN.email, role: 'admin', organizationId: null, auth };
    const org = await createOrganization(t, admin);
    const event = await createPublishedEvent(t, admin, { organizationId: org.id });
    const r = await register(t, event.id);
    secrets.linkToken = r.token;
    secrets.code = r.code;
    await t.http().get(`/r/${r.token}`).set('Accept', 'text/html').expect(200);
    await t.http().get(`/r/${r.token}/decline`).set('Accept', 'text/html').expect(200);
    await t.http().get(`/api/v1/public/registrations/${r.token}/event.ics`).expect(200);
    // A link token pasted into a query string (no route takes a check-in code in a URL: it travels in bodies only).
    await t.http().get(`/e/${event.slug}?token=${r.token}`).set('Accept', 'text/html');
    // A check-in code: in the body (accepted, then refused as a repeat, then unknown), and typed into a search.
    await setEventColumns(t, event.id, { starts_at: new Date(Date.now() - 3_600_000), ends_at: new Date(Date.now() + 3 * 3_600_000) });
    await checkIn(t, admin, event.id, { code: r.code });
    await checkIn(t, admin, event.id, { code: r.code });
    await checkIn(t, admin, event.id, { code: 'ZZZZZZZZZZ' });
    secrets.unknownCode = 'ZZZZZZZZZZ';

    // A reset token, from the mail, used once (204) and again (404), and its page.
    await t.http().post('/api/v1/auth/password-reset').send({ email: TEST_ADMIN.email }).expect(202);
    const resetMail = () => smtp.messages.find((m) => /\/password-reset\//.test(m.text ?? ''));
    for (let n = 1; !resetMail(); n++) await smtp.waitFor(n);
    const mail = resetMail()!;
    secrets.resetToken = /\/password-reset\/([A-Za-z0-9_-]+)/.exec(mail.text ?? '')![1];
    await t.http().get(`/password-reset/${secrets.resetToken}`).set('Accept', 'text/html').expect(200);
    await t.http().post(`/api/v1/auth/password-reset/${secrets.resetToken}`).send({ newPassword: 'a-brand-new-password-55' }).expect(204);
    await t.http().post(`/api/v1/auth/password-reset/${secrets.resetToken}`).send({ newPassword: 'a-brand-new-password-56' }).expect(404);
    secrets.newPassword = 'a-brand-new-password-55';

    await new Promise((resolve) => setTimeout(resolve, 300));
    const all = raw.join('');
    // The log is not empty: the requests are there, by masked URL.
    expect(all).toContain('/r/***');
    expect(all).toContain('/api/v1/auth/password-reset/***');
    const formatted = (v: string) => (v.length === 10 ? [v, `${v.slice(0, 4)}-${v.slice(4, 8)}-${v.slice(8)}`] : [v]);
    const leaks = Object.entries(secrets).filter(([, v]) => formatted(v).some((f) => all.includes(f)));
    expect(leaks.map(([name, v]) => [name, all.split('\n').filter((l) => formatted(v).some((f) => l.includes(f)))])).toEqual([]);
  });
});
