import { UnrecoverableError } from 'bullmq';
import { createHmac } from 'node:crypto';
import { DataSource } from 'typeorm';
import { MailMessagesService } from '../../src/mail/mail-messages.service';
import { MailSendProcessor } from '../../src/mail/mail-send.processor';
import { MailRequest, MailService } from '../../src/mail/mail.service';
import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { SmtpCapture } from '../support/smtp-capture';
import { startTestApp, TestApp } from '../support/test-app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(100);
  }
}

const enqueue = (t: TestApp, msg: MailRequest) => t.dataSource.transaction((m) => t.app.get(MailService).enqueue(m, msg));
const status = async (db: DataSource, id: string): Promise<string> =>
  (await db.query('SELECT status FROM mail_message WHERE id = $1', [id]))[0]?.status;

/** The value @fastify/cookie accepts as a signed cookie (value + `.` + HMAC), as the login page sets it. */
const signedCookie = (name: string, value: string, secret: string) =>
  `${name}=${encodeURIComponent(value + '.' + createHmac('sha256', secret).update(value).digest('base64').replace(/=+$/, ''))}`;

describe('mail through SMTP (real smtp-server)', () => {
  let smtp: SmtpCapture;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await SmtpCapture.start();
    t = await startTestApp({ SMTP_URL: smtp.url, MAIL_FROM: 'TrainingDesk <no-reply@td.test>' });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('delivers a queued mail rendered in its language, escaping user text in the HTML', async () => {
    const evil = 'Lan <script>alert(1)</script> & Co';
    const id = await enqueue(t, { to: 'lan@td.test', toName: 'Lan', template: 'test', locale: 'vi', data: { name: evil }, kind: 'test' });
    const [mail] = await smtp.waitFor(1);
    expect(mail.subject).toBe(`Thư thử nghiệm TrainingDesk gửi ${evil}`);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0].address : undefined).toBe('lan@td.test');
    expect(mail.from?.value[0].address).toBe('no-reply@td.test');
    const html = String(mail.html);
    expect(html).toContain('Xin chào Lan &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
    expect(html).not.toContain('<script>');
    expect(html).toContain('lang="vi"');
    expect(mail.text).toContain(`Xin chào ${evil},`);
    expect(mail.text).toContain('Thư này được gửi tự động từ TrainingDesk');

    await waitUntil('the message is marked sent', async () => (await status(t.dataSource, id)) === 'sent');
    const [row] = await t.dataSource.query('SELECT transport, message_id, sent_at, attempts FROM mail_message WHERE id = $1', [id]);
    expect(row.transport).toBe('smtp');
    expect(row.message_id).toBe(mail.messageId);
    expect(row.sent_at).not.toBeNull();
    expect(row.attempts).toBe(1);
  });

  it('sends the generic notice in English with its link button and an attachment', async () => {
    const before = smtp.messages.length;
    await enqueue(t, {
      to: 'guest@td.test',
      template: 'notice',
      locale: 'en',
      data: {
        heading: 'You are off the waiting list',
        paragraphs: ['Dear Minh,', 'A seat is free: your registration is confirmed.'],
        link: { url: 'http://localhost:3000/r/abc', label: 'View my registration' },
      },
      attachments: [{ filename: 'event.ics', contentType: 'text/calendar', content: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n' }],
    });
    const mail = (await smtp.waitFor(before + 1))[before];
    expect(mail.subject).toBe('You are off the waiting list');
    expect(String(mail.html)).toContain('<a href="http://localhost:3000/r/abc"');
    expect(mail.text).toContain('View my registration: http://localhost:3000/r/abc');
    expect(mail.text).toContain('This message was sent automatically by TrainingDesk');
    expect(mail.attachments.map((a) => [a.filename, a.contentType, a.content.toString('utf8')])).toEqual([
      ['event.ics', 'text/calendar', 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n'],
    ]);
  });

  it('refuses an address that is not one e-mail address, writing nothing', async () => {
    const count = async () => (await t.dataSource.query('SELECT count(*)::int AS n FROM mail_message'))[0].n;
    const before = await count();
    await expect(enqueue(t, { to: 'a@b.test, c@d.test', template: 'test', locale: 'en', data: { name: 'x' } })).rejects.toThrow(/^to must be one e-mail address/);
    expect(await count()).toBe(before);
  });
});

describe('mail without SMTP_URL: the local outbox', () => {
  let t: TestApp;
  let admin: Actor;
  let organizer: Actor;

  beforeAll(async () => {
    t = await startTestApp({ SMTP_URL: '' });
    admin = await loginAdmin(t);
    const org = await createOrganization(t, admin);
    organizer = await createActor(t, admin, 'organizer', org.id);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps the mail as stored and shows it through MailMessagesService and the admin JSON endpoint', async () => {
    const id = await enqueue(t, { to: 'hoa@td.test', toName: 'Hoa', template: 'test', locale: 'en', data: { name: 'Hoa' }, kind: 'test' });
    await waitUntil('the message is stored', async () => (await status(t.dataSource, id)) === 'stored');

    const page = await t.app.get(MailMessagesService).list({ page: 1, pageSize: 10, status: 'stored' });
    expect(page.items.map((m) => m.id)).toContain(id);
    const item = page.items.find((m) => m.id === id)!;
    expect(item).toMatchObject({ to: 'hoa@td.test', toName: 'Hoa', subject: 'TrainingDesk test message for Hoa', status: 'stored', transport: 'local', kind: 'test' });
    expect(item).not.toHaveProperty('html');

    const list = await t.http().get('/api/v1/admin/mail-messages?status=stored').set(admin.auth).expect(200);
    expect(list.body.items.map((m: { id: string }) => m.id)).toContain(id);
    const one = await t.http().get(`/api/v1/admin/mail-messages/${id}`).set(admin.auth).expect(200);
    expect(one.body.html).toContain('Hello Hoa,');
    expect(one.body.text).toContain('Hello Hoa,');

    await t.http().get('/api/v1/admin/mail-messages').expect(401);
    await t.http().get('/api/v1/admin/mail-messages').set(organizer.auth).expect(403);
    const bad = await t.http().get('/api/v1/admin/mail-messages?status=lost').set(admin.auth).expect(400);
    expect(JSON.stringify(bad.body)).toContain('status');
    await t.http().get('/api/v1/admin/mail-messages/00000000-0000-4000-8000-000000000000').set(admin.auth).expect(404);
  });

  it('stores a mail once however often its job runs, and fails for good a job whose mail does not exist', async () => {
    const id = await enqueue(t, { to: 'lan@td.test', toName: 'Lan', template: 'test', locale: 'vi', data: { name: 'Lan' }, kind: 'test' });
    await waitUntil('the message is stored', async () => (await status(t.dataSource, id)) === 'stored');
    const row = async () => (await t.dataSource.query('SELECT status, attempts, sent_at FROM mail_message WHERE id = $1', [id]))[0];
    const before = await row();
    const processor = t.app.get(MailSendProcessor);
    const ctx = { jobId: 'again', attempt: 3, isFinalAttempt: false, remember: async () => undefined };
    await processor.process({ messageId: id }, ctx);
    expect(await row()).toEqual(before);
    await expect(processor.process({ messageId: '00000000-0000-4000-8000-000000000000' }, ctx)).rejects.toBeInstanceOf(UnrecoverableError);
  });

  it('serves the queue dashboard at /admin/queues to admins only', async () => {
    await t.http().get('/admin/queues').expect(401);
    await t.http().get('/admin/queues').set({ Authorization: 'Bearer not-a-token' }).expect(401);
    await t.http().get('/admin/queues').set(organizer.auth).expect(403);
    const page = await t.http().get('/admin/queues').set(admin.auth).expect(200);
    expect(page.text).toContain('TrainingDesk queues');
    const api = await t.http().get('/admin/queues/api/queues').set(admin.auth).expect(200);
    expect(api.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(['articles', 'events', 'mail']);
    // The pages' session cookie works too; an unsigned (forged) one does not.
    await t.http().get('/admin/queues').set('Cookie', signedCookie('td_session', admin.token, t.config.jwtSecret)).expect(200);
    await t.http().get('/admin/queues').set('Cookie', `td_session=${admin.token}`).expect(401);
    await t.http().get('/admin/queues').set('Cookie', signedCookie('td_session', organizer.token, t.config.jwtSecret)).expect(403);
  });
});
