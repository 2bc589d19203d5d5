import { Actor, createOrganization, loginAdmin, loginAs } from '../factories';
import { createPublishedEvent, EventBody } from '../factories/events';
import { PageClient } from '../factories/page-client';
import { checkIn, register } from '../factories/registrations';
import { createUserWithPassword } from '../factories/web';
import { startTestApp, TestApp } from '../support/test-app';

/** The organizer's registrations list as a working tool: edit, resend, undo a check-in, bulk actions, sort, page size. */
describe('registrations workbench', () => {
  let t: TestApp;
  let organizer: Actor;
  let c: PageClient;
  let stranger: PageClient;
  let unit: { id: string; name: string };
  let event: EventBody;
  let base = '';

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await loginAdmin(t);
    const org = await createOrganization(t, admin, { name: 'Liên đoàn Lao động tỉnh Hậu Giang' });
    unit = await createOrganization(t, admin, { parentId: org.id, name: 'Công đoàn ngành Y tế' });
    const login = await createUserWithPassword(t, admin, 'organizer', org.id);
    organizer = await loginAs(t, login.email, login.password);
    const other = await createOrganization(t, admin);
    const strangerLogin = await createUserWithPassword(t, admin, 'organizer', other.id);
    c = new PageClient(t);
    await c.login(login.email, login.password);
    stranger = new PageClient(t);
    await stranger.login(strangerLogin.email, strangerLogin.password);
    event = await createPublishedEvent(t, organizer, { capacity: 3, waitlist: true });
    base = `/events/${event.id}/registrations`;
  });
  afterAll(async () => {
    await t?.close();
  });

  const row = async (id: string) => (await t.dataSource.query(`SELECT full_name AS "fullName", email, position, role, status, organization_id AS "organizationId", link_version AS "linkVersion" FROM registration WHERE id = $1`, [id]))[0];

  it('edits name, e-mail, unit, role and position; the row is highlighted afterwards', async () => {
    const r = await register(t, event.id, { fullName: 'Nguyen Van Sai Ten' }, organizer);
    const form = await c.get(`${base}/${r.id}/edit`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('Sửa đăng ký');
    const res = await c.post(`${base}/${r.id}`, { fullName: 'Nguyễn Văn Đúng', email: 'dung.nguyen@example.vn', organizationId: unit.id, role: 'official', position: 'Phó Chủ tịch', phone: '', language: 'vi' });
    expect(res.status).toBe(303);
    expect(await row(r.id)).toMatchObject({ fullName: 'Nguyễn Văn Đúng', email: 'dung.nguyen@example.vn', organizationId: unit.id, role: 'official', position: 'Phó Chủ tịch' });
    const list = await c.get(res.headers.location);
    expect(list.text).toContain('Đã lưu thay đổi.');
    expect(list.text).toMatch(new RegExp(`data-registration-id="${r.id}" class="just-added"`));
  });

  it('refuses a bad e-mail on the edit form with one message, the same words as the public form, and changes nothing', async () => {
    const r = await register(t, event.id, {}, organizer);
    const res = await c.post(`${base}/${r.id}`, { fullName: 'Ai Đó', email: 'khong-phai-email', role: 'delegate', language: 'vi' });
    expect(res.status).toBe(400);
    expect(res.text.match(/Địa chỉ email không hợp lệ\./g)).toHaveLength(1);
    expect((await row(r.id)).email).toBe(r.email);
  });

  it('sends the personal link again (a new link: the old one stops working)', async () => {
    const r = await register(t, event.id, {}, organizer);
    const before = (await row(r.id)).linkVersion;
    const res = await c.post(`${base}/${r.id}/resend`, {});
    expect(res.status).toBe(303);
    expect((await row(r.id)).linkVersion).toBe(before + 1);
    expect((await c.get(res.headers.location)).text).toContain('Đã gửi lại thư có đường link riêng');
    expect((await t.http().get(`/api/v1/public/registrations/${r.token}`)).status).toBe(404);
  });

  it('shows the check-in time in its column and undoes a check-in from the list', async () => {
    const r = await register(t, event.id, { fullName: 'Lý Thị Điểm' }, organizer);
    await checkIn(t, organizer, event.id, { code: r.code }).expect(201);
    const list = await c.get(`${base}?q=${encodeURIComponent('Lý Thị Điểm')}`);
    expect(list.text).toMatch(/class="checked-in">\d{2}:\d{2}, thứ /);
    expect(list.text).toContain(`${base}/${r.id}/undo-check-in`);
    const res = await c.post(`${base}/${r.id}/undo-check-in`, {});
    expect(res.status).toBe(303);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM check_in WHERE registration_id = $1`, [r.id]);
    expect(n).toBe(0);
  });

  it('bulk-cancels the ticked people and says who moved up from the waiting list', async () => {
    const ev = await createPublishedEvent(t, organizer, { capacity: 2, waitlist: true });
    const b = `/events/${ev.id}/registrations`;
    const a1 = await register(t, ev.id, { fullName: 'Phan Văn Một' }, organizer);
    const a2 = await register(t, ev.id, { fullName: 'Phan Văn Hai' }, organizer);
    const w = await register(t, ev.id, { fullName: 'Tạ Thị Chờ' }, organizer);
    expect(w.status).toBe('waitlisted');
    await c.get(b);
    const res = await c.post(`${b}/bulk`, { action: 'cancel', ids: [a1.id, a2.id] });
    expect(res.status).toBe(303);
    expect((await row(a1.id)).status).toBe('cancelled');
    expect((await row(w.id)).status).toBe('confirmed');
    expect((await c.get(res.headers.location)).text).toContain('Được xác nhận từ danh sách chờ: Tạ Thị Chờ.');
  });

  it('exports the ticked people as a CSV in the page language (BOM, quoted cells, no formulas)', async () => {
    const r1 = await register(t, event.id, { fullName: 'Đỗ Văn Xuất', position: '=HYPERLINK("x")' }, organizer);
    const r2 = await register(t, event.id, { fullName: 'Hà, Thị "Phẩy"' }, organizer);
    await c.get(base);
    const res = await c.post(`${base}/bulk`, { action: 'export', ids: [r1.id, r2.id] });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain('attachment');
    const text = res.text;
    expect(text.startsWith('\uFEFFHọ và tên,Email,Điện thoại')).toBe(true);
    expect(text).toContain(`Đỗ Văn Xuất,${r1.email},,"'=HYPERLINK(""x"")"`);
    expect(text).toContain('"Hà, Thị ""Phẩy"""');
  });

  it('sorts by the chosen column and shows the chosen number of rows', async () => {
    const ev = await createPublishedEvent(t, organizer);
    const b = `/events/${ev.id}/registrations`;
    for (const fullName of ['Vũ Thị Ba', 'Lê Văn An', 'Trần Thị Cúc']) await register(t, ev.id, { fullName }, organizer);
    const byName = (await c.get(b)).text;
    expect(byName.indexOf('Lê Văn An')).toBeLessThan(byName.indexOf('Vũ Thị Ba'));
    expect(byName.indexOf('Vũ Thị Ba')).toBeLessThan(byName.indexOf('Trần Thị Cúc'));
    const latest = (await c.get(`${b}?sort=-created`)).text;
    expect(latest.indexOf('Trần Thị Cúc')).toBeLessThan(latest.indexOf('Lê Văn An'));
    const page = await c.get(`${b}?pageSize=20&sort=name`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<option value="20" selected>');
    const bad = await c.get(`${b}?sort=email`);
    expect(bad.status).toBe(400);
  });

  it('refuses strangers, a bad action and a missing CSRF token; nothing changes', async () => {
    const r = await register(t, event.id, {}, organizer);
    const before = (await row(r.id)).status;
    expect(before).not.toBe('cancelled');
    await stranger.get('/events');
    for (const [path, form] of [[`${base}/${r.id}`, { fullName: 'X', email: 'x@example.vn' }], [`${base}/${r.id}/resend`, {}], [`${base}/bulk`, { action: 'cancel', ids: [r.id] }]] as const) {
      const res = await stranger.post(path, form as Record<string, string | string[]>);
      expect([path, [403, 404].includes(res.status)]).toEqual([path, true]);
    }
    expect((await stranger.get(`${base}/${r.id}/edit`)).status).toBe(403);
    await c.get(base);
    expect((await c.post(`${base}/bulk`, { action: 'explode', ids: [r.id] })).status).toBe(400);
    expect((await c.post(`${base}/bulk`, { action: 'cancel', ids: [r.id] }, false)).status).toBe(403);
    expect((await row(r.id)).status).toBe(before);
  });
});
