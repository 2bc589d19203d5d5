import { createOrganization } from '../factories';
import { PageClient } from '../factories/page-client';
import { createUserWithPassword } from '../factories/web';
import { eventWithInvited, waitUntil } from '../integration/mail-smtp-support';
import { startTestApp, TEST_ADMIN, TestApp } from '../support/test-app';
import { PersonalLinks } from '../../src/registrations/personal-links';

jest.setTimeout(180_000);

/** Without SMTP_URL: the mails are kept in the local outbox, where the admin reads them. */
describe('invitation pages', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('the organizer page sends a batch from the form, shows its progress and the previews in both languages; a stranger is refused', async () => {
    const { admin, eventId, orgId } = await eventWithInvited(t, 3);
    const o = await createUserWithPassword(t, admin, 'organizer', orgId);
    const page = new PageClient(t);
    await page.login(o.email, o.password);
    const shown = await page.get(`/events/${eventId}/invitations`);
    expect(shown.status).toBe(200);
    expect(shown.text).toContain('id="send-dialog"');
    const vi = await page.get(`/events/${eventId}/invitations/preview?locale=vi&template=invitation`);
    expect(vi.text).toContain('Thư mời tham dự: Tập huấn kỹ năng công đoàn');
    expect(vi.text).toContain('data:image/png;base64,');
    expect(vi.text).not.toContain('%%PERSONAL_LINK_TOKEN%%');
    const en = await page.get(`/events/${eventId}/invitations/preview?locale=en&template=reminder`);
    expect(en.text).toContain('Coming up soon: Union skills training');

    await page.get(`/events/${eventId}/invitations`);
    const sent = await page.post(`/events/${eventId}/invitations`, { who: 'invited', template: 'invitation' });
    expect(sent.status).toBe(303);
    const batchId = /batch=([0-9a-f-]{36})/.exec(String(sent.headers.location))![1];
    await waitUntil('the batch is done', async () => (await t.http().get(`/api/v1/invitation-batches/${batchId}`).set(admin.auth)).body.done === true);
    const after = await page.get(`/events/${eventId}/invitations?batch=${batchId}`);
    expect(after.text).toContain(`data-batch-id="${batchId}" data-done="1"`);
    expect(after.text).toContain('value="100"');

    const other = await createOrganization(t, admin, { name: 'Đơn vị khác' });
    const stranger = await createUserWithPassword(t, admin, 'organizer', other.id);
    const sp = new PageClient(t);
    await sp.login(stranger.email, stranger.password);
    expect((await sp.get(`/events/${eventId}/invitations`)).status).toBe(403);
    expect((await sp.get(`/events/${eventId}/invitations/preview?locale=vi`)).status).toBe(403);
    await sp.get('/');
    expect((await sp.post(`/events/${eventId}/invitations`, { who: 'invited' })).status).toBeGreaterThanOrEqual(300);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM invitation_batch WHERE event_id = $1`, [eventId]);
    expect(n).toBe(1);
  });

  it('a mail link opens a page with one button and changes nothing; the outbox shows the mail with its attachments; lost-link answers the same for anyone', async () => {
    const { admin, eventId, registrationIds } = await eventWithInvited(t, 1);
    const batch = (await t.http().post(`/api/v1/events/${eventId}/invitations`).set(admin.auth).send({}).expect(202)).body;
    await waitUntil('the mail is kept', async () => (await t.http().get(`/api/v1/invitation-batches/${batch.batchId}`).set(admin.auth)).body.done === true);
    const [{ mail_message_id: mailId }] = await t.dataSource.query(`SELECT mail_message_id FROM invitation WHERE batch_id = $1`, [batch.batchId]);

    // The admin's outbox: the HTML with the QR code shown, the attachments downloadable.
    const adminPage = new PageClient(t);
    await adminPage.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const shown = await adminPage.get(`/admin/outbox/${mailId}`);
    expect(shown.status).toBe(200);
    expect(shown.text).toContain('checkin-qr.png');
    expect(shown.text).toContain('event.ics');
    expect(shown.text).toContain('data:image/png;base64,');
    const icsFile = await adminPage.get(`/admin/outbox/${mailId}/attachments/1`);
    expect(icsFile.headers['content-type']).toContain('text/calendar');
    expect(icsFile.text ?? icsFile.body.toString()).toContain('BEGIN:VCALENDAR');
    const qr = await adminPage.get(`/admin/outbox/${mailId}/attachments/0`);
    expect(qr.headers['content-type']).toBe('image/png');

    // A link of the mail: GET shows the question, the state stays.
    const token = await t.dataSource.query(`SELECT id FROM registration WHERE id = $1`, [registrationIds[0]]);
    expect(token).toHaveLength(1);
    const links = t.app.get(PersonalLinks);
    const tok = await links.currentToken(registrationIds[0]);
    const delegate = new PageClient(t);
    for (const answer of ['accept', 'decline', 'cancel']) {
      const res = await delegate.get(`/r/${tok}/${answer}`);
      expect(res.status).toBe(200);
      expect(res.text).toContain('id="answer-button"');
    }
    expect((await delegate.get(`/r/${tok}/nope`)).status).toBe(404);
    expect((await t.http().get(`/api/v1/public/registrations/${tok}`).expect(200)).body.status).toBe('invited');
    expect((await delegate.post(`/r/${tok}/rsvp`, { answer: 'decline' })).status).toBe(303);
    expect((await t.http().get(`/api/v1/public/registrations/${tok}`).expect(200)).body.status).toBe('declined');

    // Lost your link? on the public event page: the same page for a registered and an unknown address.
    const [{ slug }] = await t.dataSource.query(`SELECT slug FROM event WHERE id = $1`, [eventId]);
    const visitor = new PageClient(t);
    const eventPage = await visitor.get(`/e/${slug}`);
    expect(eventPage.text).toContain('id="lost-link-form"');
    const before = (await t.dataSource.query(`SELECT count(*)::int AS n FROM mail_message WHERE kind = 'link-resend'`))[0].n;
    const known = await visitor.post(`/e/${slug}/lost-link`, { email: 'delegate0@td.test' });
    const unknown = await visitor.post(`/e/${slug}/lost-link`, { email: 'nobody@td.test' });
    expect(known.status).toBe(303);
    expect(unknown.headers.location).toBe(known.headers.location);
    expect((await visitor.get(String(known.headers.location))).text).toContain('Nếu địa chỉ này đã đăng ký sự kiện');
    const afterCount = (await t.dataSource.query(`SELECT count(*)::int AS n FROM mail_message WHERE kind = 'link-resend'`))[0].n;
    expect(afterCount).toBe(before + 1);
  });
});
