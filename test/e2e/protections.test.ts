import type { Response } from 'supertest';
import { createOrganization, loginAdmin, Actor } from '../factories';
import { createPublishedEvent, EventBody } from '../factories/events';
import { PageClient } from '../factories/page-client';
import { checkIn, delegateFields, register } from '../factories/registrations';
import { fillRoute, matchesRoute, pageRouteParams, pageRoutes } from '../support/page-routes';
import { startTestApp, TEST_ADMIN, TestApp } from '../support/test-app';

/**
 * #13 Protections, through HTTP on the booted app: the per-address rate limits (held in Redis, so
 * two replicas on one Redis count together), ...
 */
describe('protections', () => {
  describe('rate limits across two replicas on one Redis', () => {
    let a: TestApp;
    let b: TestApp;
    let admin: Actor;
    let event: EventBody;
    const LIMITS = { RATE_LIMIT_REGISTRATION: '4/10m', RATE_LIMIT_TOKEN_MISSES: '3/10m' };

    beforeAll(async () => {
      a = await startTestApp(LIMITS);
      // The second replica: the same database, Redis prefix and secret (README "Scaling").
      b = await startTestApp({ ...LIMITS, DATABASE_URL: a.config.databaseUrl, QUEUE_PREFIX: a.config.queuePrefix, JWT_SECRET: a.config.jwtSecret, MIGRATIONS_RUN: 'false', STORAGE_DIR: a.config.storageDir });
      admin = await loginAdmin(a);
      const org = await createOrganization(a, admin);
      event = await createPublishedEvent(a, admin, { organizationId: org.id, capacity: 100 });
    });
    afterAll(async () => {
      await b?.app.close();
      await a?.close();
    });

    const count = async () => Number((await a.dataSource.query(`SELECT count(*)::int AS n FROM registration WHERE event_id = $1`, [event.id]))[0].n);

    it('counts public registrations of one address over both replicas (API and page form), then answers 429 naming the limit, with Retry-After', async () => {
      const replicas = [a, b, a];
      for (const t of replicas) await register(t, event.id);
      // The fourth through the public page's form, on the other replica.
      const page = new PageClient(b);
      await page.get(`/e/${event.slug}/register`);
      const fourth = await page.post(`/e/${event.slug}/register`, { ...delegateFields(), language: 'vi' } as unknown as Record<string, string>);
      expect(fourth.status).toBe(303);
      expect(await count()).toBe(4);

      const api = await b.http().post(`/api/v1/events/${event.id}/registrations`).send(delegateFields());
      expect(api.status).toBe(429);
      expect(Number(api.headers['retry-after'])).toBeGreaterThan(500);
      expect(api.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', limit: 'registration', message: expect.stringContaining('at most 4 in 600 s') });

      const form = await page.post(`/e/${event.slug}/register`, { ...delegateFields(), language: 'vi' } as unknown as Record<string, string>);
      expect(form.status).toBe(429);
      expect(form.headers['content-type']).toMatch(/text\/html/);
      expect(Number(form.headers['retry-after'])).toBeGreaterThan(500);
      expect(form.text).toContain('Đã có quá nhiều yêu cầu từ địa chỉ của bạn. Vui lòng thử lại sau 10 phút.');
      expect(await count()).toBe(4);
    });

    it('does not count an organizer registering people with a token', async () => {
      for (let i = 0; i < 3; i++) await register(a, event.id, {}, admin);
    });

    it('counts only token misses: a valid personal link opened again and again never meets the limit, unknown tokens do (on either replica)', async () => {
      const mine = await register(a, event.id, {}, admin);
      for (const t of [a, b, a, b, a]) {
        await t.http().get(`/api/v1/public/registrations/${mine.token}`).expect(200);
        expect((await t.http().get(`/r/${mine.token}`).set('Accept', 'text/html')).status).toBe(200);
      }
      await a.http().get('/api/v1/public/registrations/not-a-real-token-1').expect(404);
      expect((await b.http().get('/r/not-a-real-token-2').set('Accept', 'text/html')).status).toBe(404);
      await b.http().post('/api/v1/auth/login').send({ email: 'nobody@test.local', password: 'wrong-password' }).expect(401);
      const limited = await a.http().get(`/api/v1/public/registrations/${mine.token}`);
      expect(limited.status).toBe(429);
      expect(limited.body).toMatchObject({ statusCode: 429, limit: 'tokenMisses' });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      const page = await b.http().get(`/r/${mine.token}/accept`).set('Accept', 'text/html');
      expect(page.status).toBe(429);
      expect(page.text).toContain('Đã có quá nhiều yêu cầu từ địa chỉ của bạn.');
      await b.http().post(`/api/v1/auth/password-reset/whatever-token`).send({ newPassword: 'a-long-new-password-1' }).expect(429);
    });

    it('refuses control characters in single-line text with a 400 naming the field (API), keeps line breaks in a description, and writes nothing', async () => {
      const before = await count();
      const api = await a.http().post(`/api/v1/events/${event.id}/registrations`).set(admin.auth).send(delegateFields({ fullName: 'Nguyễn Văn A\u0007', position: 'Chủ tịch\nCĐ' }));
      expect(api.status).toBe(400);
      expect(api.body.message).toEqual(
        expect.arrayContaining([
          'fullName must be a single line of text, without line breaks, tabs or control characters',
          'position must be a single line of text, without line breaks, tabs or control characters',
        ]),
      );
      const org = await a.http().post('/api/v1/organizations').set(admin.auth).send({ name: 'Công đoàn\tA' });
      expect(org.status).toBe(400);
      expect(org.body.message).toEqual(['name must be a single line of text, without line breaks, tabs or control characters']);
      // A description keeps its line breaks.
      const described = await a.http().patch(`/api/v1/events/${event.id}`).set(admin.auth).send({ description: 'Dòng một\r\nDòng hai\n\tba' });
      expect(described.status).toBe(200);
      expect(await count()).toBe(before);
    });

    it('never limits the check-in desk: a check-in from the limited address still goes through', async () => {
      const r = await register(a, event.id, {}, admin);
      await setEventStart(a, event.id);
      const res = await checkIn(b, admin, event.id, { code: r.code });
      expect([200, 201]).toContain(res.status);
    });

    it('states the 429 in the OpenAPI document, with the error body, on the limited operations', async () => {
      const doc = (await a.http().get('/api/docs-json').expect(200)).body;
      for (const [path, method] of [
        ['/api/v1/events/{id}/registrations', 'post'],
        ['/api/v1/public/registrations/{token}', 'get'],
        ['/api/v1/public/registrations/{token}/rsvp', 'post'],
        ['/api/v1/auth/login', 'post'],
        ['/api/v1/auth/password-reset/{token}', 'post'],
        ['/api/v1/public/events/{slug}/resend-link', 'post'],
      ]) {
        const r429 = doc.paths[path][method].responses['429'];
        expect(r429).toBeDefined();
        expect(JSON.stringify(r429.content)).toContain('ErrorDto');
      }
      expect(doc.components.schemas.ErrorDto.properties.limit).toBeDefined();
      expect(doc.paths['/api/v1/events/{id}/check-ins'].post.responses['429']).toBeUndefined();
    });
  });

  describe('every page: CSRF on every post form, a CSP without inline scripts', () => {
    let t: TestApp;
    let params: Record<string, string>;
    const pages: { route: string; path: string; who: string; res: Response }[] = [];
    const forms: (PostForm & { who: string })[] = [];
    let admin: PageClient;
    let visitor: PageClient;

    beforeAll(async () => {
      t = await startTestApp();
      params = await pageRouteParams(t);
      admin = new PageClient(t);
      await admin.login(TEST_ADMIN.email, TEST_ADMIN.password);
      visitor = new PageClient(t);
      for (const route of pageRoutes(t, 'GET')) {
        for (const [who, client] of [['admin', admin], ['visitor', visitor]] as const) {
          const path = fill(route);
          const res = await client.get(path);
          pages.push({ route, path, who, res });
          if (res.status === 200 && isHtml(res)) forms.push(...postFormsOf(path.split('?')[0], res.text).map((f) => ({ ...f, who })));
        }
      }
    }, 120_000);
    afterAll(async () => {
      await t?.close();
    });

    const fill = (route: string) => fillRoute(route, params);


    it('finds a post form for every page POST route but those whose page state this sweep does not set up', () => {
      const unreached = pageRoutes(t, 'POST').filter((route) => !forms.some((f) => matchesRoute(route, f.action)));
      expect(unreached).toEqual(FORMS_NOT_RENDERED_HERE);
      expect(forms.length).toBeGreaterThan(30);
    });

    it('refuses a POST without the token on every page POST route, rendered here or not (403), and writes nothing', async () => {
      const before = await fingerprint(t);
      const answers: string[] = [];
      const routes = pageRoutes(t, 'POST');
      for (const route of routes) {
        for (const client of [admin, visitor]) {
          const res = await t.http().post(fill(route)).type('form').set('Accept', 'text/html').set('Cookie', client.cookie).send({ x: '1' });
          if (res.status !== 403) answers.push(`${route}: ${res.status}`);
        }
      }
      expect(answers).toEqual([]);
      expect(routes.length).toBeGreaterThan(40);
      expect(await fingerprint(t)).toEqual(before);
    });

    it('refuses control characters in the public registration form with a 400 marking the field, and writes nothing', async () => {
      const before = await fingerprint(t);
      const page = new PageClient(t);
      await page.get(`/e/${params.slug}/register`);
      const form = await page.post(`/e/${params.slug}/register`, { ...delegateFields({ fullName: 'Trần\u001bB' }), language: 'vi' } as unknown as Record<string, string>);
      expect(form.status).toBe(400);
      expect(form.text).toMatch(/name="fullName"[^>]*aria-invalid="true"/);
      expect(await fingerprint(t)).toEqual(before);
    });

    it('puts the CSRF token in every post form', () => {
      expect(forms.filter((f) => !f.hasCsrf).map((f) => `${f.who} ${f.page} → ${f.action}`)).toEqual([]);
    });

    it('answers every page with a CSP whose script-src allows neither inline code nor eval, and no page has inline code', () => {
      const served = pages.filter((p) => (p.res.status < 300 || p.res.status >= 400) && isHtml(p.res));
      expect(served.length).toBeGreaterThan(50);
      for (const p of served) {
        const csp = String(p.res.headers['content-security-policy'] ?? '');
        const src = scriptSrc(csp);
        expect({ page: p.path, scriptSrc: src && /'unsafe-inline'|'unsafe-eval'|\*/.test(src) ? src : 'ok' }).toEqual({ page: p.path, scriptSrc: 'ok' });
        expect(src).toBeDefined();
        // Handlers in attributes are refused too (or no script runs at all: `default-src 'none'`).
        expect(/script-src-attr 'none'/.test(csp) || src === "'none'").toBe(true);
        expect({ page: `${p.who} ${p.path}`, inline: inlineCode(p.res.text ?? '') }).toEqual({ page: `${p.who} ${p.path}`, inline: [] });
      }
    });

    it('refuses every post form without its token (403) and writes nothing', async () => {
      const before = await fingerprint(t);
      const seen = new Set<string>();
      const answers: string[] = [];
      for (const f of forms) {
        const key = `${f.who} ${f.action} ${f.multipart}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const client = f.who === 'admin' ? admin : visitor;
        const url = f.query ? `${f.action}?${f.query}` : f.action;
        const res = f.multipart
          ? await t.http().post(url).set('Accept', 'text/html').set('Cookie', client.cookie).attach('file', Buffer.from('fullName,email\nA,a@b.c\n'), 'x.csv')
          : await t.http().post(url).type('form').set('Accept', 'text/html').set('Cookie', client.cookie).send(f.fields);
        if (res.status !== 403) answers.push(`${key}: ${res.status}`);
      }
      expect(answers).toEqual([]);
      expect(seen.size).toBeGreaterThan(30);
      expect(await fingerprint(t)).toEqual(before);
      // The same forms with the token do work (the refusal was the token's): the logout form, for one.
      const out = await admin.post('/logout', {});
      expect(out.status).toBe(303);
    });
  });

});

/**
 * Page POST routes whose form only shows in a state this sweep does not build (another article
 * version, a failed delivery, a photo, a live reset link, an invitation, a deactivated user, a
 * draft, two sessions, a check-in). Their forms are checked by the route sweep's 403 all the same.
 */
const FORMS_NOT_RENDERED_HERE = [
  '/articles/:id/publish',
  '/articles/:id/restore',
  '/events/:id/invitations/:batchId/retry',
  '/events/:id/publish',
  '/events/:id/recap/photos/:photoId/delete',
  '/events/:id/registrations/:id/undo-check-in',
  '/events/:id/sessions/:sessionId/move',
  '/password-reset/:token',
  '/r/:token/rsvp',
  '/users/:id/reactivate',
];

/** A rendered `<form method=post>`: its action (no query), whether it is multipart, its CSRF field, its other fields. */
interface PostForm {
  page: string;
  action: string;
  query: string;
  multipart: boolean;
  hasCsrf: boolean;
  fields: Record<string, string>;
}

const attr = (tag: string, name: string): string | undefined => new RegExp(`\\s${name}\\s*=\\s*"([^"]*)"`, 'i').exec(tag)?.[1];
const unescape = (v: string) => v.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

function postFormsOf(page: string, html: string): PostForm[] {
  const forms: PostForm[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const [, open, inner] = m;
    if ((attr(open, 'method') ?? 'get').toLowerCase() !== 'post') continue;
    const action = unescape(attr(open, 'action') ?? page);
    const [path, query = ''] = action.split('?');
    const multipart = /multipart\/form-data/i.test(attr(open, 'enctype') ?? '');
    const fields: Record<string, string> = {};
    for (const input of inner.matchAll(/<(?:input|textarea|select)\b[^>]*>/gi)) {
      const name = attr(input[0], 'name');
      if (name && attr(input[0], 'type') !== 'file') fields[name] = unescape(attr(input[0], 'value') ?? 'x');
    }
    const hasCsrf = multipart ? /(^|&)_csrf=[^&]+/.test(query) : !!fields._csrf;
    delete fields._csrf;
    forms.push({ page, action: path, query: query.replace(/(^|&)_csrf=[^&]*/, ''), multipart, hasCsrf, fields });
  }
  return forms;
}

/** What a page's HTML runs without a file: inline scripts (data blocks aside), on*= handlers, javascript: URLs. */
function inlineCode(html: string): string[] {
  const found: string[] = [];
  for (const m of html.matchAll(/<script\b([^>]*)>/gi)) {
    const type = (attr(m[0], 'type') ?? '').toLowerCase();
    if (attr(m[0], 'src') === undefined && type !== 'application/json' && type !== 'application/ld+json') found.push(m[0]);
  }
  for (const m of html.matchAll(/<[a-z][^>]*>/gi)) {
    if (/\son[a-z]+\s*=/i.test(m[0]) || /=\s*"\s*javascript:/i.test(m[0])) found.push(m[0]);
  }
  return found;
}

/** The script-src of a CSP header (default-src when it has none). */
function scriptSrc(csp: string): string | undefined {
  const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([k, ...v]) => [k.toLowerCase(), v.join(' ')]));
  return directives.get('script-src') ?? directives.get('default-src');
}

/** Every row of every table, as one digest per table: what "writes nothing" is checked against. */
async function fingerprint(t: TestApp): Promise<Record<string, string>> {
  const tables: { name: string }[] = await t.dataSource.query(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
  const out: Record<string, string> = {};
  for (const { name } of tables) out[name] = (await t.dataSource.query(`SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS d FROM "${name}" x`))[0].d;
  return out;
}

const isHtml = (res: Response) => /text\/html/.test(String(res.headers['content-type'] ?? ''));

/** Opens the event's check-in window now (it starts tomorrow in the factory). */
async function setEventStart(t: TestApp, eventId: string): Promise<void> {
  await t.dataSource.query(`UPDATE event SET starts_at = now() - interval '1 hour', ends_at = now() + interval '3 hours' WHERE id = $1`, [eventId]);
}
