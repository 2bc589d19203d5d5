import { createOrganization, loginAdmin, Actor } from '../factories';
import { createPublishedEvent, EventBody } from '../factories/events';
import { PageClient } from '../factories/page-client';
import { checkIn, delegateFields, register } from '../factories/registrations';
import { startTestApp, TestApp } from '../support/test-app';

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
});

/** Opens the event's check-in window now (it starts tomorrow in the factory). */
async function setEventStart(t: TestApp, eventId: string): Promise<void> {
  await t.dataSource.query(`UPDATE event SET starts_at = now() - interval '1 hour', ends_at = now() + interval '3 hours' WHERE id = $1`, [eventId]);
}
