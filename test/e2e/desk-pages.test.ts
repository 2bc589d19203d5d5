import { Actor, createOrganization, loginAdmin, loginAs } from '../factories';
import { createEvent, createPublishedEvent, createSession } from '../factories/events';
import { PageClient } from '../factories/page-client';
import { register } from '../factories/registrations';
import { createUserWithPassword } from '../factories/web';
import { startTestApp, TestApp } from '../support/test-app';

describe('check-in desk page', () => {
  let t: TestApp;
  let admin: Actor;
  let organizer: Actor;
  let staff: { email: string; password: string };
  let leader: { email: string; password: string };
  let strangerStaff: { email: string; password: string };
  let org: { id: string };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    org = await createOrganization(t, admin);
    const other = await createOrganization(t, admin);
    const o = await createUserWithPassword(t, admin, 'organizer', org.id);
    organizer = await loginAs(t, o.email, o.password);
    staff = await createUserWithPassword(t, admin, 'staff', org.id);
    leader = await createUserWithPassword(t, admin, 'leader', org.id);
    strangerStaff = await createUserWithPassword(t, admin, 'staff', other.id);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function as(user: { email: string; password: string }): Promise<PageClient> {
    const c = new PageClient(t);
    await c.login(user.email, user.password);
    return c;
  }

  it('sends a visitor without a session to the login page and back', async () => {
    const ev = await createPublishedEvent(t, organizer);
    const res = await t.http().get(`/desk/${ev.id}`).set('Accept', 'text/html');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(`/desk/${ev.id}`)}`);
  });

  it('refuses staff of another subtree (403) and a leader (403), and answers 400 for a malformed id', async () => {
    const ev = await createPublishedEvent(t, organizer);
    const stranger = await as(strangerStaff);
    const refused = await stranger.get(`/desk/${ev.id}`);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('Lỗi 403');
    expect(refused.text).not.toContain(ev.title);
    expect((await (await as(leader)).get(`/desk/${ev.id}`)).status).toBe(403);
    expect((await stranger.get('/desk/not-a-uuid')).status).toBe(400);
  });

  it('shows the desk to staff of the subtree: autofocused code input, sessions, live figures, unit names for the result panel', async () => {
    const unit = await createOrganization(t, admin, { parentId: org.id, name: 'CĐCS "Điện lực" <b>' });
    const ev = await createPublishedEvent(t, organizer, { title: 'Hội nghị <i>điểm danh</i>' });
    const session = await createSession(t, organizer, ev, { title: 'Phiên khai mạc' });
    await register(t, ev.id, { organizationId: unit.id });
    await register(t, ev.id);
    const c = await as(staff);
    const res = await c.get(`/desk/${ev.id}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<input id="desk-code" name="code" class="desk-code" type="text" autofocus');
    expect(res.text).toContain(`<option value="${session.id}">`);
    expect(res.text).toContain('Phiên khai mạc');
    expect(res.text).toMatch(/<span id="desk-checked">0<\/span> \/ <span id="desk-expected">2<\/span>/);
    expect(res.text).toContain('<script src="/static/desk.js" defer></script>');
    // User text is escaped, in the heading and inside the data attribute the script reads.
    expect(res.text).toContain('Hội nghị &lt;i&gt;điểm danh&lt;/i&gt;');
    expect(res.text).not.toContain('<i>điểm danh</i>');
    const units = JSON.parse((/data-units="([^"]*)"/.exec(res.text)?.[1] ?? '').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'").replace(/&amp;/g, '&'));
    expect(units[unit.id]).toBe('CĐCS "Điện lực" <b>');
    // No inline script: the CSP stays strict.
    expect(res.text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
  });

  it('lets the page check in through the JSON API with its session cookie and the CSRF header, and refuses it without the header', async () => {
    const ev = await createPublishedEvent(t, organizer);
    const r = await register(t, ev.id);
    const c = await as(staff);
    const page = await c.get(`/desk/${ev.id}`);
    const csrf = /data-csrf="([^"]+)"/.exec(page.text)?.[1] ?? '';
    expect(csrf).not.toBe('');
    const url = `/api/v1/events/${ev.id}/check-ins`;
    const without = await t.http().post(url).set('Cookie', c.cookie).send({ code: r.code });
    expect(without.status).toBe(403);
    const scannedAt = new Date(Date.now() - 60_000).toISOString();
    const ok = await t.http().post(url).set('Cookie', c.cookie).set('x-csrf-token', csrf).send({ code: r.code, nonce: 'desk-e2e-1', scannedAt });
    expect(ok.status).toBe(201);
    expect(ok.body.checkIn.checkedInAt).toBe(scannedAt);
    const stats = await t.http().get(`/api/v1/events/${ev.id}/check-ins/stats`).set('Cookie', c.cookie).expect(200);
    expect(stats.body).toMatchObject({ expected: 1, checkedIn: 1 });
  });

  it("serves the desk's service worker at /desk/sw.js to anyone: JavaScript, never stored, its cache version filled in", async () => {
    const res = await t.http().get('/desk/sw.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    // Scope /desk/ follows from its path: no Service-Worker-Allowed header is needed.
    expect(res.headers['service-worker-allowed']).toBeUndefined();
    const version = /var VERSION = '([0-9a-f]{16})';/.exec(res.text)?.[1];
    expect(version).toBeDefined();
    expect(res.text).not.toContain('__DESK_SW_VERSION__');
    expect((await t.http().get('/desk/sw.js')).text).toBe(res.text);

    // Every file the desk page loads (and the QR decoder desk.js may load) is one the worker keeps for offline use.
    const kept = JSON.parse((/var ASSETS = (\[[^\]]*\]);/.exec(res.text)?.[1] ?? '[]').replace(/'/g, '"')) as string[];
    const ev = await createPublishedEvent(t, organizer);
    const page = await (await as(staff)).get(`/desk/${ev.id}`);
    const loaded = [...page.text.matchAll(/<(?:script[^>]*\ssrc|link[^>]*\shref)="(\/[^"]*)"/g)].map((m) => m[1]);
    expect(loaded.length).toBeGreaterThanOrEqual(4);
    expect(kept).toEqual(expect.arrayContaining([...loaded, '/desk/assets/jsqr.js']));
  });

  it("accepts the CSRF token of a desk page made earlier in the same session (what the worker's offline copy sends)", async () => {
    const ev = await createPublishedEvent(t, organizer);
    const r = await register(t, ev.id);
    const c = await as(staff);
    const first = await c.get(`/desk/${ev.id}`);
    const kept = /data-csrf="([^"]+)"/.exec(first.text)?.[1] ?? '';
    const userId = /data-user-id="([^"]+)"/.exec(first.text)?.[1];
    expect(userId).toBe((await t.http().get('/api/v1/users/me').set('Cookie', c.cookie).expect(200)).body.id);
    expect(Date.parse(/data-rendered-at="([^"]+)"/.exec(first.text)?.[1] ?? '')).toBeGreaterThan(Date.now() - 60_000);
    // The page is made again (online, network first) before the kept copy's scan is sent.
    const again = await c.get(`/desk/${ev.id}`);
    expect(/data-csrf="([^"]+)"/.exec(again.text)?.[1]).not.toBe(kept);
    const scannedAt = new Date(Date.now() - 120_000).toISOString();
    const ok = await t.http().post(`/api/v1/events/${ev.id}/check-ins`).set('Cookie', c.cookie).set('x-csrf-token', kept).send({ code: r.code, nonce: 'desk-e2e-kept', scannedAt });
    expect(ok.status).toBe(201);
    expect(ok.body.checkIn.checkedInAt).toBe(scannedAt);
  });

  it('lists the published events of the subtree to choose a desk from', async () => {
    const published = await createPublishedEvent(t, organizer, { title: 'Sự kiện có bàn điểm danh' });
    const draft = await createEvent(t, organizer, { title: 'Bản nháp không có bàn' });
    const res = await (await as(staff)).get('/desk');
    expect(res.status).toBe(200);
    expect(res.text).toContain(`href="/desk/${published.id}"`);
    expect(res.text).not.toContain(draft.title);
    const strangerList = await (await as(strangerStaff)).get('/desk');
    expect(strangerList.text).not.toContain(published.title);
  });

  it("the desk's name search gives status and check-in time, only to staff of the event's subtree", async () => {
    const ev = await createPublishedEvent(t, organizer);
    const arrived = await register(t, ev.id, { fullName: 'Quách Thị Đến' });
    await register(t, ev.id, { fullName: 'Quách Văn Chưa' });
    await t.http().post(`/api/v1/events/${ev.id}/check-ins`).set(organizer.auth).send({ code: arrived.code }).expect(201);
    const desk = await as(staff);
    const res = await t.http().get(`/desk/${ev.id}/search`).query({ q: 'quach' }).set('Cookie', desk.cookie).set('Accept', 'application/json');
    expect(res.status).toBe(200);
    const items = res.body.items as { fullName: string; status: string; checkedInAt: string | null }[];
    expect(items.map((i) => [i.fullName, i.status, i.checkedInAt !== null])).toEqual([
      ['Quách Văn Chưa', 'confirmed', false],
      ['Quách Thị Đến', 'confirmed', true],
    ]);
    const stranger = await as(strangerStaff);
    expect((await t.http().get(`/desk/${ev.id}/search`).query({ q: 'quach' }).set('Cookie', stranger.cookie).set('Accept', 'application/json')).status).toBe(403);
    expect((await t.http().get(`/desk/${ev.id}/search`).query({ q: 'x'.repeat(101) }).set('Cookie', desk.cookie).set('Accept', 'application/json')).status).toBe(400);
  });
});
