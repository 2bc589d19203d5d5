import { readdirSync } from 'node:fs';
import { PageClient } from '../factories/page-client';
import { STATIC_DIR } from '../../src/web/configure-web';
import { fillRoute, pageRouteParams, pageRoutes } from '../support/page-routes';
import { startTestApp, TEST_ADMIN, TestApp } from '../support/test-app';

const noStore = (res: { headers: Record<string, unknown> }) => /\bno-store\b/.test(String(res.headers['cache-control'] ?? ''));

/**
 * Pages behind the session cookie answer `Cache-Control: no-store`, so that
 * after logout on a shared desk PC, Back shows nothing of the last user's
 * pages; static assets and pages for visitors without a session keep their
 * caching.
 */
describe('Cache-Control on pages', () => {
  let t: TestApp;
  let params: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp();
    params = await pageRouteParams(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  const fill = (route: string) => fillRoute(route, params);


  it('answers no-store on every page route for a logged-in user', async () => {
    const routes = pageRoutes(t, 'GET');
    // The sweep is not empty: the main logged-in pages are among the routes found.
    expect(routes).toEqual(expect.arrayContaining(['/', '/events', '/events/:id', '/desk', '/organizations', '/speakers', '/admin/outbox', '/login']));
    const c = new PageClient(t);
    await c.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const answers: { route: string; status: number; noStore: boolean }[] = [];
    for (const route of routes) {
      const res = await c.get(fill(route));
      answers.push({ route, status: res.status, noStore: noStore(res) });
    }
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    expect(answers.filter((a) => !a.noStore)).toEqual([]);
    // The pages themselves, not errors: only the language switch and the login page (already logged in) redirect.
    // Two answer 404 by design for codes that exist nowhere (no reset was asked, no certificate issued).
    expect(answers.filter((a) => a.status !== 200)).toEqual([
      { route: '/lang/:locale', status: 303, noStore: true },
      { route: '/login', status: 303, noStore: true },
      { route: '/password-reset/:token', status: 404, noStore: true },
      { route: '/verify/:code', status: 404, noStore: true },
    ]);
  });

  it('answers no-store on the pages a logged-in user posts to and is redirected from', async () => {
    const c = new PageClient(t);
    await c.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const posted = await c.post(`/events/${params.id}/sessions`, { title: '' });
    expect(posted.status).toBeLessThan(500);
    expect(noStore(posted)).toBe(true);
    const logout = await c.post('/logout', {});
    expect(logout.status).toBe(303);
    expect(noStore(logout)).toBe(true);
  });

  it('leaves static assets cacheable, for a logged-in user too', async () => {
    const c = new PageClient(t);
    await c.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const files = readdirSync(STATIC_DIR).filter((f) => /\.(css|js)$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const res = await c.get(`/static/${file}`);
      expect({ file, status: res.status, noStore: noStore(res) }).toEqual({ file, status: 200, noStore: false });
    }
  });

  it('leaves the public pages as they were for visitors without a session', async () => {
    for (const path of ['/login', `/e/${params.slug}`, `/e/${params.slug}/register`]) {
      const res = await t.http().get(path).set('Accept', 'text/html');
      expect({ path, status: res.status, noStore: noStore(res) }).toEqual({ path, status: 200, noStore: false });
    }
  });
});
