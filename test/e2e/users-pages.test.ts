import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { createEvent, createSession } from '../factories/events';
import { PageClient } from '../factories/page-client';
import { createUserWithPassword } from '../factories/web';
import { startTestApp, TEST_ADMIN, TestApp } from '../support/test-app';

describe('user, account and audit pages', () => {
  let t: TestApp;
  let admin: Actor;
  let unit: { id: string };
  let child: { id: string };
  let other: { id: string };
  let organizer: { email: string; password: string };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    unit = await createOrganization(t, admin, { name: 'LĐLĐ huyện Dầu Tiếng' });
    child = await createOrganization(t, admin, { name: 'CĐCS Cao su Dầu Tiếng', parentId: unit.id });
    other = await createOrganization(t, admin, { name: 'LĐLĐ tỉnh Tây Ninh' });
    organizer = await createUserWithPassword(t, admin, 'organizer', unit.id);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("an organizer's form offers only leader and staff and the units of their subtree; bad input is a 400 form naming the fields", async () => {
    const page = new PageClient(t);
    await page.login(organizer.email, organizer.password);
    const form = await page.get('/users/new');
    expect(form.status).toBe(200);
    const roles = [...form.text.matchAll(/<option value="(admin|organizer|leader|staff)"/g)].map((m) => m[1]);
    expect(roles).toEqual(['leader', 'staff']);
    expect(form.text).toContain(child.id);
    expect(form.text).not.toContain(other.id);
    const bad = await page.post('/users', { email: 'nope', fullName: '', password: 'short', role: 'staff', organizationId: child.id });
    expect(bad.status).toBe(400);
    for (const field of ['email', 'fullName', 'password']) expect(bad.text).toContain(`id="e-${field}"`);
    // A unit outside the subtree, sent by hand: refused on the form, nothing written.
    const email = `ngoai-${Date.now()}@test.local`;
    const outside = await page.post('/users', { email, fullName: 'Ngoài', password: 'mật-khẩu-dài-1', role: 'staff', organizationId: other.id });
    expect(outside.status).toBe(403);
    expect(await t.dataSource.query('SELECT 1 FROM user_account WHERE email = $1', [email])).toEqual([]);
    const ok = await page.post('/users', { email, fullName: 'Nguyễn Văn <b>Bàn</b>', password: 'mật-khẩu-dài-1', role: 'staff', organizationId: child.id });
    expect([ok.status, ok.headers.location]).toEqual([303, expect.stringContaining('/users?notice=created')]);
    const list = await page.get(ok.headers.location);
    expect(list.text).toContain('Nguyễn Văn &lt;b&gt;Bàn&lt;/b&gt;');
    expect(list.text).not.toContain('<b>Bàn</b>');
  });

  it('leaders and staff get 403 on the user pages, a visitor is sent to the login, an organizer gets 403 on the audit page', async () => {
    const staff = await createUserWithPassword(t, admin, 'staff', unit.id);
    const page = new PageClient(t);
    await page.login(staff.email, staff.password);
    expect((await page.get('/users')).status).toBe(403);
    expect((await page.get('/admin/audit')).status).toBe(403);
    const anonymous = new PageClient(t);
    const res = await anonymous.get('/users');
    expect([res.status, res.headers.location]).toEqual([303, '/login?next=%2Fusers']);
    const org = new PageClient(t);
    await org.login(organizer.email, organizer.password);
    expect((await org.get('/admin/audit')).status).toBe(403);
  });

  it("a deactivated user's page session is sent to the login on the next request", async () => {
    const clerk = await createUserWithPassword(t, admin, 'staff', child.id);
    const page = new PageClient(t);
    await page.login(clerk.email, clerk.password);
    expect((await page.get('/events')).status).toBe(200);
    const adminPage = new PageClient(t);
    await adminPage.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const [{ id }] = await t.dataSource.query('SELECT id FROM user_account WHERE email = $1', [clerk.email]);
    await adminPage.get(`/users/${id}/edit`);
    const done = await adminPage.post(`/users/${id}/deactivate`, {});
    expect(done.status).toBe(303);
    const next = await page.get('/events');
    expect([next.status, next.headers.location]).toEqual([303, '/login?next=%2Fevents']);
    // The audit page lists the deactivation.
    const audit = await adminPage.get(`/admin/audit?entity=user&entityId=${id}`);
    expect(audit.status).toBe(200);
    expect(audit.text).toContain('data-action="user.deactivate"');
    expect(audit.text).toContain('Khóa tài khoản');
  });

  it("the audit page lists every domain's entries and filters them by entity, action, unit and day, in Vietnamese and English", async () => {
    const actor = await createActor(t, admin, 'organizer', child.id);
    const event = await createEvent(t, actor, { venue: 'Hội trường A' });
    await t.http().patch(`/api/v1/events/${event.id}`).set(actor.auth).send({ venue: 'Hội trường <b>B</b>' }).expect(200);
    const session = await createSession(t, actor, event, { title: 'Khai mạc' });
    const adminPage = new PageClient(t);
    await adminPage.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const rows = (html: string) => [...html.matchAll(/<tr data-action="([^"]+)" data-entity-id="([^"]*)">/g)].map((m) => `${m[1]} ${m[2]}`);

    // The filters offer the entities and the actions of every domain.
    const all = await adminPage.get('/admin/audit');
    expect(all.status).toBe(200);
    for (const entity of ['event', 'session', 'registration', 'quota', 'article', 'user']) expect(all.text).toContain(`<option value="${entity}"`);
    for (const action of ['event.update', 'session.move', 'registration.check-in-undo', 'registration.import', 'quota.change', 'article.publish', 'user.login-failed']) expect(all.text).toContain(`<option value="${action}"`);

    const updates = await adminPage.get(`/admin/audit?entity=event&action=event.update&organizationId=${unit.id}`);
    expect(rows(updates.text)).toEqual([`event.update ${event.id}`]);
    expect(updates.text).toContain('<option value="event.update" selected>Sửa sự kiện</option>');
    expect(updates.text).toContain('venue: Hội trường A → Hội trường &lt;b&gt;B&lt;/b&gt;');
    expect(updates.text).not.toContain('<b>B</b>');
    const ofEvent = await adminPage.get(`/admin/audit?entity=event&entityId=${event.id}`);
    expect(rows(ofEvent.text)).toEqual([`event.update ${event.id}`, `event.create ${event.id}`]);
    expect(ofEvent.text).toContain('Tạo sự kiện');
    const sessions = await adminPage.get(`/admin/audit?entity=session&organizationId=${child.id}`);
    expect(rows(sessions.text)).toEqual([`session.create ${session.id}`]);
    expect(sessions.text).toContain('Thêm phiên');
    expect(rows((await adminPage.get(`/admin/audit?entity=event&entityId=${event.id}&organizationId=${other.id}`)).text)).toEqual([]);
    // Days in Vietnam: tomorrow onwards holds none of today's entries; today holds them.
    const day = (offset: number) => new Date(Date.now() + 7 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
    expect(rows((await adminPage.get(`/admin/audit?entityId=${event.id}&from=${day(1)}`)).text)).toEqual([]);
    expect(rows((await adminPage.get(`/admin/audit?entityId=${event.id}&from=${day(0)}&to=${day(0)}`)).text)).toHaveLength(2);

    const english = await t.http().get(`/admin/audit?action=session.create&entityId=${session.id}`).set('Accept', 'text/html').set('Cookie', `${adminPage.cookie}; td_lang=en`);
    expect(english.text).toContain('<option value="session.create" selected>Session added</option>');
    expect(english.text).toContain('Any action');
    expect(english.text).toContain('>Session</a>');
  });

  it('the last admin cannot deactivate themself from the page: the refusal is shown, nothing changes', async () => {
    const adminPage = new PageClient(t);
    await adminPage.login(TEST_ADMIN.email, TEST_ADMIN.password);
    await adminPage.get(`/users/${admin.id}/edit`);
    const res = await adminPage.post(`/users/${admin.id}/deactivate`, {});
    expect(res.status).toBe(409);
    expect(res.text).toContain('last active admin');
    expect((await t.dataSource.query('SELECT active FROM user_account WHERE id = $1', [admin.id]))[0].active).toBe(true);
  });

  it('my account: a wrong current password is shown on the field; a change keeps this session and ends the others', async () => {
    const me = await createUserWithPassword(t, admin, 'leader', unit.id);
    const here = new PageClient(t);
    const elsewhere = new PageClient(t);
    await here.login(me.email, me.password);
    await elsewhere.login(me.email, me.password);
    await here.get('/account');
    const wrong = await here.post('/account/password', { currentPassword: 'không-phải-1', newPassword: 'mật-khẩu-mới-lắm-1' });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('Mật khẩu hiện tại không đúng.');
    const ok = await here.post('/account/password', { currentPassword: me.password, newPassword: 'mật-khẩu-mới-lắm-1' });
    expect([ok.status, ok.headers.location]).toEqual([303, '/account?changed=1']);
    expect((await here.get('/account?changed=1')).status).toBe(200);
    expect((await elsewhere.get('/account')).status).toBe(303);
    // Sign out everywhere from the page ends this session too.
    const out = await here.post('/account/sign-out-everywhere', {});
    expect([out.status, out.headers.location]).toEqual([303, '/login?loggedOut=1']);
    expect((await here.get('/account')).status).toBe(303);
  });

  it('an unknown reset link shows the "not valid" page (404), and the forgot page is the same for any address', async () => {
    const page = new PageClient(t);
    const res = await page.get('/password-reset/not-a-real-token');
    expect(res.status).toBe(404);
    expect(res.text).toContain('Liên kết đặt lại mật khẩu không hợp lệ');
    await page.get('/forgot-password');
    const strip = (html: string) => html.replace(/name="_csrf" value="[^"]+"/g, '');
    const known = await page.post('/forgot-password', { email: organizer.email });
    await page.get('/forgot-password');
    const unknown = await page.post('/forgot-password', { email: `khong-ai-${Date.now()}@test.local` });
    expect([known.status, unknown.status]).toEqual([200, 200]);
    expect(strip(known.text)).toBe(strip(unknown.text));
  });
});
