import { startTestApp, TestApp } from '../support/test-app';

// The endpoints of shared/api.md built so far (auth, users, organizations, speakers, events and
// sessions, registrations, delegate self-service, check-in): the OpenAPI document must agree with it.
const CONTRACT: [method: string, path: string][] = [
  ['post', '/api/v1/auth/login'],
  ['get', '/api/v1/users/me'],
  ['post', '/api/v1/users'],
  ['post', '/api/v1/organizations'],
  ['get', '/api/v1/organizations'],
  ['get', '/api/v1/organizations/{id}'],
  ['patch', '/api/v1/organizations/{id}'],
  ['post', '/api/v1/speakers'],
  ['get', '/api/v1/speakers'],
  ['get', '/api/v1/speakers/{id}'],
  ['patch', '/api/v1/speakers/{id}'],
  ['delete', '/api/v1/speakers/{id}'],
  ['post', '/api/v1/events'],
  ['get', '/api/v1/events'],
  ['get', '/api/v1/events/{id}'],
  ['patch', '/api/v1/events/{id}'],
  ['post', '/api/v1/events/{id}/publish'],
  ['post', '/api/v1/events/{id}/complete'],
  ['post', '/api/v1/events/{id}/cancel'],
  ['post', '/api/v1/events/{id}/sessions'],
  ['get', '/api/v1/events/{id}/sessions'],
  ['patch', '/api/v1/sessions/{id}'],
  ['delete', '/api/v1/sessions/{id}'],
  ['put', '/api/v1/events/{id}/quotas'],
  ['post', '/api/v1/events/{id}/registrations'],
  ['post', '/api/v1/events/{id}/registrations/import'],
  ['get', '/api/v1/events/{id}/registrations'],
  ['get', '/api/v1/registrations/{id}'],
  ['patch', '/api/v1/registrations/{id}'],
  ['post', '/api/v1/registrations/{id}/cancel'],
  ['get', '/api/v1/public/registrations/{token}'],
  ['post', '/api/v1/public/registrations/{token}/rsvp'],
  ['post', '/api/v1/public/registrations/{token}/cancel'],
  ['post', '/api/v1/events/{id}/check-ins'],
  ['delete', '/api/v1/check-ins/{id}'],
  ['get', '/api/v1/events/{id}/check-ins/stats'],
];

describe('OpenAPI document and the REST contract', () => {
  let t: TestApp;
  let paths: Record<string, Record<string, unknown>>;

  beforeAll(async () => {
    t = await startTestApp();
    paths = (await t.http().get('/api/docs-json').expect(200)).body.paths;
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each(CONTRACT)('documents %s %s', (method, path) => {
    // Path parameter names may differ ({id} vs {eventId}); the shape of the path must not.
    const shape = (p: string) => p.replace(/\{[^}]+\}/g, '{}');
    const documented = Object.keys(paths).filter((p) => shape(p) === shape(path));
    expect(documented.some((p) => method in paths[p])).toBe(true);
  });
});
