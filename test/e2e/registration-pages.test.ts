import { Actor, createOrganization, loginAdmin, loginAs } from '../factories';
import { createEvent, createPublishedEvent, inDays } from '../factories/events';
import { PageClient } from '../factories/page-client';
import { checkIn, csvFile, register } from '../factories/registrations';
import { createUserWithPassword } from '../factories/web';
import { startTestApp, TestApp } from '../support/test-app';

const tokenOf = (location: string) => /^\/r\/([A-Za-z0-9_-]+)\?done=registered$/.exec(location)?.[1] ?? '';

describe('registration pages: delegate and organizer', () => {
  let t: TestApp;
  let admin: Actor;
  let organizer: Actor;
  let organizerLogin: { email: string; password: string };
  let strangerLogin: { email: string; password: string };
  let org: { id: string };
  let unit: { id: string; name: string };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    org = await createOrganization(t, admin, { name: 'Liên đoàn Lao động tỉnh' });
    unit = await createOrganization(t, admin, { parentId: org.id, name: 'Công đoàn Viên chức tỉnh', abbreviation: 'CĐVC' });
    const other = await createOrganization(t, admin);
    organizerLogin = await createUserWithPassword(t, admin, 'organizer', org.id);
    organizer = await loginAs(t, organizerLogin.email, organizerLogin.password);
    strangerLogin = await createUserWithPassword(t, admin, 'organizer', other.id);
  });
  afterAll(async () => {
    await t?.close();
  });

  const count = async (eventId: string) => Number((await t.dataSource.query(`SELECT count(*) AS n FROM registration WHERE event_id = $1`, [eventId]))[0].n);

  describe('delegate', () => {
    it('registers through the form (CSRF, no account), is sent to "my registration" with the QR code and the grouped code', async () => {
      const ev = await createPublishedEvent(t, organizer, { title: 'Tập huấn pháp luật lao động' });
      const c = new PageClient(t);
      const form = await c.get(`/e/${ev.slug}/register`);
      expect(form.status).toBe(200);
      expect(form.text).toContain('Tập huấn pháp luật lao động');
      // The units of the organizer's subtree are offered.
      expect(form.text).toContain(`<option value="${unit.id}">Công đoàn Viên chức tỉnh</option>`);

      const res = await c.post(`/e/${ev.slug}/register`, { fullName: 'Trần Thị Bình', email: 'binh@example.vn', phone: '0912345678', organizationId: unit.id, language: 'vi' });
      expect(res.status).toBe(303);
      const token = tokenOf(res.headers.location);
      expect(token).not.toBe('');

      const mine = await c.get(`/r/${token}?done=registered`);
      expect(mine.status).toBe(200);
      expect(mine.text).toContain('Đăng ký thành công');
      expect(mine.text).toContain('Trần Thị Bình');
      expect(mine.text).toContain('Đã xác nhận');
      const [row] = await t.dataSource.query(`SELECT code, organization_id AS "organizationId", source FROM registration WHERE event_id = $1`, [ev.id]);
      expect(row).toMatchObject({ organizationId: unit.id, source: 'self' });
      const groups = [row.code.slice(0, 4), row.code.slice(4, 8), row.code.slice(8)];
      expect(mine.text).toContain(groups.map((g: string) => `<span class="group">${g}</span>`).join('<span class="sep" aria-hidden="true">-</span>'));
      expect(mine.text).toContain(`<img class="qr" src="/api/v1/public/registrations/${token}/qr.svg"`);
      expect(mine.text).toContain(`href="/api/v1/public/registrations/${token}/event.ics"`);
      const qr = await t.http().get(`/api/v1/public/registrations/${token}/qr.svg`).expect(200);
      expect(qr.headers['content-type']).toContain('image/svg+xml');
    });

    it('puts the registration form, with the units of the organizer subtree, on the public event page', async () => {
      const ev = await createPublishedEvent(t, organizer, { title: 'Hội nghị tập huấn công khai' });
      const c = new PageClient(t);
      const page = await c.get(`/e/${ev.slug}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('id="register"');
      expect(page.text).toContain(`action="/e/${ev.slug}/register"`);
      expect(page.text).toContain(`<option value="${unit.id}">Công đoàn Viên chức tỉnh</option>`);
      const res = await c.post(`/e/${ev.slug}/register`, { fullName: 'Đặng Văn Hải', email: 'hai@example.vn' });
      expect(res.status).toBe(303);
      expect(tokenOf(res.headers.location)).not.toBe('');
      const invite = await createPublishedEvent(t, organizer, { registrationMode: 'invite_only' });
      const closed = await c.get(`/e/${invite.slug}`);
      expect(closed.text).toContain('chỉ dành cho đại biểu được mời');
      expect(closed.text).not.toContain('name="fullName"');
    });

    it('shows field errors on the form (400) and writes nothing', async () => {
      const ev = await createPublishedEvent(t, organizer);
      const c = new PageClient(t);
      await c.get(`/e/${ev.slug}/register`);
      const res = await c.post(`/e/${ev.slug}/register`, { fullName: '', email: 'not-an-email', phone: '0912' });
      expect(res.status).toBe(400);
      expect(res.text).toContain('id="reg-e-fullName"');
      expect(res.text).toContain('Không được để trống.');
      expect(res.text).toContain('Địa chỉ email không hợp lệ.');
      // What was typed is kept.
      expect(res.text).toContain('value="0912"');
      expect(await count(ev.id)).toBe(0);
    });

    it('shows a second registration with the same e-mail as an error on the e-mail field (409)', async () => {
      const ev = await createPublishedEvent(t, organizer);
      await register(t, ev.id, { email: 'twice@example.vn' });
      const c = new PageClient(t);
      await c.get(`/e/${ev.slug}/register`);
      const res = await c.post(`/e/${ev.slug}/register`, { fullName: 'Lê Văn Cường', email: 'TWICE@example.vn' });
      expect(res.status).toBe(409);
      expect(res.text).toContain('Email này đã được đăng ký cho sự kiện.');
      expect(await count(ev.id)).toBe(1);
    });

    it('explains invite-only, full, not-yet-open and closed events instead of the form, and refuses a post to them', async () => {
      const invite = await createPublishedEvent(t, organizer, { registrationMode: 'invite_only' });
      const full = await createPublishedEvent(t, organizer, { capacity: 1 });
      await register(t, full.id);
      const later = await createPublishedEvent(t, organizer, { registrationOpensAt: inDays(2) });
      const c = new PageClient(t);

      const i = await c.get(`/e/${invite.slug}/register`);
      expect(i.text).toContain('chỉ dành cho đại biểu được mời');
      expect(i.text).not.toContain('name="fullName"');
      // A token from a page that has a form (the invite-only page has none).
      await c.get('/login');
      const refused = await c.post(`/e/${invite.slug}/register`, { fullName: 'Phạm Văn Dũng', email: 'dung@example.vn' });
      expect(refused.status).toBe(403);
      expect(refused.text).toContain('chỉ dành cho đại biểu được mời');
      expect(await count(invite.id)).toBe(0);

      const f = await c.get(`/e/${full.slug}/register`);
      expect(f.text).toContain('đã đủ chỗ và không có danh sách chờ');
      const n = await c.get(`/e/${later.slug}/register`);
      expect(n.text).toContain('Chưa mở đăng ký');

      const waiting = await createPublishedEvent(t, organizer, { capacity: 1, waitlist: true });
      await register(t, waiting.id);
      const w = await c.get(`/e/${waiting.slug}/register`);
      expect(w.text).toContain('danh sách chờ');
      expect(w.text).toContain('name="fullName"');
      const res = await c.post(`/e/${waiting.slug}/register`, { fullName: 'Hoàng Văn Em', email: 'em@example.vn' });
      expect(res.status).toBe(303);
      const mine = await c.get(res.headers.location);
      expect(mine.text).toContain('Trong danh sách chờ');
      // No pass while waiting.
      expect(mine.text).not.toContain('class="qr"');
    });

    it('answers 404 with the error page for an unknown token, and for a draft event’s form', async () => {
      const unknown = await t.http().get(`/r/${'x'.repeat(43)}`).set('Accept', 'text/html');
      expect(unknown.status).toBe(404);
      expect(unknown.headers['content-type']).toMatch(/text\/html/);
      expect(unknown.text).toContain('Lỗi 404');
      const draft = await createEvent(t, organizer);
      expect((await t.http().get(`/e/${draft.slug}/register`).set('Accept', 'text/html')).status).toBe(404);
    });

    it('accepts an invitation, then cancels, through the CSRF-protected forms of "my registration"', async () => {
      const ev = await createPublishedEvent(t, organizer, { registrationMode: 'invite_only' });
      const invited = await register(t, ev.id, { fullName: 'Vũ Thị Giang' }, organizer);
      const c = new PageClient(t);
      const page = await c.get(`/r/${invited.token}`);
      expect(page.text).toContain('Được mời — chưa trả lời');
      expect(page.text).toContain('Nhận lời tham dự');
      expect(page.text).toContain('Từ chối');

      // Without the token the form is refused and nothing changes.
      expect((await c.post(`/r/${invited.token}/rsvp`, { answer: 'accept' }, false)).status).toBe(403);
      const accepted = await c.post(`/r/${invited.token}/rsvp`, { answer: 'accept' });
      expect(accepted.status).toBe(303);
      expect(accepted.headers.location).toBe(`/r/${invited.token}?done=accepted`);
      const after = await c.get(accepted.headers.location);
      expect(after.text).toContain('Bạn đã nhận lời tham dự.');
      expect(after.text).toContain('class="qr"');

      const cancelled = await c.post(`/r/${invited.token}/cancel`, {});
      expect(cancelled.status).toBe(303);
      const [row] = await t.dataSource.query(`SELECT status FROM registration WHERE id = $1`, [invited.id]);
      expect(row.status).toBe('cancelled');
      const gone = await c.get(cancelled.headers.location);
      expect(gone.text).toContain('Đăng ký đã được hủy.');
      expect(gone.text).not.toContain('Hủy đăng ký</button>');
    });

    it('shows "my registration" in English when the delegate chose English', async () => {
      const ev = await createPublishedEvent(t, organizer, { title: 'Tập huấn', titleEn: 'Training on labour law' });
      const r = await register(t, ev.id);
      const res = await t.http().get(`/r/${r.token}`).set('Accept', 'text/html').set('Cookie', 'td_lang=en');
      expect(res.status).toBe(200);
      expect(res.text).toContain('<html lang="en">');
      expect(res.text).toContain('<h1>Training on labour law</h1>');
      expect(res.text).toContain('Check-in code');
      expect(res.text).toContain('Add to calendar (.ics)');
    });

    it('shows typed markup as text on "my registration"', async () => {
      const ev = await createPublishedEvent(t, organizer);
      const c = new PageClient(t);
      await c.get(`/e/${ev.slug}/register`);
      const res = await c.post(`/e/${ev.slug}/register`, { fullName: '<script>alert(1)</script><b>Bình</b>', email: 'xss@example.vn', position: '"><img src=x onerror=alert(2)>' });
      const mine = await c.get(res.headers.location);
      expect(mine.text).not.toContain('<script>alert(1)');
      expect(mine.text).not.toContain('<img src=x');
      expect(mine.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;Bình&lt;/b&gt;');
    });
  });

  describe('organizer', () => {
    let c: PageClient;
    beforeAll(async () => {
      c = new PageClient(t);
      await c.login(organizerLogin.email, organizerLogin.password);
    });

    it('lists registrations with accent-insensitive search, status, role and unit filters, and pages', async () => {
      const ev = await createPublishedEvent(t, organizer);
      await register(t, ev.id, { fullName: 'Nguyễn Văn Đức', organizationId: unit.id });
      await register(t, ev.id, { fullName: 'Trần Thị Hoa' });
      await register(t, ev.id, { fullName: 'Lê Phóng Viên', role: 'press' }, organizer);
      const base = `/events/${ev.id}/registrations`;

      const all = await c.get(base);
      expect(all.status).toBe(200);
      expect(all.text).toContain('3 đăng ký');
      const q = await c.get(`${base}?q=${encodeURIComponent('nguyen van duc')}`);
      expect(q.text).toContain('Nguyễn Văn Đức');
      expect(q.text).not.toContain('Trần Thị Hoa');
      // The unit's name is shown, not its id.
      expect(q.text).toContain('<td data-label="Đơn vị">Công đoàn Viên chức tỉnh</td>');
      expect((await c.get(`${base}?role=press`)).text).toContain('1 đăng ký');
      expect((await c.get(`${base}?organizationId=${unit.id}`)).text).toContain('1 đăng ký');
      expect((await c.get(`${base}?status=waitlisted`)).text).toContain('0 đăng ký');
      const bad = await c.get(`${base}?status=nonsense`);
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('Bộ lọc không hợp lệ');

      for (let i = 0; i < 50; i++) await register(t, ev.id);
      const p1 = await c.get(base);
      expect(p1.text).toContain('Trang 1/2');
      expect(p1.text).toContain(`href="${base}?page=2"`);
      const p2 = await c.get(`${base}?page=2`);
      expect(p2.text).toContain('Trang 2/2');
      expect((p2.text.match(/data-registration-id=/g) ?? []).length).toBe(3);
    });

    it('adds a registration through the form, with field errors and the duplicate e-mail on the form', async () => {
      const ev = await createPublishedEvent(t, organizer);
      const base = `/events/${ev.id}/registrations`;
      await c.get(`${base}/new`);
      const invalid = await c.post(base, { fullName: '', email: 'x' });
      expect(invalid.status).toBe(400);
      expect(invalid.text).toContain('Vui lòng sửa các lỗi bên dưới');
      const ok = await c.post(base, { fullName: 'Đỗ Văn Khoa', email: 'khoa@example.vn', role: 'guest', organizationId: unit.id, language: 'en' });
      expect(ok.status).toBe(303);
      expect(ok.headers.location).toMatch(new RegExp(`^${base}\\?saved=`));
      const [row] = await t.dataSource.query(`SELECT role, language, source, status FROM registration WHERE event_id = $1`, [ev.id]);
      expect(row).toEqual({ role: 'guest', language: 'en', source: 'organizer', status: 'confirmed' });
      await c.get(`${base}/new`);
      const dup = await c.post(base, { fullName: 'Đỗ Văn Khoa', email: 'khoa@example.vn' });
      expect(dup.status).toBe(409);
      expect(dup.text).toContain('Email này đã được đăng ký cho sự kiện.');
    });

    it('cancels a registration from the table', async () => {
      const ev = await createPublishedEvent(t, organizer);
      const r = await register(t, ev.id, { fullName: 'Bùi Thị Lan' });
      const base = `/events/${ev.id}/registrations`;
      const list = await c.get(base);
      expect(list.text).toContain(`action="${base}/${r.id}/cancel"`);
      const res = await c.post(`${base}/${r.id}/cancel`, {});
      expect(res.status).toBe(303);
      expect((await c.get(res.headers.location)).text).toContain('Đã hủy đăng ký.');
      const [row] = await t.dataSource.query(`SELECT status FROM registration WHERE id = $1`, [r.id]);
      expect(row.status).toBe('cancelled');
    });

    it('shows the row errors of an import as a table (422) and imports nothing; a good file shows the count', async () => {
      const ev = await createPublishedEvent(t, organizer);
      const base = `/events/${ev.id}/registrations`;
      await c.get(`${base}/import`);
      const bad = csvFile([
        'fullName,email,phone,position,organization,role',
        'Nguyễn Văn An,an@example.vn,,,CĐVC,delegate',
        ',not-an-email,,,Đơn vị không có,delegate',
        '<b>Hồ Văn Bảo</b>,an@example.vn,,,,delegate',
      ]);
      const refused = await c.upload(`${base}/import`, bad, 'list.csv');
      expect(refused.status).toBe(422);
      expect(refused.text).toContain('table class="list row-errors"');
      // Columns and messages in the page language (Vietnamese), never the parser's English.
      expect(refused.text).toMatch(/<td class="num">3<\/td><td>Họ và tên<\/td><td>Không được để trống.<\/td>/);
      expect(refused.text).toMatch(/<td class="num">3<\/td><td>Đơn vị<\/td><td>“Đơn vị không có” không phải đơn vị của tổ chức bạn/);
      expect(refused.text).toMatch(/<td class="num">4<\/td><td>Email<\/td><td>an@example.vn xuất hiện lần nữa \(lần đầu ở dòng 2\)/);
      expect(refused.text).toContain('Tệp có 4 lỗi; không dòng nào được nhập.');
      expect(refused.text).not.toMatch(/is empty|nothing was imported|problem\(s\)/);
      expect(await count(ev.id)).toBe(0);

      // Without the CSRF token the upload is refused before it is read.
      expect((await c.upload(`${base}/import`, bad, 'list.csv', false)).status).toBe(403);

      const good = csvFile(['fullName,email,organization,role', 'Nguyễn Văn An,an@example.vn,CĐVC,delegate', 'Lê Thị Bích,bich@example.vn,,guest']);
      // Post/Redirect/Get: a reload of the result page does not import the file again.
      const posted = await c.upload(`${base}/import`, good, 'list.csv');
      expect(posted.status).toBe(303);
      const ok = await c.get(posted.headers.location);
      expect(ok.text).toContain('Đã nhập 2 người: 2 đã xác nhận');
      expect(await count(ev.id)).toBe(2);
    });

    it('shows quota seats against confirmed and checked-in delegates per unit', async () => {
      const ev = await createPublishedEvent(t, organizer);
      await t.http().put(`/api/v1/events/${ev.id}/quotas`).set(organizer.auth).send([{ organizationId: unit.id, seats: 5 }]).expect(200);
      const a = await register(t, ev.id, { organizationId: unit.id });
      await register(t, ev.id, { organizationId: unit.id });
      await register(t, ev.id);
      expect((await checkIn(t, organizer, ev.id, { code: a.code })).status).toBe(201);
      const res = await c.get(`/events/${ev.id}/registrations/quotas`);
      expect(res.status).toBe(200);
      const row = (name: string) => new RegExp(`<td>${name}</td>\\s*<td class="num">([^<]*)</td>\\s*<td class="num">(\\d+)</td>\\s*<td class="num">(\\d+)</td>`).exec(res.text)?.slice(1);
      expect(row('Công đoàn Viên chức tỉnh')).toEqual(['5', '2', '1']);
      expect(row('\\(Không ghi đơn vị\\)')).toEqual(['—', '1', '0']);
    });

    it('refuses an organizer of another subtree (403) and sends a visitor without a session to the login page', async () => {
      const ev = await createPublishedEvent(t, organizer);
      const s = new PageClient(t);
      await s.login(strangerLogin.email, strangerLogin.password);
      expect((await s.get(`/events/${ev.id}/registrations`)).status).toBe(403);
      expect((await s.get(`/events/${ev.id}/registrations/import`)).status).toBe(403);
      const anon = await t.http().get(`/events/${ev.id}/registrations`).set('Accept', 'text/html');
      expect(anon.status).toBe(303);
      expect(anon.headers.location).toBe(`/login?next=${encodeURIComponent(`/events/${ev.id}/registrations`)}`);
    });

    it('links the registrations and the desk from the event page', async () => {
      const ev = await createPublishedEvent(t, organizer);
      const res = await c.get(`/events/${ev.id}`);
      expect(res.status).toBe(200);
      expect(res.text).toContain(`href="/events/${ev.id}/registrations"`);
      expect(res.text).toContain(`href="/desk/${ev.id}"`);
    });

    it('escapes user text in the table', async () => {
      const ev = await createPublishedEvent(t, organizer);
      await register(t, ev.id, { fullName: '<img src=x onerror=alert(1)>Mai' });
      const res = await c.get(`/events/${ev.id}/registrations`);
      expect(res.text).not.toContain('<img src=x');
      expect(res.text).toContain('&lt;img src=x onerror=alert(1)&gt;Mai');
    });
  });
});
