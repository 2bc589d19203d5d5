import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { PageClient } from '../factories/page-client';
import { createUserWithPassword } from '../factories/web';
import { createPublishedEvent, EventBody } from '../factories/events';
import { checkIn, register } from '../factories/registrations';
import { startTestApp, TestApp } from '../support/test-app';

/** GET /reports/events/:id and GET /reports/attendance through HTTP, per api.md, with their refusals. */
describe('reports API', () => {
  let t: TestApp;
  let admin: Actor;
  let province: { id: string };
  let district: { id: string };
  let commune: { id: string };
  let sibling: { id: string };
  let organizer: Actor;
  let leader: Actor;
  let provinceLeader: Actor;
  let siblingLeader: Actor;
  let staff: Actor;
  let event: EventBody;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    province = await createOrganization(t, admin, { name: 'LĐLĐ tỉnh Bình Dương' });
    district = await createOrganization(t, admin, { name: 'LĐLĐ thành phố Thủ Dầu Một', parentId: province.id });
    commune = await createOrganization(t, admin, { name: 'CĐ phường Phú Cường', parentId: district.id });
    sibling = await createOrganization(t, admin, { name: 'LĐLĐ thành phố Dĩ An', parentId: province.id });
    organizer = await createActor(t, admin, 'organizer', district.id);
    leader = await createActor(t, admin, 'leader', district.id);
    provinceLeader = await createActor(t, admin, 'leader', province.id);
    siblingLeader = await createActor(t, admin, 'leader', sibling.id);
    staff = await createActor(t, admin, 'staff', district.id);
    event = await createPublishedEvent(t, organizer, { title: 'Tập huấn kỹ năng thương lượng tập thể' });
    await t.http().put(`/api/v1/events/${event.id}/quotas`).set(organizer.auth).send([{ organizationId: commune.id, seats: 4 }, { organizationId: district.id, seats: 10 }]).expect(200);
    const a = await register(t, event.id, { fullName: 'Nguyễn Thị Hoa', organizationId: commune.id }, organizer);
    await register(t, event.id, { fullName: 'Trần Văn Bình', organizationId: commune.id }, organizer);
    await register(t, event.id, { fullName: 'Lê Văn Cường', organizationId: district.id }, organizer);
    const official = await register(t, event.id, { fullName: 'Phạm Văn Quan', role: 'official', organizationId: district.id }, organizer);
    expect((await checkIn(t, staff, event.id, { code: a.code })).status).toBe(201);
    expect((await checkIn(t, staff, event.id, { code: official.code })).status).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('GET /reports/events/:id answers the totals, units with roll-up and quotas, roles and sessions', async () => {
    const res = await t.http().get(`/api/v1/reports/events/${event.id}`).set(leader.auth).expect(200);
    expect(res.body.event).toMatchObject({ id: event.id, title: 'Tập huấn kỹ năng thương lượng tập thể', timezone: 'Asia/Ho_Chi_Minh' });
    expect(res.body.totals).toMatchObject({ confirmed: 4, checkedIn: 2, noShow: 2, confirmedDelegates: 3, checkedInDelegates: 1, attendanceRate: 0.3333, invited: 0 });
    const units = Object.fromEntries(res.body.byOrganization.map((o: any) => [o.organizationId, o]));
    expect(units[commune.id]).toMatchObject({ name: 'CĐ phường Phú Cường', quota: 4, confirmed: 2, checkedIn: 1, attendanceRate: 0.5, underQuota: true });
    expect(units[district.id]).toMatchObject({ quota: 10, confirmed: 3, checkedIn: 1 });
    expect(units[province.id]).toMatchObject({ quota: null, confirmed: 3 });
    expect(res.body.byRole).toEqual(expect.arrayContaining([expect.objectContaining({ role: 'official', confirmed: 1, checkedIn: 1 })]));
    expect(res.body.bySession).toEqual([]);
  });

  it('a leader of the parent unit may read it; a leader of a sibling subtree is refused (403), staff too, and nobody without a token (401)', async () => {
    await t.http().get(`/api/v1/reports/events/${event.id}`).set(provinceLeader.auth).expect(200);
    const refused = await t.http().get(`/api/v1/reports/events/${event.id}`).set(siblingLeader.auth).expect(403);
    expect(refused.body.message).toMatch(/outside your subtree/);
    await t.http().get(`/api/v1/reports/events/${event.id}`).set(staff.auth).expect(403);
    await t.http().get(`/api/v1/reports/events/${event.id}`).expect(401);
  });

  it('an unknown event is a 404 and a malformed id a 400 naming it', async () => {
    await t.http().get('/api/v1/reports/events/7d3f3c86-5f1b-4c1e-9f2a-1d2b3c4d5e6f').set(leader.auth).expect(404);
    const bad = await t.http().get('/api/v1/reports/events/nope').set(leader.auth).expect(400);
    expect(JSON.stringify(bad.body.message)).toMatch(/id must be a UUID/);
  });

  it('GET /reports/attendance counts the subtree over the period, by unit and by month', async () => {
    const around = (days: number) => new Date(new Date(event.startsAt).getTime() + days * 86_400_000).toISOString().slice(0, 10);
    const res = await t.http().get(`/api/v1/reports/attendance?organizationId=${province.id}&from=${around(-10)}&to=${around(10)}`).set(provinceLeader.auth).expect(200);
    expect(res.body).toMatchObject({ organizationId: province.id, events: 1, confirmed: 3, checkedIn: 1, attendanceRate: 0.3333 });
    const units = Object.fromEntries(res.body.byOrganization.map((o: any) => [o.organizationId, o]));
    expect(units[district.id]).toMatchObject({ confirmed: 3, checkedIn: 1, quota: 14, self: false });
    expect(units[sibling.id]).toMatchObject({ confirmed: 0, checkedIn: 0, quota: null });
    const month = new Date(new Date(event.startsAt).getTime() + 7 * 3_600_000).toISOString().slice(0, 7);
    expect(res.body.byMonth.find((m: any) => m.month === month)).toMatchObject({ events: 1, checkedIn: 1 });
    expect(res.body.byMonth.reduce((n: number, m: any) => n + m.events, 0)).toBe(1);
    expect(res.body.byEvent).toEqual([expect.objectContaining({ eventId: event.id, confirmed: 3, checkedIn: 1 })]);
    expect(res.body.underQuota.map((u: any) => u.organizationId)).toEqual(expect.arrayContaining([commune.id, district.id]));
  });

  it('without organizationId it covers the caller’s own unit; another subtree’s unit is a 403, an unknown one a 404', async () => {
    const own = await t.http().get('/api/v1/reports/attendance').set(leader.auth).expect(200);
    expect(own.body.organizationId).toBe(district.id);
    await t.http().get(`/api/v1/reports/attendance?organizationId=${district.id}`).set(siblingLeader.auth).expect(403);
    await t.http().get(`/api/v1/reports/attendance?organizationId=${province.id}`).set(leader.auth).expect(403);
    await t.http().get('/api/v1/reports/attendance?organizationId=7d3f3c86-5f1b-4c1e-9f2a-1d2b3c4d5e6f').set(admin.auth).expect(404);
    await t.http().get('/api/v1/reports/attendance').set(staff.auth).expect(403);
  });

  it('bad periods are 400s naming the field', async () => {
    const cases: [string, RegExp][] = [
      ['from=2026-13-01', /from must be a date/],
      ['to=yesterday', /to must be a date/],
      ['from=2026-02-30&to=2026-03-01', /from/],
      ['from=2026-05-01&to=2026-04-01', /to/],
      ['from=2000-01-01&to=2026-01-01', /to/],
      ['organizationId=42', /organizationId must be a UUID/],
    ];
    for (const [query, message] of cases) {
      const res = await t.http().get(`/api/v1/reports/attendance?${query}`).set(leader.auth);
      expect([query, res.status, JSON.stringify(res.body.message)]).toEqual([query, 400, expect.stringMatching(message)]);
    }
  });
});

describe('the reports link in the menu', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is offered to a leader, who can open it, and not to desk staff, who may not', async () => {
    const admin = await loginAdmin(t);
    const unit = await createOrganization(t, admin, { name: 'LĐLĐ huyện Dầu Tiếng' });
    const menuLinks = async (role: 'leader' | 'staff') => {
      const user = await createUserWithPassword(t, admin, role, unit.id);
      const c = new PageClient(t);
      await c.login(user.email, user.password);
      const home = await c.get('/');
      expect(home.status).toBe(200);
      const nav = /<nav class="mainnav"[\s\S]*?<\/nav>/.exec(home.text)?.[0] ?? '';
      return { nav, c };
    };
    const leader = await menuLinks('leader');
    expect(leader.nav).toContain('href="/reports"');
    expect((await leader.c.get('/reports')).status).toBe(200);
    const staff = await menuLinks('staff');
    expect(staff.nav).not.toContain('href="/reports"');
    expect((await staff.c.get('/reports')).status).toBe(403);
  });
});
