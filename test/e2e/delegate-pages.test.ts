import { Actor, createOrganization, loginAdmin, loginAs } from '../factories';
import { createPublishedEvent } from '../factories/events';
import { PageClient } from '../factories/page-client';
import { register, setEventColumns } from '../factories/registrations';
import { createUserWithPassword } from '../factories/web';
import { startTestApp, TestApp } from '../support/test-app';

const tokenOf = (location: string) => /^\/r\/([A-Za-z0-9_-]+)\?done=registered$/.exec(location)?.[1] ?? '';

/** The delegate's pages say what is true: a cancelled or finished event, a place on the waiting list. */
describe('delegate pages tell the truth', () => {
  let t: TestApp;
  let organizer: Actor;

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await loginAdmin(t);
    const org = await createOrganization(t, admin, { name: 'Liên đoàn Lao động thành phố Cần Thơ' });
    const login = await createUserWithPassword(t, admin, 'organizer', org.id);
    organizer = await loginAs(t, login.email, login.password);
  });
  afterAll(async () => {
    await t?.close();
  });

  const move = (eventId: string, to: 'cancel' | 'complete') => t.http().post(`/api/v1/events/${eventId}/${to}`).set(organizer.auth).expect(200);

  it('a cancelled event: "my registration" says so and shows neither the QR pass nor the calendar button; the public page says so too', async () => {
    const ev = await createPublishedEvent(t, organizer, { title: 'Hội nghị tổng kết bị hủy' });
    const r = await register(t, ev.id, { fullName: 'Bùi Ngọc Hiếu' });
    expect(r.status).toBe('confirmed');
    await move(ev.id, 'cancel');

    const c = new PageClient(t);
    const mine = await c.get(`/r/${r.token}`);
    expect(mine.status).toBe(200);
    expect(mine.text).toContain('Sự kiện này đã bị hủy.');
    expect(mine.text).toContain('Sự kiện đã bị hủy nên không còn điểm danh');
    expect(mine.text).not.toContain('class="qr"');
    expect(mine.text).not.toContain('event.ics');
    expect(mine.text).not.toContain('hãy đưa mã QR');

    const pub = await c.get(`/e/${ev.slug}`);
    expect(pub.status).toBe(200);
    expect(pub.text).toContain('id="event-state"');
    expect(pub.text).toContain('Sự kiện này đã bị hủy.');
    expect(pub.text).not.toContain('<form method="post"');
  });

  it('a finished event: "my registration" says it is over, without the QR pass or the calendar button', async () => {
    const ev = await createPublishedEvent(t, organizer, { title: 'Lớp tập huấn đã kết thúc' });
    const r = await register(t, ev.id, { fullName: 'Đặng Thị Thu' });
    // It took place yesterday: an event is completed once it has ended.
    await setEventColumns(t, ev.id, { starts_at: new Date(Date.now() - 86_400_000), ends_at: new Date(Date.now() - 3_600_000) });
    await move(ev.id, 'complete');

    const c = new PageClient(t);
    const mine = await c.get(`/r/${r.token}`);
    expect(mine.status).toBe(200);
    expect(mine.text).toContain('Sự kiện này đã kết thúc.');
    expect(mine.text).not.toContain('class="qr"');
    expect(mine.text).not.toContain('event.ics');
    const pub = await c.get(`/e/${ev.slug}`);
    expect(pub.status).toBe(200);
    expect(pub.text).toContain('Sự kiện này đã kết thúc.');
  });

  it('a registration that lands on the waiting list is told so, not "Đăng ký thành công"', async () => {
    const ev = await createPublishedEvent(t, organizer, { capacity: 1, waitlist: true });
    await register(t, ev.id);
    const c = new PageClient(t);
    await c.get(`/e/${ev.slug}/register`);
    const res = await c.post(`/e/${ev.slug}/register`, { fullName: 'Lê Văn Chờ', email: 'cho@example.vn', language: 'vi' });
    expect(res.status).toBe(303);
    const mine = await c.get(res.headers.location);
    expect(mine.status).toBe(200);
    expect(mine.text).toContain('id="waitlisted-notice"');
    expect(mine.text).toContain('bạn đang ở danh sách chờ, chưa được xác nhận');
    expect(mine.text).not.toContain('Đăng ký thành công');
    expect(mine.text).not.toContain('class="flash"');
    expect(mine.text).not.toContain('class="qr"');
  });

  it('registering answers with a redirect (Post/Redirect/Get): Back shows the event page again, nothing is sent twice', async () => {
    const ev = await createPublishedEvent(t, organizer);
    const c = new PageClient(t);
    await c.get(`/e/${ev.slug}`);
    const res = await c.post(`/e/${ev.slug}/register`, { fullName: 'Phạm Minh Quân', email: 'quan@example.vn', language: 'vi' });
    expect(res.status).toBe(303);
    expect(tokenOf(res.headers.location)).not.toBe('');
    // What Back loads: the page the form was on, by GET — no resubmission, no "already registered".
    const back = await c.get(`/e/${ev.slug}`);
    expect(back.status).toBe(200);
    expect(back.text).not.toContain('đã được đăng ký');
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM registration WHERE event_id = $1`, [ev.id]);
    expect(n).toBe(1);
  });

  it('error pages lead a delegate back to the event page, never to the staff login; words only from the catalogs', async () => {
    const c = new PageClient(t);
    const unknownLink = await c.get('/r/this-link-does-not-exist-at-all');
    expect(unknownLink.status).toBe(404);
    expect(unknownLink.text).toContain('Hãy mở lại đường dẫn trong thư xác nhận đăng ký');
    expect(unknownLink.text).not.toContain('href="/login"');
    expect(unknownLink.text).not.toContain('href="/"><');
    expect(unknownLink.text).not.toMatch(/was not found|Registration/);

    const ev = await createPublishedEvent(t, organizer);
    const refused = await c.post(`/e/${ev.slug}/register`, { fullName: 'Không có mã', email: 'x@example.vn' }, false);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('Phiên biểu mẫu đã hết hạn');
    expect(refused.text).toContain(`href="/e/${ev.slug}"`);
    expect(refused.text).not.toMatch(/CSRF|invalid or missing/);
  });
});
