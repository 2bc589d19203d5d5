import type { ParsedMail } from 'mailparser';
import { createApp } from '../../src/bootstrap';
import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { createPublishedEvent } from '../factories/events';
import { register } from '../factories/registrations';
import { SmtpCapture } from '../support/smtp-capture';
import { dropDatabase, startTestApp, testConfig, TestApp } from '../support/test-app';

const LINK = /\/r\/([A-Za-z0-9_-]{22,100})/;

/** Personal links: never stored readable, kept across promotion, revocable, stable across restarts. */
describe('personal links (real SMTP)', () => {
  let smtp: SmtpCapture;
  let t: TestApp;
  let admin: Actor;
  let organizer: Actor;
  let stranger: Actor;
  let staff: Actor;

  beforeAll(async () => {
    smtp = await SmtpCapture.start();
    t = await startTestApp({ SMTP_URL: smtp.url });
    admin = await loginAdmin(t);
    const org = await createOrganization(t, admin);
    organizer = await createActor(t, admin, 'organizer', org.id);
    staff = await createActor(t, admin, 'staff', org.id);
    stranger = await createActor(t, admin, 'organizer', (await createOrganization(t, admin)).id);
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  /** The mail of `kind` delivered to `email` (waits for it). */
  const mailTo = async (email: string, kind: RegExp): Promise<ParsedMail> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const found = smtp.messages.find((m) => !Array.isArray(m.to) && m.to?.value[0].address === email && kind.test(m.subject ?? ''));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no mail "${kind}" to ${email}; got ${smtp.messages.map((m) => m.subject).join(' | ')}`);
      await smtp.waitFor(smtp.messages.length + 1, Math.max(1, deadline - Date.now())).catch(() => undefined);
    }
  };
  const linkIn = (mail: ParsedMail) => {
    const fromText = LINK.exec(mail.text ?? '')?.[1];
    expect(LINK.exec(String(mail.html))?.[1]).toBe(fromText);
    return fromText!;
  };
  const opens = async (token: string) => (await t.http().get(`/api/v1/public/registrations/${token}`)).status;

  it('never stores the token readable: mail rows hold a placeholder, the sent mail carries the working link, the outbox shows it masked', async () => {
    const ev = await createPublishedEvent(t, organizer, { capacity: 10 });
    const r = await register(t, ev.id, { language: 'vi' });
    const rows: { id: string; html: string; text: string }[] = await t.dataSource.query(`SELECT id, html, text FROM mail_message WHERE registration_id = $1`, [r.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].html + rows[0].text).not.toContain(r.token);
    const [stored] = await t.dataSource.query(`SELECT row_to_json(r)::text AS j FROM registration r WHERE id = $1`, [r.id]);
    expect(stored.j).not.toContain(r.token);

    const mail = await mailTo(r.email, /Xác nhận đăng ký/);
    expect(linkIn(mail)).toBe(r.token);
    expect(mail.text).toContain(`${t.config.appUrl}/r/${r.token}`);
    expect(await opens(r.token)).toBe(200);

    const shown = await t.http().get(`/api/v1/admin/mail-messages/${rows[0].id}`).set(admin.auth).expect(200);
    expect(shown.body.html + shown.body.text).not.toContain(r.token);
    expect(shown.body.text).toContain(`${t.config.appUrl}/r/••••••••`);
    const page = await t.http().get(`/admin/outbox/${rows[0].id}`).set(admin.auth);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain(r.token);
    expect(page.text).toContain(`${t.config.appUrl}/r/••••••••`);
  });

  it('keeps the link a waiting delegate already has when a seat frees up: the promotion mail carries the same link', async () => {
    const ev = await createPublishedEvent(t, organizer, { capacity: 1, waitlist: true });
    const first = await register(t, ev.id);
    const waiting = await register(t, ev.id, { language: 'en' });
    expect(waiting.status).toBe('waitlisted');
    await t.http().post(`/api/v1/registrations/${first.id}/cancel`).set(organizer.auth).expect(200);
    const promotion = await mailTo(waiting.email, /A seat is now yours/);
    expect(linkIn(promotion)).toBe(waiting.token);
    expect(promotion.text).toContain('Your personal link stays the same');
    const me = await t.http().get(`/api/v1/public/registrations/${waiting.token}`).expect(200);
    expect(me.body.status).toBe('confirmed');
  });

  it('lets an organizer revoke one link: the old one stops working, the delegate is mailed the new one; others are refused', async () => {
    const ev = await createPublishedEvent(t, organizer, { capacity: 10 });
    const r = await register(t, ev.id, { language: 'en' });
    const other = await register(t, ev.id);
    await t.http().post(`/api/v1/registrations/${r.id}/revoke-link`).expect(401);
    await t.http().post(`/api/v1/registrations/${r.id}/revoke-link`).set(staff.auth).expect(403);
    await t.http().post(`/api/v1/registrations/${r.id}/revoke-link`).set(stranger.auth).expect(403);
    expect(await opens(r.token)).toBe(200);

    const res = await t.http().post(`/api/v1/registrations/${r.id}/revoke-link`).set(organizer.auth).expect(200);
    expect(res.body).toMatchObject({ id: r.id, status: 'confirmed', code: r.code });
    expect(await opens(r.token)).toBe(404);
    const renewed = await mailTo(r.email, /Your new personal link/);
    const fresh = linkIn(renewed);
    expect(fresh).not.toBe(r.token);
    expect(await opens(fresh)).toBe(200);
    // Only that one link changed.
    expect(await opens(other.token)).toBe(200);
    // A mail written before the revocation but sent after it carries the current link, not the revoked one.
    const [confirmation] = await t.dataSource.query(`SELECT html FROM mail_message WHERE registration_id = $1 AND kind = 'registration-confirmed'`, [r.id]);
    expect(confirmation.html).not.toContain(r.token);
  });
});

describe('personal links with the default configuration (no JWT_SECRET)', () => {
  it('survive a restart: a link issued before works after (the key is kept in the database, shared by replicas)', async () => {
    const config = testConfig({ JWT_SECRET: '', SMTP_URL: '' });
    expect(config.linkSecret).toBeNull();
    const first = await createApp(config);
    await first.listen(0, '127.0.0.1');
    let firstOpen = true;
    let second: Awaited<ReturnType<typeof createApp>> | undefined;
    try {
      const base = `http://127.0.0.1:${(first.getHttpServer().address() as { port: number }).port}`;
      const login = await (await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: config.adminEmail, password: config.adminPassword }) })).json();
      const auth = { Authorization: `Bearer ${login.accessToken}`, 'content-type': 'application/json' };
      const org = await (await fetch(`${base}/api/v1/organizations`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'Công đoàn khởi động lại' }) })).json();
      const now = Date.now();
      const ev = await (
        await fetch(`${base}/api/v1/events`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ title: 'Tập huấn', kind: 'training', organizationId: org.id, startsAt: new Date(now + 86_400_000 * 10).toISOString(), endsAt: new Date(now + 86_400_000 * 10 + 3_600_000).toISOString(), registrationMode: 'open' }),
        })
      ).json();
      await fetch(`${base}/api/v1/events/${ev.id}/publish`, { method: 'POST', headers: auth });
      const reg = await (await fetch(`${base}/api/v1/events/${ev.id}/registrations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fullName: 'Lê Văn Tâm', email: 'tam@test.local' }) })).json();
      expect(reg.token).toEqual(expect.any(String));
      await first.close();
      firstOpen = false;

      // A new process: another random JWT secret, the same database.
      second = await createApp(testConfig({ JWT_SECRET: '', SMTP_URL: '', DATABASE_URL: config.databaseUrl, QUEUE_PREFIX: config.queuePrefix }));
      await second.listen(0, '127.0.0.1');
      const base2 = `http://127.0.0.1:${(second.getHttpServer().address() as { port: number }).port}`;
      const again = await fetch(`${base2}/api/v1/public/registrations/${reg.token}`);
      expect(again.status).toBe(200);
      expect((await again.json()).email).toBe('tam@test.local');
    } finally {
      if (firstOpen) await first.close();
      await second?.close();
      await dropDatabase(config.databaseUrl);
    }
  });
});
