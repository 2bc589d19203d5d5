import { createOrganization, loginAdmin } from '../factories';
import { createEvent, createSession, createSpeaker, publishEvent } from '../factories/events';
import { register } from '../factories/registrations';
import type { TestApp } from './test-app';

/**
 * The page routes (not /api/, /health, the queue dashboard, wildcards or /assets/ library files)
 * that the app's Fastify router holds for `method`, read from `printRoutes` (a tree of path
 * segments; `:a|:b` where routes name one parameter differently, the last one standing for them).
 */
export function pageRoutes(t: TestApp, method: 'GET' | 'POST'): string[] {
  const tree = t.app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const paths: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)(?:├── |└── )(.*?)(?: \(([^)]*)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1].length / 4;
    stack.length = depth;
    stack[depth] = m[2].replace(/:[^/|]+\|/g, '');
    if (m[3]?.split(', ').includes(method)) paths.push(stack.join(''));
  }
  return [...new Set(paths)].filter((p) => !p.startsWith('/api/') && !/^\/health(\/|$)/.test(p) && !p.startsWith('/admin/queues') && !/[*{]/.test(p) && !p.includes('/assets/')).sort();
}

/** Whether `path` (no query) is an instance of `route` (`/events/:id/publish`). */
export function matchesRoute(route: string, path: string): boolean {
  const pattern = route.split('/').map((s) => (s.startsWith(':') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
  return new RegExp(`^${pattern}/?$`, 'i').test(path);
}

/**
 * One row of each kind the page routes name (an organization, a published event with a session,
 * a speaker, a registration, a mail, a published article, the admin user), as route parameters.
 */
export async function pageRouteParams(t: TestApp): Promise<Record<string, string>> {
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
  return {
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
}

/** A route with its parameters filled with ids of rows that exist (the owner of `:id` depends on the prefix). */
export function fillRoute(route: string, params: Record<string, string>): string {
  const idOf = route.startsWith('/organizations/') ? params.organizationId : route.startsWith('/speakers/') ? params.speakerId : route.startsWith('/admin/outbox/') ? params.mailId : route.startsWith('/articles/') ? params.articleId : route.startsWith('/registrations/') ? params.registrationId : route.startsWith('/users/') ? params.userId : params.id;
  if (route.startsWith('/news/')) route = route.replace(':slug', params.articleSlug);
  // The event's registration: its second :id.
  route = route.replace(/^\/events\/:id\/registrations\/:id\//, `/events/${params.id}/registrations/${params.registrationId}/`);
  return route.replace(/:(\w+)/g, (_, name: string) => (name === 'id' ? idOf : (params[name] ?? `unknown-${name}`)));
}
