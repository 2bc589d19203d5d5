import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { createPublishedEvent, createSpeaker } from '../factories/events';
import { register } from '../factories/registrations';
import { createUserWithPassword } from '../factories/web';
import { PageClient } from '../factories/page-client';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Lists people read are in Vietnamese order (ICU `vi` collation), people by given name then the
 * rest: in code-point order Đặng and Đỗ came after Võ, and Huỳnh before Hồ.
 */
describe('Vietnamese ordering of names and units', () => {
  let t: TestApp;
  let admin: Actor;
  let organizer: Actor;
  let root: { id: string; name: string };
  // Given names: An, Bình, Dũng, Đào, Hà, Hùng, Ơn (Vietnamese order: A B D Đ H… O Ô Ơ).
  const people = ['Võ Thị Ơn', 'Đỗ Văn Dũng', 'Đặng Thị Đào', 'Huỳnh Văn Hùng', 'Hồ Thị Hà', 'Nguyễn Văn An', 'Trần Bình'];
  const byGivenName = ['Nguyễn Văn An', 'Trần Bình', 'Đỗ Văn Dũng', 'Đặng Thị Đào', 'Hồ Thị Hà', 'Huỳnh Văn Hùng', 'Võ Thị Ơn'];
  const units = ['Công đoàn Ủy ban', 'Công đoàn Đường sắt', 'Công đoàn Điện lực', 'Công đoàn Dệt may', 'Công đoàn Y tế', 'Công đoàn Ô tô'];
  const unitOrder = ['Công đoàn Dệt may', 'Công đoàn Điện lực', 'Công đoàn Đường sắt', 'Công đoàn Ô tô', 'Công đoàn Ủy ban', 'Công đoàn Y tế'];
  let eventId = '';
  let slug = '';
  let organizerLogin: { email: string; password: string };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    root = await createOrganization(t, admin, { name: 'Liên đoàn Lao động tỉnh Vĩnh Long' });
    for (const name of units) await createOrganization(t, admin, { parentId: root.id, name });
    organizerLogin = await createUserWithPassword(t, admin, 'organizer', root.id);
    organizer = await createActor(t, admin, 'organizer', root.id);
    const event = await createPublishedEvent(t, organizer, { organizationId: root.id });
    eventId = event.id;
    slug = event.slug;
    for (const fullName of people) {
      await register(t, eventId, { fullName }, organizer);
      await createSpeaker(t, organizer, { fullName });
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('the ICU vi collation sorts Đ after D and the tones after their letter', async () => {
    const rows: { w: string }[] = await t.dataSource.query(`SELECT w FROM unnest($1::text[]) w ORDER BY w COLLATE vi`, [['Võ', 'Đỗ', 'Đặng', 'Dương', 'Huỳnh', 'Hồ']]);
    expect(rows.map((r) => r.w)).toEqual(['Dương', 'Đặng', 'Đỗ', 'Hồ', 'Huỳnh', 'Võ']);
  });

  it('lists registrations by given name, then family and middle names', async () => {
    const res = await t.http().get(`/api/v1/events/${eventId}/registrations`).query({ pageSize: 50 }).set(organizer.auth).expect(200);
    expect(res.body.items.map((r: { fullName: string }) => r.fullName)).toEqual(byGivenName);
  });

  it('lists speakers by given name', async () => {
    const res = await t.http().get('/api/v1/speakers').query({ pageSize: 50 }).set(organizer.auth).expect(200);
    expect(res.body.items.map((s: { fullName: string }) => s.fullName)).toEqual(byGivenName);
  });

  it('lists units in Vietnamese order (a level at a time, the federation first)', async () => {
    const res = await t.http().get('/api/v1/organizations').set(organizer.auth).expect(200);
    const names = (Array.isArray(res.body) ? res.body : res.body.items).map((o: { name: string }) => o.name);
    expect(names).toEqual([root.name, ...unitOrder]);
  });

  it('the public registration form offers the organizer unit first, then the units in Vietnamese order', async () => {
    const page = await t.http().get(`/e/${slug}`).expect(200);
    const options = [...page.text.matchAll(/<option value="[0-9a-f-]{36}"[^>]*>([^<]+)<\/option>/g)].map((m) => m[1]);
    expect(options).toEqual([root.name, ...unitOrder]);
  });

  it("the organizer's registrations page lists people by given name", async () => {
    const c = new PageClient(t);
    await c.login(organizerLogin.email, organizerLogin.password);
    const res = await c.get(`/events/${eventId}/registrations`);
    expect(res.status).toBe(200);
    const html = res.text;
    const shown = byGivenName.map((n) => html.indexOf(n));
    expect(shown.every((i) => i > 0)).toBe(true);
    expect([...shown].sort((a, b) => a - b)).toEqual(shown);
  });
});
