import type { Response } from 'supertest';
import { createActor, createOrganization, loginAdmin } from '../factories';
import { startTestApp, TEST_ADMIN, TestApp } from '../support/test-app';

/** The cookies a response sets, as `name=value` pairs for the next request's Cookie header. */
function cookiesOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  const set = res.headers['set-cookie'] as unknown as string[] | undefined;
  for (const c of set ?? []) {
    const [pair] = c.split(';');
    const i = pair.indexOf('=');
    out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
}

const cookieHeader = (jar: Record<string, string>) => Object.entries(jar).filter(([, v]) => v !== '').map(([k, v]) => `${k}=${v}`).join('; ');
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** A browser-like session: keeps cookies and reads the CSRF token from the last page. */
class PageClient {
  jar: Record<string, string> = {};
  csrf = '';
  constructor(private readonly t: TestApp) {}

  private keep(res: Response): Response {
    Object.assign(this.jar, cookiesOf(res));
    const token = csrfOf(res.text ?? '');
    if (token) this.csrf = token;
    return res;
  }

  async get(path: string): Promise<Response> {
    return this.keep(await this.t.http().get(path).set('Accept', 'text/html').set('Cookie', cookieHeader(this.jar)));
  }

  async post(path: string, form: Record<string, string>, withCsrf = true): Promise<Response> {
    const body = withCsrf ? { ...form, _csrf: this.csrf } : form;
    return this.keep(await this.t.http().post(path).type('form').set('Accept', 'text/html').set('Cookie', cookieHeader(this.jar)).send(body));
  }

  async login(email: string, password: string): Promise<Response> {
    await this.get('/login');
    return this.post('/login', { email, password, next: '/' });
  }
}

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
    const res = await c.login(TEST_ADMIN.email, 'not-the-password');
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
    // The session survived the forged request.
    expect((forged.headers['set-cookie'] as unknown as string[] | undefined)?.some((s) => s.startsWith('td_session=;'))).toBeFalsy();
    expect((await c.get('/')).status).toBe(200);
  });

  it('refuses a login POST without the pre-session CSRF token (403)', async () => {
    const res = await t.http().post('/login').type('form').send({ email: TEST_ADMIN.email, password: TEST_ADMIN.password });
    expect(res.status).toBe(403);
    expect(res.headers['set-cookie'] ?? []).not.toEqual(expect.arrayContaining([expect.stringMatching(/^td_session=/)]));
  });

  it('refuses an API call authenticated only by the session cookie without a CSRF header, and accepts Bearer calls without one', async () => {
    const c = new PageClient(t);
    await c.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const cookieOnly = await t.http().post('/api/v1/organizations').set('Cookie', cookieHeader(c.jar)).send({ name: 'Giả mạo' });
    expect(cookieOnly.status).toBe(403);
    const admin = await loginAdmin(t);
    await t.http().post('/api/v1/organizations').set(admin.auth).send({ name: 'Bearer OK' }).expect(201);
  });
});
