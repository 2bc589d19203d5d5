import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import helmet from 'helmet';
import { helmetOptions } from '../../src/http/security-headers';
import { QUEUES } from '../../src/queue/jobs';
import { loginAdmin } from '../factories';
import { startTestApp, TestApp } from '../support/test-app';

describe('HTTP conventions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers malformed JSON with a 400 JSON error, not a 500', async () => {
    const res = await t.http().post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{"email": "a@b.c", ').expect(400);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toEqual({ statusCode: 400, message: expect.stringMatching(/^body is not valid JSON \(.*position 19\)$/), error: 'Bad Request' });
    const admin = await loginAdmin(t);
    const authed = await t.http().post('/api/v1/organizations').set(admin.auth).set('Content-Type', 'application/json').send('{name: x}').expect(400);
    expect(authed.body.message).toMatch(/^body is not valid JSON/);
  });

  it('answers an unknown route with 404 in the same shape', async () => {
    const admin = await loginAdmin(t);
    const res = await t.http().get('/api/v1/no-such-thing').set(admin.auth).expect(404);
    expect(res.body).toEqual({ statusCode: 404, message: expect.any(String), error: 'Not Found' });
  });

  it('gives every response an x-request-id, and echoes the one a proxy sent', async () => {
    const fresh = await t.http().get('/health').expect(200);
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const other = await t.http().get('/health').expect(200);
    expect(other.headers['x-request-id']).not.toBe(fresh.headers['x-request-id']);
    const given = await t.http().post('/api/v1/auth/login').set('X-Request-Id', 'lb-1234-abcd').send({}).expect(400);
    expect(given.headers['x-request-id']).toBe('lb-1234-abcd');
  });

  it('sets helmet security headers', async () => {
    const res = await t.http().get('/api/v1/users/me').expect(401);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it("sets every one of helmet's headers, as its middleware would per request, on API answers, errors, pages and static files", async () => {
    // What helmet's own middleware writes on a response, run here per request as @fastify/helmet did.
    const fromHelmet: Record<string, string> = {};
    helmet(helmetOptions(t.config))({} as never, { setHeader: (k: string, v: unknown) => (fromHelmet[k.toLowerCase()] = String(v)), removeHeader: () => undefined } as never, () => undefined);
    expect(Object.keys(fromHelmet)).toEqual(expect.arrayContaining(['content-security-policy', 'strict-transport-security', 'x-frame-options', 'referrer-policy', 'cross-origin-opener-policy']));
    expect(fromHelmet['content-security-policy']).toContain("img-src 'self' data: blob:");
    expect(fromHelmet['content-security-policy']).not.toContain('upgrade-insecure-requests');
    for (const [path, status] of [['/api/v1/users/me', 401], ['/api/v1/no-such-thing', 404], ['/health/live', 200], ['/login', 200], ['/static/app.css', 200]] as const) {
      const res = await t.http().get(path).expect(status);
      for (const [name, value] of Object.entries(fromHelmet)) expect([path, name, res.headers[name]]).toEqual([path, name, value]);
    }
  });

  it('GET /health reports database and redis up, without a token', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, redis: { status: 'up' } } });
  });

  it('serves Swagger UI at /api/docs', async () => {
    const res = await t.http().get('/api/docs').redirects(1).expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('swagger');
  });

  it('documents the auth, users and organizations paths of api.md with bearer security in /api/docs-json', async () => {
    const res = await t.http().get('/api/docs-json').expect(200);
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const op = (path: string, method: string) => {
      const o = doc.paths[path]?.[method];
      if (!o) throw new Error(`${method.toUpperCase()} ${path} is not documented`);
      return o;
    };
    expect(op('/api/v1/auth/login', 'post').security ?? []).toEqual([]);
    expect(Object.keys(op('/api/v1/auth/login', 'post').responses)).toEqual(expect.arrayContaining(['200', '401', '429']));
    for (const [path, method] of [
      ['/api/v1/users/me', 'get'],
      ['/api/v1/users', 'post'],
      ['/api/v1/organizations', 'post'],
      ['/api/v1/organizations', 'get'],
      ['/api/v1/organizations/{id}', 'get'],
      ['/api/v1/organizations/{id}', 'patch'],
    ]) {
      expect(op(path, method).security).toEqual([{ bearer: [] }]);
    }
    expect(op('/api/v1/organizations', 'get').parameters.map((p: { name: string }) => p.name)).toContain('parentId');
    const org = doc.components.schemas.OrganizationDto.properties;
    expect(Object.keys(org)).toEqual(expect.arrayContaining(['id', 'name', 'abbreviation', 'locality', 'shortName', 'nameEn', 'parentId', 'path']));
    const user = doc.components.schemas.UserDto.properties;
    expect(Object.keys(user).sort()).toEqual(['email', 'fullName', 'id', 'organizationId', 'role']);
    expect(doc.components.schemas.CreateUserDto.required).toEqual(expect.arrayContaining(['email', 'password', 'fullName', 'role', 'organizationId']));
  });

  // Last: it cuts this app's Redis connection.
  it('GET /health answers 503 naming redis when Redis does not answer', async () => {
    const queue = t.app.get<Queue>(getQueueToken(QUEUES.mail));
    (await queue.getBackend().client).disconnect();
    const res = await t.http().get('/health').expect(503);
    expect(res.body).toMatchObject({ status: 'error', info: { database: { status: 'up' } }, error: { redis: { status: 'down' } } });
  });
});
