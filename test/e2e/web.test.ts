import { createOrganization, loginAdmin } from '../factories';
import { createUserWithPassword } from '../factories/web';
import { MailService } from '../../src/mail/mail.service';
import { startTestApp, TEST_ADMIN, TestApp } from '../support/test-app';
import { csrfOf, PageClient } from '../factories/page-client';

describe('web pages (server-rendered)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves the login page as Vietnamese HTML by default, with a CSRF field', async () => {
    const res = await t.http().get('/login').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('<html lang="vi">');
    expect(res.text).toContain('Đăng nhập');
    expect(res.text).toContain('Mật khẩu');
    expect(csrfOf(res.text)).not.toBe('');
  });

  it('redirects an unauthenticated visitor of / to the login page', async () => {
    const res = await t.http().get('/').set('Accept', 'text/html').expect(303);
    expect(res.headers.location).toBe('/login?next=%2F');
  });

  it('switches to English through /lang/en and remembers it in a cookie', async () => {
    const c = new PageClient(t);
    const sw = await c.get('/lang/en?next=/login');
    expect(sw.status).toBe(303);
    expect(sw.headers.location).toBe('/login');
    const page = await c.get('/login');
    expect(page.text).toContain('<html lang="en">');
    expect(page.text).toContain('Password');
  });

  it('refuses an off-site next target of the language switch', async () => {
    const res = await t.http().get('/lang/vi?next=//evil.example/x').expect(303);
    expect(res.headers.location).toBe('/');
  });

  it('logs in through the form, shows the dashboard, and logs out clearing the session cookie', async () => {
    const c = new PageClient(t);
    const login = await c.login(TEST_ADMIN.email, TEST_ADMIN.password);
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/');
    const session = (login.headers['set-cookie'] as unknown as string[]).find((s) => s.startsWith('td_session='))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    const home = await c.get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('Administrator');
    expect(home.text).toContain('href="/admin/outbox"');

    const out = await c.post('/logout', {});
    expect(out.status).toBe(303);
    const cleared = (out.headers['set-cookie'] as unknown as string[]).find((s) => s.startsWith('td_session='))!;
    expect(cleared).toMatch(/td_session=;/);
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/);
    const after = await c.get('/');
    expect(after.status).toBe(303);
  });

  it('shows a wrong password on the form, not as JSON', async () => {
    const c = new PageClient(t);
    const res = await c.submitLogin(TEST_ADMIN.email, 'not-the-password');
    expect(res.status).toBe(401);
    expect(res.text).toContain('Email hoặc mật khẩu không đúng.');
    expect(res.headers['set-cookie'] ?? []).not.toEqual(expect.arrayContaining([expect.stringMatching(/^td_session=/)]));
  });

  it('refuses a page POST without the CSRF token (403), even with a valid session cookie', async () => {
    const c = new PageClient(t);
    await c.login(TEST_ADMIN.email, TEST_ADMIN.password);
    await c.get('/');
    const forged = await c.post('/logout', {}, false);
    expect(forged.status).toBe(403);
    expect(forged.text).toContain('Phiên biểu mẫu đã hết hạn hoặc không hợp lệ.');
    // The session survived the forged request.
    expect((forged.headers['set-cookie'] as unknown as string[] | undefined)?.some((s) => s.startsWith('td_session=;'))).toBeFalsy();
    expect((await c.get('/')).status).toBe(200);
  });

  it('rate-limits the login form like the API login (429 page after 10 attempts for one address and e-mail)', async () => {
    const c = new PageClient(t);
    await c.get('/login');
    const email = `nobody-${Date.now()}@test.local`;
    for (let i = 0; i < 10; i++) expect((await c.post('/login', { email, password: 'wrong-password' })).status).toBe(401);
    const limited = await c.post('/login', { email, password: 'wrong-password' });
    expect(limited.status).toBe(429);
    expect(limited.text).toContain('Quá nhiều yêu cầu');
  });

  it('refuses a login POST without the pre-session CSRF token (403)', async () => {
    const res = await t.http().post('/login').type('form').send({ email: TEST_ADMIN.email, password: TEST_ADMIN.password });
    expect(res.status).toBe(403);
    expect(res.headers['set-cookie'] ?? []).not.toEqual(expect.arrayContaining([expect.stringMatching(/^td_session=/)]));
  });

  it('refuses an API call authenticated only by the session cookie without a CSRF header, and accepts Bearer calls without one', async () => {
    const c = new PageClient(t);
    await c.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const cookieOnly = await t.http().post('/api/v1/organizations').set('Cookie', c.cookie).send({ name: 'Giả mạo' });
    expect(cookieOnly.status).toBe(403);
    const admin = await loginAdmin(t);
    await t.http().post('/api/v1/organizations').set(admin.auth).send({ name: 'Bearer OK' }).expect(201);
  });

  describe('organization pages', () => {
    it('creates an organization through the form and shows it, escaped, in the tree', async () => {
      const c = new PageClient(t);
      await c.login(TEST_ADMIN.email, TEST_ADMIN.password);
      await c.get('/organizations/new');
      const created = await c.post('/organizations', { name: 'LĐLĐ <script>alert(1)</script>', abbreviation: 'LĐLĐ', locality: 'tỉnh Bình Dương', shortName: '', nameEn: '', parentId: '' });
      expect(created.status).toBe(303);
      expect(created.headers.location).toMatch(/^\/organizations\?saved=[0-9a-f-]{36}$/);
      const tree = await c.get(created.headers.location);
      expect(tree.status).toBe(200);
      expect(tree.text).toContain('LĐLĐ &lt;script&gt;alert(1)&lt;/script&gt;');
      expect(tree.text).not.toContain('<script>alert(1)');
      const row = await t.dataSource.query('SELECT name, short_name FROM organization WHERE abbreviation = $1', ['LĐLĐ']);
      expect(row).toEqual([{ name: 'LĐLĐ <script>alert(1)</script>', short_name: null }]);
    });

    it('shows validation errors on the form with field messages and writes nothing', async () => {
      const c = new PageClient(t);
      await c.login(TEST_ADMIN.email, TEST_ADMIN.password);
      await c.get('/organizations/new');
      const before = await t.dataSource.query('SELECT count(*)::int AS n FROM organization');
      const res = await c.post('/organizations', { name: '   ', abbreviation: 'x'.repeat(51), parentId: '' });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toMatch(/id="e-name">Không được để trống\./);
      expect(res.text).toMatch(/id="e-abbreviation">Quá dài \(tối đa 50 ký tự\)\./);
      expect(await t.dataSource.query('SELECT count(*)::int AS n FROM organization')).toEqual(before);
    });

    it('edits an organization, clearing an optional field', async () => {
      const admin = await loginAdmin(t);
      const org = await createOrganization(t, admin, { name: 'Công đoàn ngành Giáo dục', abbreviation: 'CĐN' });
      const c = new PageClient(t);
      await c.login(TEST_ADMIN.email, TEST_ADMIN.password);
      const form = await c.get(`/organizations/${org.id}/edit`);
      expect(form.text).toContain('value="Công đoàn ngành Giáo dục"');
      const saved = await c.post(`/organizations/${org.id}`, { name: 'Công đoàn ngành Giáo dục tỉnh', abbreviation: '', locality: '', shortName: '', nameEn: 'Education Union', parentId: '' });
      expect(saved.status).toBe(303);
      const api = await t.http().get(`/api/v1/organizations/${org.id}`).set(admin.auth).expect(200);
      expect(api.body).toMatchObject({ name: 'Công đoàn ngành Giáo dục tỉnh', abbreviation: null, nameEn: 'Education Union' });
    });

    it("keeps an organizer to their subtree: only it in the tree, another unit's edit page refused", async () => {
      const admin = await loginAdmin(t);
      const mine = await createOrganization(t, admin, { name: 'Công đoàn huyện Dầu Tiếng' });
      const child = await createOrganization(t, admin, { name: 'Công đoàn cơ sở Trường THPT', parentId: mine.id });
      const other = await createOrganization(t, admin, { name: 'Công đoàn huyện Bàu Bàng' });
      const organizer = await createUserWithPassword(t, admin, 'organizer', mine.id);
      const c = new PageClient(t);
      await c.login(organizer.email, organizer.password);
      const tree = await c.get('/organizations');
      expect(tree.text).toContain('Công đoàn huyện Dầu Tiếng');
      expect(tree.text).toContain(child.name);
      expect(tree.text).not.toContain('Công đoàn huyện Bàu Bàng');
      const refused = await c.get(`/organizations/${other.id}/edit`);
      expect(refused.status).toBe(403);
      expect(refused.text).toContain('Bạn không có quyền truy cập trang này.');
      // Creating under a unit outside the subtree is refused on the form, nothing written.
      await c.get('/organizations/new');
      const outside = await c.post('/organizations', { name: 'Lọt ra ngoài', parentId: other.id });
      expect(outside.status).toBe(403);
      expect(outside.text).toContain('Không thể lưu');
      expect(await t.dataSource.query("SELECT 1 FROM organization WHERE name = 'Lọt ra ngoài'")).toEqual([]);
    });
  });

  describe('admin outbox page', () => {
    it('refuses an organizer with a 403 page', async () => {
      const admin = await loginAdmin(t);
      const unit = await createOrganization(t, admin);
      const organizer = await createUserWithPassword(t, admin, 'organizer', unit.id);
      const c = new PageClient(t);
      await c.login(organizer.email, organizer.password);
      const res = await c.get('/admin/outbox');
      expect(res.status).toBe(403);
      expect(res.text).toContain('Bạn không có quyền truy cập trang này.');
      expect(res.text).not.toContain('href="/admin/outbox"');
    });

    it('lists a stored mail for the admin and shows its HTML only inside a sandboxed iframe', async () => {
      const id = await t.dataSource.transaction((m) =>
        t.app.get(MailService).enqueue(m, {
          to: 'dai.bieu@example.com',
          toName: 'Trần Thị Bình',
          template: 'notice',
          locale: 'vi',
          data: { heading: 'Thư mời <b>tập huấn</b>', paragraphs: ['Kính gửi đồng chí <img src=x onerror=alert(1)>'] },
        }),
      );
      const c = new PageClient(t);
      await c.login(TEST_ADMIN.email, TEST_ADMIN.password);
      const list = await c.get('/admin/outbox');
      expect(list.status).toBe(200);
      expect(list.text).toContain('dai.bieu@example.com');
      expect(list.text).toContain(`href="/admin/outbox/${id}"`);
      expect(list.text).toContain('Thư mời &lt;b&gt;tập huấn&lt;/b&gt;');

      const one = await c.get(`/admin/outbox/${id}`);
      expect(one.status).toBe(200);
      expect(one.text).toMatch(/<iframe class="mail" sandbox="" [^>]*srcdoc="[^"]*&lt;h1/);
      // The mail's markup never reaches the page as markup, not even its escaped user text.
      expect(one.text).not.toContain('<h1 style');
      expect(one.text).not.toContain('<img src=x');
      expect(one.text).toContain('Kính gửi đồng chí');

      expect((await c.get('/admin/outbox/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    });
  });
});
