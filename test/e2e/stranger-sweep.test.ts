import sharp from 'sharp';
import type { Response, Test } from 'supertest';
import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { createEvent, createPublishedEvent, createSession, createSpeaker, EventBody } from '../factories/events';
import { checkIn, csvFile, delegateFields, register, RegistrationBody } from '../factories/registrations';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Every /api/v1 endpoint, with ids of unit A's resources: no token → 401
 * (except what api.md makes public), users of other subtrees are refused
 * (403/404, never 2xx) and change nothing, and leaders/staff cannot write.
 */

interface Row {
  label: string;
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: () => string;
  body?: () => unknown;
  /** A CSV upload as `file`. */
  upload?: boolean;
  /** Changes state (leaders, and staff unless staffMay, must get 403). */
  write: boolean;
  staffMay?: boolean;
  /** What a request without a token gets (default 401). */
  anonymous?: number[];
  /** What leaders and staff of unit A get for this write (default 403). */
  ownRoles?: number[];
  /** Readable from a child unit by design (a federation's speakers serve its units). */
  childMayRead?: boolean;
  /** A list filtered to the caller's subtree: a stranger gets 200 with nothing of A (organizations.test.ts states it). */
  emptyForStrangers?: boolean;
}

describe('stranger sweep over /api/v1', () => {
  let t: TestApp;
  let admin: Actor;
  let orgA: { id: string };
  let childA: { id: string };
  let organizerA: Actor;
  let leaderA: Actor;
  let staffA: Actor;
  const strangers: Record<string, Actor> = {};
  let published: EventBody;
  let draft: EventBody;
  let session: { id: string };
  let speaker: { id: string };
  let reg: RegistrationBody;
  let checkInId: string;
  let mailId: string;
  let photoId: string;
  let articleId: string;
  let batchId: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    const root = await createOrganization(t, admin, { name: 'LĐLĐ tỉnh stranger' });
    orgA = await createOrganization(t, admin, { name: 'A - CĐ ngành Y tế', parentId: root.id });
    childA = await createOrganization(t, admin, { name: 'A1 - CĐ Bệnh viện', parentId: orgA.id });
    const sibling = await createOrganization(t, admin, { name: 'S - CĐ ngành Giáo dục', parentId: root.id });
    const orgB = await createOrganization(t, admin, { name: 'B - LĐLĐ tỉnh khác' });
    organizerA = await createActor(t, admin, 'organizer', orgA.id);
    leaderA = await createActor(t, admin, 'leader', orgA.id);
    staffA = await createActor(t, admin, 'staff', orgA.id);
    for (const role of ['organizer', 'leader', 'staff'] as const) strangers[`${role} of another province`] = await createActor(t, admin, role, orgB.id);
    strangers['organizer of a sibling unit'] = await createActor(t, admin, 'organizer', sibling.id);
    strangers['organizer of a child unit'] = await createActor(t, admin, 'organizer', childA.id);
    strangers['staff of a child unit'] = await createActor(t, admin, 'staff', childA.id);

    published = await createPublishedEvent(t, organizerA, { registrationOpensAt: new Date(Date.now() - 86_400_000).toISOString() });
    draft = await createEvent(t, organizerA);
    session = await createSession(t, organizerA, published);
    speaker = await createSpeaker(t, organizerA);
    reg = await register(t, published.id, {}, organizerA);
    await register(t, published.id, {}, organizerA);
    const ci = await checkIn(t, organizerA, published.id, { code: reg.code });
    expect(ci.status).toBe(201);
    checkInId = ci.body.checkIn.id;
    await t.http().put(`/api/v1/events/${published.id}/quotas`).set(organizerA.auth).send([{ organizationId: childA.id, seats: 3 }]).expect(200);
    mailId = (await t.dataSource.query(`SELECT id FROM mail_message LIMIT 1`))[0].id;
    // A recap photo and a written article (waited for: no job may change a row during the sweep).
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#777' } }).jpeg().toBuffer();
    photoId = (await t.http().post(`/api/v1/events/${published.id}/photos`).set(organizerA.auth).field('caption', 'Ảnh').attach('file', jpeg, 'a.jpg').expect(201)).body.id;
    articleId = (await t.http().post(`/api/v1/events/${published.id}/articles`).set(organizerA.auth).send({ language: 'vi' }).expect(202)).body.id;
    for (let i = 0; i < 300 && (await t.http().get(`/api/v1/articles/${articleId}`).set(organizerA.auth)).body.status === 'generating'; i++) await new Promise((r) => setTimeout(r, 100));
    // An invitation batch, waited for until every mail is written and kept (no job may change a row during the sweep).
    batchId = (await t.http().post(`/api/v1/events/${published.id}/invitations`).set(organizerA.auth).send({ status: 'confirmed' }).expect(202)).body.batchId;
    for (let i = 0; i < 300 && !(await t.http().get(`/api/v1/invitation-batches/${batchId}`).set(organizerA.auth)).body.done; i++) await new Promise((r) => setTimeout(r, 100));
  });
  afterAll(async () => {
    await t?.close();
  });

  const later = (h: number) => new Date(new Date(published.startsAt).getTime() + h * 3_600_000).toISOString();
  const rows: Row[] = [
    { label: 'GET /users/me', method: 'get', path: () => '/api/v1/users/me', write: false },
    { label: 'POST /users', method: 'post', path: () => '/api/v1/users', body: () => ({ email: `x-${Date.now()}@test.local`, password: 'password-1', fullName: 'X', role: 'organizer', organizationId: orgA.id }), write: true },
    { label: 'GET /users?organizationId', method: 'get', path: () => `/api/v1/users?organizationId=${orgA.id}`, write: false },
    { label: 'GET /users/:id', method: 'get', path: () => `/api/v1/users/${staffA.id}`, write: false },
    { label: 'PATCH /users/:id', method: 'patch', path: () => `/api/v1/users/${staffA.id}`, body: () => ({ active: false }), write: true },
    { label: 'POST /users/:id/sign-out-everywhere', method: 'post', path: () => `/api/v1/users/${staffA.id}/sign-out-everywhere`, write: true },
    { label: 'POST /users/:id/password-reset', method: 'post', path: () => `/api/v1/users/${staffA.id}/password-reset`, write: true },
    { label: 'GET /audit', method: 'get', path: () => `/api/v1/audit?organizationId=${orgA.id}`, write: false },
    { label: 'POST /organizations', method: 'post', path: () => '/api/v1/organizations', body: () => ({ name: 'Chui vào', parentId: orgA.id }), write: true },
    { label: 'GET /organizations?parentId', method: 'get', path: () => `/api/v1/organizations?parentId=${orgA.id}`, write: false, emptyForStrangers: true },
    { label: 'GET /organizations/:id', method: 'get', path: () => `/api/v1/organizations/${orgA.id}`, write: false },
    { label: 'PATCH /organizations/:id', method: 'patch', path: () => `/api/v1/organizations/${orgA.id}`, body: () => ({ name: 'Đổi tên' }), write: true },
    { label: 'POST /speakers', method: 'post', path: () => '/api/v1/speakers', body: () => ({ fullName: 'Chui vào', organizationId: orgA.id }), write: true },
    { label: 'GET /speakers/:id', method: 'get', path: () => `/api/v1/speakers/${speaker.id}`, write: false, childMayRead: true },
    { label: 'PATCH /speakers/:id', method: 'patch', path: () => `/api/v1/speakers/${speaker.id}`, body: () => ({ bio: 'sửa' }), write: true },
    { label: 'DELETE /speakers/:id', method: 'delete', path: () => `/api/v1/speakers/${speaker.id}`, write: true },
    { label: 'POST /events', method: 'post', path: () => '/api/v1/events', body: () => ({ title: 'Chui vào', kind: 'training', organizationId: orgA.id, startsAt: later(48), endsAt: later(50), registrationMode: 'open' }), write: true },
    { label: 'GET /events?organizationId', method: 'get', path: () => `/api/v1/events?organizationId=${orgA.id}`, write: false },
    { label: 'GET /events/:id', method: 'get', path: () => `/api/v1/events/${published.id}`, write: false },
    { label: 'PATCH /events/:id', method: 'patch', path: () => `/api/v1/events/${published.id}`, body: () => ({ venue: 'Nơi khác' }), write: true },
    { label: 'POST /events/:id/publish', method: 'post', path: () => `/api/v1/events/${draft.id}/publish`, write: true },
    { label: 'POST /events/:id/complete', method: 'post', path: () => `/api/v1/events/${published.id}/complete`, write: true },
    { label: 'POST /events/:id/cancel', method: 'post', path: () => `/api/v1/events/${published.id}/cancel`, write: true },
    { label: 'GET /events/:id/sessions', method: 'get', path: () => `/api/v1/events/${published.id}/sessions`, write: false },
    { label: 'POST /events/:id/sessions', method: 'post', path: () => `/api/v1/events/${published.id}/sessions`, body: () => ({ title: 'Chui vào', startsAt: later(1), endsAt: later(2), speakers: [] }), write: true },
    { label: 'PATCH /sessions/:id', method: 'patch', path: () => `/api/v1/sessions/${session.id}`, body: () => ({ room: 'P.2' }), write: true },
    { label: 'DELETE /sessions/:id', method: 'delete', path: () => `/api/v1/sessions/${session.id}`, write: true },
    { label: 'GET /events/:id/quotas', method: 'get', path: () => `/api/v1/events/${published.id}/quotas`, write: false },
    { label: 'PUT /events/:id/quotas', method: 'put', path: () => `/api/v1/events/${published.id}/quotas`, body: () => [], write: true },
    // A draft event: nobody may register on it without the organizer's rights.
    { label: 'POST /events/:id/registrations (draft)', method: 'post', path: () => `/api/v1/events/${draft.id}/registrations`, body: () => delegateFields(), write: true, anonymous: [404, 409], ownRoles: [403, 404] },
    { label: 'POST /events/:id/registrations (as official)', method: 'post', path: () => `/api/v1/events/${published.id}/registrations`, body: () => delegateFields({ role: 'official' }), write: true, anonymous: [403] },
    { label: 'POST /events/:id/registrations/import', method: 'post', path: () => `/api/v1/events/${published.id}/registrations/import`, upload: true, write: true },
    { label: 'GET /events/:id/registrations', method: 'get', path: () => `/api/v1/events/${published.id}/registrations`, write: false },
    { label: 'GET /registrations/:id', method: 'get', path: () => `/api/v1/registrations/${reg.id}`, write: false },
    { label: 'PATCH /registrations/:id', method: 'patch', path: () => `/api/v1/registrations/${reg.id}`, body: () => ({ phone: '0900000000' }), write: true },
    { label: 'POST /registrations/:id/cancel', method: 'post', path: () => `/api/v1/registrations/${reg.id}/cancel`, write: true },
    { label: 'POST /events/:id/check-ins', method: 'post', path: () => `/api/v1/events/${published.id}/check-ins`, body: () => ({ registrationId: reg.id }), write: true, staffMay: true },
    { label: 'GET /events/:id/check-ins/stats', method: 'get', path: () => `/api/v1/events/${published.id}/check-ins/stats`, write: false },
    { label: 'DELETE /check-ins/:id', method: 'delete', path: () => `/api/v1/check-ins/${checkInId}`, write: true },
    { label: 'GET /admin/mail-messages', method: 'get', path: () => '/api/v1/admin/mail-messages', write: false },
    { label: 'GET /admin/mail-messages/:id', method: 'get', path: () => `/api/v1/admin/mail-messages/${mailId}`, write: false },
    // Invitations (issue 9).
    { label: 'POST /events/:id/invitations', method: 'post', path: () => `/api/v1/events/${published.id}/invitations`, body: () => ({}), write: true },
    { label: 'GET /events/:id/invitations', method: 'get', path: () => `/api/v1/events/${published.id}/invitations`, write: false },
    { label: 'GET /events/:id/invitation-batches', method: 'get', path: () => `/api/v1/events/${published.id}/invitation-batches`, write: false },
    { label: 'GET /invitation-batches/:id', method: 'get', path: () => `/api/v1/invitation-batches/${batchId}`, write: false },
    { label: 'POST /invitation-batches/:id/retry', method: 'post', path: () => `/api/v1/invitation-batches/${batchId}/retry`, body: () => ({}), write: true },
    { label: 'GET /registrations/:id/mails', method: 'get', path: () => `/api/v1/registrations/${reg.id}/mails`, write: false },
    // Reports, exports and certificates (issue 11): reads, each only within the subtree.
    { label: 'GET /reports/events/:id', method: 'get', path: () => `/api/v1/reports/events/${published.id}`, write: false },
    { label: 'GET /reports/attendance?organizationId', method: 'get', path: () => `/api/v1/reports/attendance?organizationId=${orgA.id}`, write: false },
    { label: 'GET /reports/events/:id/attendance.csv', method: 'get', path: () => `/api/v1/reports/events/${published.id}/attendance.csv`, write: false },
    { label: 'GET /reports/events/:id/attendance.xlsx', method: 'get', path: () => `/api/v1/reports/events/${published.id}/attendance.xlsx`, write: false },
    { label: 'GET /events/:id/sign-in-sheet.pdf', method: 'get', path: () => `/api/v1/events/${published.id}/sign-in-sheet.pdf`, write: false },
    { label: 'GET /events/:id/badges.pdf', method: 'get', path: () => `/api/v1/events/${published.id}/badges.pdf`, write: false },
    { label: 'GET /registrations/:id/certificate', method: 'get', path: () => `/api/v1/registrations/${reg.id}/certificate`, write: false },
    { label: 'GET /registrations/:id/certificate.pdf', method: 'get', path: () => `/api/v1/registrations/${reg.id}/certificate.pdf`, write: false },
    { label: 'GET /events/:id/recap', method: 'get', path: () => `/api/v1/events/${published.id}/recap`, write: false },
    { label: 'PUT /events/:id/recap', method: 'put', path: () => `/api/v1/events/${published.id}/recap`, body: () => ({ author: 'Chui vào' }), write: true },
    { label: 'POST /events/:id/photos', method: 'post', path: () => `/api/v1/events/${published.id}/photos`, upload: true, write: true },
    { label: 'DELETE /photos/:id', method: 'delete', path: () => `/api/v1/photos/${photoId}`, write: true },
    { label: 'POST /events/:id/articles', method: 'post', path: () => `/api/v1/events/${published.id}/articles`, body: () => ({ language: 'vi', overwriteEdits: true }), write: true },
    { label: 'GET /articles?eventId', method: 'get', path: () => `/api/v1/articles?eventId=${published.id}`, write: false },
    { label: 'GET /articles/:id', method: 'get', path: () => `/api/v1/articles/${articleId}`, write: false },
    { label: 'PATCH /articles/:id', method: 'patch', path: () => `/api/v1/articles/${articleId}`, body: () => ({ title: 'Chui vào' }), write: true },
    { label: 'POST /articles/:id/publish', method: 'post', path: () => `/api/v1/articles/${articleId}/publish`, write: true },
    { label: 'POST /articles/:id/unpublish', method: 'post', path: () => `/api/v1/articles/${articleId}/unpublish`, write: true },
    { label: 'POST /articles/:id/restore-previous', method: 'post', path: () => `/api/v1/articles/${articleId}/restore-previous`, write: true },
  ];

  const send = (row: Row, actor: Actor | null): Test => {
    let r = t.http()[row.method](row.path());
    if (actor) r = r.set(actor.auth);
    if (row.upload) return r.attach('file', csvFile(['fullName,email', `Chui Vào,chui-${Date.now()}@test.local`]), 'x.csv');
    return row.body ? r.send(row.body() as object) : r;
  };

  /** Every row of the tables a request could change, updated_at included. */
  const snapshot = async () => {
    const tables = ['user_account', 'organization', 'speaker', 'event', 'session', 'session_speaker', 'event_quota', 'registration', 'check_in', 'mail_message', 'event_recap', 'event_photo', 'article', 'invitation_batch', 'invitation'];
    const out: Record<string, string[]> = {};
    for (const table of tables) {
      out[table] = (await t.dataSource.query(`SELECT to_jsonb(x)::text AS row FROM ${table} x ORDER BY 1`)).map((r: { row: string }) => r.row);
    }
    return out;
  };
  const line = (who: string, row: Row, res: Response) => `${row.label} as ${who} → ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`;

  it('without a token: 401 in the NestJS shape, except login, public registrations and self-registration on a published open event', async () => {
    const before = await snapshot();
    const wrong: string[] = [];
    for (const row of rows) {
      const res = await send(row, null);
      const expected = row.anonymous ?? [401];
      if (!expected.includes(res.status) || res.body?.statusCode !== res.status || typeof res.body?.error !== 'string') wrong.push(line('anonymous', row, res));
    }
    // A bad or expired token is no token.
    for (const auth of ['Bearer nope', 'Bearer ' + organizerA.token.slice(0, -4) + 'AAAA', 'Basic YWRtaW46YWRtaW4=', organizerA.token]) {
      const res = await t.http().get(`/api/v1/events/${published.id}`).set('Authorization', auth);
      if (res.status !== 401) wrong.push(`GET /events/:id with Authorization "${auth.slice(0, 20)}…" → ${res.status}`);
    }
    expect(wrong).toEqual([]);
    expect(await snapshot()).toEqual(before);
    // The public ones really are public.
    expect((await t.http().post(`/api/v1/events/${published.id}/registrations`).send(delegateFields())).status).toBe(201);
    expect((await t.http().get(`/api/v1/public/registrations/${reg.token}`)).status).toBe(200);
  });

  it('users of another subtree (other province, sibling unit, child unit) are refused with 403/404 and change nothing', async () => {
    const before = await snapshot();
    const wrong: string[] = [];
    for (const [who, actor] of Object.entries(strangers)) {
      for (const row of rows) {
        if (row.label === 'GET /users/me') continue;
        if (row.childMayRead && who.includes('child unit')) {
          const res = await send(row, actor);
          if (res.status !== 200) wrong.push(line(who, row, res));
          continue;
        }
        if (row.emptyForStrangers) {
          const res = await send(row, actor);
          const leaked = res.status === 200 && (res.body as { id: string }[]).some((o) => o.id !== childA.id || !who.includes('child unit'));
          if (![200, 403, 404].includes(res.status) || leaked) wrong.push(line(who, row, res));
          continue;
        }
        const res = await send(row, actor);
        if (![403, 404].includes(res.status) || res.body?.statusCode !== res.status) wrong.push(line(who, row, res));
      }
    }
    expect(wrong).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it("lists a stranger may read hold none of unit A's resources", async () => {
    for (const [who, actor] of Object.entries(strangers)) {
      // A child unit sees its own unit and its ancestors' speakers by design; nothing else of A.
      const aIds = [orgA.id, published.id, draft.id, ...(who.includes('child unit') ? [] : [childA.id, speaker.id])];
      for (const path of ['/api/v1/events', '/api/v1/speakers', '/api/v1/organizations']) {
        const res = await t.http().get(path).set(actor.auth);
        const ids = (Array.isArray(res.body) ? res.body : res.body.items).map((i: { id: string }) => i.id);
        expect([who, path, res.status, ids.filter((id: string) => aIds.includes(id))]).toEqual([who, path, 200, []]);
      }
    }
  });

  it('leaders and staff of unit A cannot write in their own subtree (403), except staff checking in', async () => {
    const before = await snapshot();
    const wrong: string[] = [];
    for (const actor of [leaderA, staffA]) {
      for (const row of rows.filter((r) => r.write)) {
        if (row.staffMay && actor.role === 'staff') continue;
        // A draft is invisible to leaders and staff (404); every other write is a 403.
        const res = await send(row, actor);
        if (!(row.ownRoles ?? [403]).includes(res.status) || res.body?.statusCode !== res.status) wrong.push(line(actor.role, row, res));
      }
    }
    expect(wrong).toEqual([]);
    expect(await snapshot()).toEqual(before);
    // …and may read what their role allows.
    expect((await t.http().get(`/api/v1/events/${published.id}/check-ins/stats`).set(leaderA.auth)).status).toBe(200);
    expect((await t.http().get(`/api/v1/events/${published.id}`).set(staffA.auth)).status).toBe(200);
    const staffCheckIn = await t.http().post(`/api/v1/events/${published.id}/check-ins`).set(staffA.auth).send({ registrationId: reg.id });
    expect([staffCheckIn.status, staffCheckIn.body.duplicate]).toEqual([200, true]);
  });
});
