import { readdirSync } from 'node:fs';
import { createOrganization, loginAdmin } from '../factories';
import { createEvent, createSession, createSpeaker, publishEvent } from '../factories/events';
import { PageClient } from '../factories/page-client';
import { register } from '../factories/registrations';
import { STATIC_DIR } from '../../src/web/configure-web';
import { startTestApp, TEST_ADMIN, TestApp } from '../support/test-app';

/**
 * Every GET page route the app's Fastify router holds (read from `printRoutes`, a tree of path
 * segments, `:a|:b` where routes name one parameter differently): not the JSON API (/api/), not the health probes (JSON for the orchestrator), not the
 * queue dashboard (bull-board's own plugin), not wildcard routes (/static/*).
 */
function pageRoutes(t: TestApp): string[] {
  const tree = t.app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const paths: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)(?:├── |└── )(.*?)(?: \(([^)]*)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1].length / 4;
    stack.length = depth;
    // Routes that name the same parameter differently share a node, printed `:eventId|:id`: every
    // alternative is filled with the same event's id, so the last one stands for them.
    stack[depth] = m[2].replace(/:[^/|]+\|/g, '');
    if (m[3]?.split(', ').includes('GET')) paths.push(stack.join(''));
  }
  return [...new Set(paths)]
    // Scripts served from a page controller (the desk's QR decoder, /desk/assets/) are library files, the same for
    // everyone and meant to be cached, not pages.
    .filter((p) => !p.startsWith('/api/') && !/^\/health(\/|$)/.test(p) && !p.startsWith('/admin/queues') && !/[*{]/.test(p) && !p.includes('/assets/'))
    .sort();
}

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
    const admin = await loginAdmin(t);
    const org = await createOrganization(t, admin);
    const event = await createEvent(t, admin, { organizationId: org.id });
    const speaker = await createSpeaker(t, admin);
    const session = await createSession(t, admin, event);
    await publishEvent(t, admin, event.id);
    const registration = await register(t, event.id);
    const [mail] = await t.dataSource.query('SELECT id FROM mail_message ORDER BY created_at LIMIT 1');
    // A published article, for the editor and the public news page.
    const { id: articleId } = (await t.http().post(`/api/v1/events/${event.id}/articles`).set(admin.auth).send({ language: 'vi' }).expect(202)).body;
    for (let i = 0; i < 300 && (await t.http().get(`/api/v1/articles/${articleId}`).set(admin.auth)).body.status === 'generating'; i++) await new Promise((r) => setTimeout(r, 100));
    const article = (await t.http().post(`/api/v1/articles/${articleId}/publish`).set(admin.auth).expect(200)).body;
    params = {
      id: event.id,
      eventId: event.id,
      sessionId: session.id,
      slug: event.slug,
      locale: 'en',
      token: registration.token,
      organizationId: org.id,
      speakerId: speaker.id,
      mailId: mail.id,
      articleId: article.id,
      articleSlug: article.slug,
      registrationId: registration.id,
      userId: (await t.http().get('/api/v1/users/me').set(admin.auth).expect(200)).body.id,
      index: '0',
      answer: 'accept',
    };
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A route with its parameters filled with ids of rows that exist (the owner of `:id` depends on the prefix). */
  const fill = (route: string) => {
    const idOf = route.startsWith('/organizations/') ? params.organizationId : route.startsWith('/speakers/') ? params.speakerId : route.startsWith('/admin/outbox/') ? params.mailId : route.startsWith('/articles/') ? params.articleId : route.startsWith('/registrations/') ? params.registrationId : route.startsWith('/users/') ? params.userId : params.id;
    if (route.startsWith('/news/')) route = route.replace(':slug', params.articleSlug);
    // The event's registration: its second :id.
    route = route.replace(/^\/events\/:id\/registrations\/:id\//, `/events/${params.id}/registrations/${params.registrationId}/`);
    return route.replace(/:(\w+)/g, (_, name: string) => (name === 'id' ? idOf : (params[name] ?? `unknown-${name}`)));
  };

  it('answers no-store on every page route for a logged-in user', async () => {
    const routes = pageRoutes(t);
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
