import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { createEvent, createPublishedEvent, createSession, createSpeaker, publishEvent } from '../factories/events';
import { createUserWithPassword } from '../factories/web';
import { startTestApp, TestApp } from '../support/test-app';
import { PageClient } from '../factories/page-client';
import { register } from '../factories/registrations';
import { eventFormValues } from '../../src/web/events/event-form';

/** The inner HTML of the calendar cell of `date`. */
const cellOf = (html: string, date: string) => new RegExp(`<td[^>]*data-date="${date}">([\\s\\S]*?)</td>`).exec(html)?.[1] ?? '';

describe('event pages (server-rendered)', () => {
  let t: TestApp;
  let admin: Actor;
  let unitId: string;
  let organizerActor: Actor;
  let organizer: { email: string; password: string };
  let strangerUser: { email: string; password: string };
  let leaderUser: { email: string; password: string };
  let c: PageClient;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    unitId = (await createOrganization(t, admin, { name: 'Liên đoàn Lao động tỉnh Bình Dương' })).id;
    const otherUnit = (await createOrganization(t, admin, { name: 'Liên đoàn Lao động tỉnh Đồng Nai' })).id;
    organizer = await createUserWithPassword(t, admin, 'organizer', unitId);
    organizerActor = await createActor(t, admin, 'organizer', unitId);
    strangerUser = await createUserWithPassword(t, admin, 'organizer', otherUnit);
    leaderUser = await createUserWithPassword(t, admin, 'leader', unitId);
    c = new PageClient(t);
    await c.login(organizer.email, organizer.password);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('sends a visitor without a session to the login page from every organizer page', async () => {
    const event = await createEvent(t, organizerActor);
    for (const path of ['/events', '/events/calendar', '/events/new', `/events/${event.id}`, `/events/${event.id}/agenda`, `/events/${event.id}/quotas`, '/speakers']) {
      const res = await t.http().get(path).set('Accept', 'text/html');
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
  });

  it('creates an event through the form, reading datetime-local inputs in the chosen time zone', async () => {
    const form = await c.get('/events/new');
    expect(form.status).toBe(200);
    expect(form.text).toContain('<option value="Asia/Ho_Chi_Minh" selected>');
    const res = await c.post('/events', {
      title: 'Tập huấn kỹ năng đàm phán', titleEn: 'Negotiation skills training', kind: 'training', organizationId: unitId,
      venue: 'Hội trường A', startsAt: '2031-03-10T08:00', endsAt: '2031-03-10T17:00', timezone: 'Asia/Ho_Chi_Minh',
      capacity: '80', waitlist: 'on', registrationMode: 'open', registrationOpensAt: '', registrationClosesAt: '2031-03-05T17:00',
      reminderHoursBefore: '24', description: 'Nội dung', descriptionEn: '', audience: '', audienceEn: '',
    });
    expect(res.status).toBe(303);
    const id = /^\/events\/([0-9a-f-]{36})\?saved=1$/.exec(res.headers.location)![1];
    const api = await t.http().get(`/api/v1/events/${id}`).set(organizerActor.auth).expect(200);
    expect(api.body).toMatchObject({
      startsAt: '2031-03-10T01:00:00.000Z', endsAt: '2031-03-10T10:00:00.000Z', capacity: 80, waitlist: true,
      registrationClosesAt: '2031-03-05T10:00:00.000Z', registrationOpensAt: null, descriptionEn: null, status: 'draft',
    });
    const page = await c.get(res.headers.location);
    expect(page.text).toContain('Đã lưu sự kiện.');
    expect(page.text).toContain(`action="/events/${id}/publish"`);
    expect(page.text).not.toContain(`action="/events/${id}/complete"`);
    // The editor shows the stored times back as wall times of the event's zone.
    const edit = await c.get(`/events/${id}/edit`);
    expect(edit.text).toContain('value="2031-03-10T08:00"');
    expect(edit.text).toContain('value="2031-03-05T17:00"');
  });

  it('shows validation and service refusals on the event form, writing nothing', async () => {
    await c.get('/events/new');
    const before = await t.dataSource.query('SELECT count(*)::int AS n FROM event');
    const empty = await c.post('/events', { title: ' ', kind: 'training', organizationId: unitId, startsAt: '', endsAt: '2031-01-01T10:00', registrationMode: 'open', capacity: '-3' });
    expect(empty.status).toBe(400);
    expect(empty.text).toMatch(/id="e-title">Không được để trống\./);
    expect(empty.text).toMatch(/id="e-startsAt">Không được để trống\./);
    expect(empty.text).toContain('id="e-capacity"');
    const backwards = await c.post('/events', { title: 'Ngược giờ', kind: 'training', organizationId: unitId, startsAt: '2031-01-01T10:00', endsAt: '2031-01-01T09:00', registrationMode: 'open' });
    expect(backwards.status).toBe(400);
    expect(backwards.text).toMatch(/id="e-endsAt">Thời điểm kết thúc phải sau thời điểm bắt đầu\./);
    expect(await t.dataSource.query('SELECT count(*)::int AS n FROM event')).toEqual(before);
  });

  it('refuses a page POST without the CSRF token (403) and creates nothing', async () => {
    await c.get('/events/new');
    const res = await c.post('/events', { title: 'Không có CSRF', kind: 'training', organizationId: unitId, startsAt: '2031-01-01T08:00', endsAt: '2031-01-01T10:00', registrationMode: 'open' }, false);
    expect(res.status).toBe(403);
    expect(await t.dataSource.query("SELECT 1 FROM event WHERE title = 'Không có CSRF'")).toEqual([]);
    const event = await createEvent(t, organizerActor);
    expect((await c.post(`/events/${event.id}/publish`, {}, false)).status).toBe(403);
    expect((await t.http().get(`/api/v1/events/${event.id}`).set(organizerActor.auth)).body.status).toBe('draft');
  });

  it("refuses a stranger (organizer of another province) the event's pages with 403, and unknown events with 404", async () => {
    const event = await createEvent(t, organizerActor);
    const s = new PageClient(t);
    await s.login(strangerUser.email, strangerUser.password);
    for (const path of [`/events/${event.id}`, `/events/${event.id}/edit`, `/events/${event.id}/agenda`, `/events/${event.id}/quotas`]) {
      const res = await s.get(path);
      expect(res.status).toBe(403);
      expect(res.text).toContain('Bạn không có quyền truy cập trang này.');
    }
    expect((await s.post(`/events/${event.id}/publish`, {})).status).toBe(403);
    expect((await s.post(`/events/${event.id}`, { title: 'Chiếm quyền', startsAt: '2031-01-01T08:00', endsAt: '2031-01-01T10:00' })).status).toBe(403);
    expect((await t.http().get(`/api/v1/events/${event.id}`).set(organizerActor.auth)).body).toMatchObject({ status: 'draft', title: event.title });
    expect((await s.get('/events')).text).not.toContain(event.title);
    expect((await s.get('/events/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('shows a leader of the unit the events read-only: no editor, no lifecycle buttons, editor refused', async () => {
    const event = await createEvent(t, organizerActor, { title: 'Hội nghị tổng kết năm' });
    const l = new PageClient(t);
    await l.login(leaderUser.email, leaderUser.password);
    const list = await l.get('/events');
    expect(list.text).toContain('Hội nghị tổng kết năm');
    expect(list.text).not.toContain('href="/events/new"');
    const show = await l.get(`/events/${event.id}`);
    expect(show.status).toBe(200);
    expect(show.text).not.toContain(`/events/${event.id}/edit`);
    expect(show.text).not.toContain(`action="/events/${event.id}/publish"`);
    const agenda = await l.get(`/events/${event.id}/agenda`);
    expect(agenda.status).toBe(200);
    expect(agenda.text).not.toContain('id="session-form"');
    expect((await l.get(`/events/${event.id}/edit`)).status).toBe(403);
  });

  it('escapes user text: an event title with <script> is shown as text on the list, event, agenda and calendar pages', async () => {
    const title = 'Tập huấn <script>alert(1)</script> & "an toàn"';
    const event = await createEvent(t, organizerActor, { title, startsAt: '2031-05-12T01:00:00Z', endsAt: '2031-05-12T09:00:00Z' });
    for (const path of ['/events?status=draft&from=2031-05-01&to=2031-05-31', `/events/${event.id}`, `/events/${event.id}/agenda`, '/events/calendar?month=2031-05']) {
      const res = await c.get(path);
      expect(res.status).toBe(200);
      expect(res.text).toContain('Tập huấn &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;an toàn&quot;');
      expect(res.text).not.toContain('<script>alert(1)');
    }
  });

  it('filters the list by status, unit and date range', async () => {
    const sub = await createOrganization(t, admin, { name: 'Công đoàn cơ sở Công ty Cao su', parentId: unitId });
    const a = await createEvent(t, organizerActor, { title: 'Lọc A tháng sáu', startsAt: '2032-06-10T01:00:00Z', endsAt: '2032-06-10T05:00:00Z' });
    const b = await createEvent(t, organizerActor, { title: 'Lọc B tháng sáu', organizationId: sub.id, startsAt: '2032-06-20T01:00:00Z', endsAt: '2032-06-20T05:00:00Z' });
    await publishEvent(t, organizerActor, b.id);
    const june = await c.get('/events?from=2032-06-01&to=2032-06-30');
    expect(june.text).toContain(a.title);
    expect(june.text).toContain(b.title);
    const published = await c.get('/events?status=published&from=2032-06-01&to=2032-06-30');
    expect(published.text).not.toContain(a.title);
    expect(published.text).toContain(b.title);
    const ofSub = await c.get(`/events?organizationId=${sub.id}&from=2032-06-01`);
    expect(ofSub.text).toContain(b.title);
    expect(ofSub.text).not.toContain(a.title);
    const early = await c.get('/events?from=2032-06-01&to=2032-06-15');
    expect(early.text).toContain(a.title);
    expect(early.text).not.toContain(b.title);
    const bad = await c.get('/events?from=10/06/2032&status=nope');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('id="e-from"');
    expect(bad.text).toContain('id="e-status"');
  });

  it('shows an event at 23:30 UTC on the next day of the month calendar in Asia/Ho_Chi_Minh, with prev/next links', async () => {
    const event = await createEvent(t, organizerActor, { title: 'Khai giảng lớp đêm', startsAt: '2033-03-09T23:30:00Z', endsAt: '2033-03-10T02:00:00Z' });
    const cal = await c.get('/events/calendar?month=2033-03');
    expect(cal.status).toBe(200);
    expect(cellOf(cal.text, '2033-03-10')).toContain(`href="/events/${event.id}"`);
    expect(cellOf(cal.text, '2033-03-10')).toContain('06:30');
    expect(cellOf(cal.text, '2033-03-09')).not.toContain(event.id);
    expect(cal.text).toContain('href="/events/calendar?month=2033-02"');
    expect(cal.text).toContain('href="/events/calendar?month=2033-04"');
  });

  it('raising the capacity on the editor confirms the waiting delegates and says so; unticking the waiting list says who was told', async () => {
    const event = await createPublishedEvent(t, organizerActor, { capacity: 1, waitlist: true });
    for (let i = 0; i < 4; i++) await register(t, event.id);
    const form = async (changes: Record<string, string>) => {
      const dto = (await t.http().get(`/api/v1/events/${event.id}`).set(organizerActor.auth).expect(200)).body;
      const values = Object.fromEntries(Object.entries(eventFormValues(dto)).map(([k, v]) => [k, v ?? '']));
      await c.get(`/events/${event.id}/edit`);
      return c.post(`/events/${event.id}`, { ...values, ...changes });
    };
    const edit = await c.get(`/events/${event.id}/edit`);
    expect(edit.text).toContain('Nếu bỏ chọn khi còn người chờ, đăng ký của họ kết thúc và mỗi người được báo qua thư.');

    const raised = await form({ capacity: '3' });
    expect(raised.status).toBe(303);
    const shown = await c.get(raised.headers.location);
    expect(shown.text).toContain('Đã lưu sự kiện. 2 đại biểu trong danh sách chờ đã được xác nhận và được báo qua thư.');

    const closed = await form({ waitlist: '' });
    const after = await c.get(closed.headers.location);
    expect(after.text).toContain('Danh sách chờ đã đóng: 1 đại biểu đang chờ đã được báo qua thư rằng đăng ký của họ kết thúc.');
    const statuses = (await t.dataSource.query(`SELECT status, count(*)::int AS n FROM registration WHERE event_id = $1 GROUP BY status ORDER BY status`, [event.id]));
    expect(statuses).toEqual([{ status: 'cancelled', n: 1 }, { status: 'confirmed', n: 3 }]);
  });

  it('shows a refused lifecycle move (409) as a readable message on the event page', async () => {
    // Not ended yet: marking it finished is refused, saying when it ends (in its zone, office style).
    const ahead = await createPublishedEvent(t, organizerActor, { startsAt: '2034-05-10T01:00:00Z', endsAt: '2034-05-10T09:00:00Z' });
    await c.get(`/events/${ahead.id}`);
    const early = await c.post(`/events/${ahead.id}/complete`, {});
    expect(early.status).toBe(409);
    expect(early.text).toContain('Sự kiện kết thúc lúc 16:00, thứ Tư, ngày 10/05/2034; chỉ có thể đánh dấu đã kết thúc sau thời điểm đó.');
    const event = await createPublishedEvent(t, organizerActor, { startsAt: new Date(Date.now() - 86_400_000).toISOString(), endsAt: new Date(Date.now() - 3_600_000).toISOString() });
    await c.get(`/events/${event.id}`);
    const again = await c.post(`/events/${event.id}/publish`, {});
    expect(again.status).toBe(409);
    expect(again.text).toContain('Không thể thực hiện “Công bố”: sự kiện đang ở trạng thái “Đã công bố”.');
    const done = await c.post(`/events/${event.id}/complete`, {});
    expect(done.status).toBe(303);
    const page = await c.get(done.headers.location);
    expect(page.text).toContain('Sự kiện đã được đánh dấu kết thúc.');
    expect(page.text).not.toContain('<form method="post" action="/events/');
  });

  it('adds sessions on the agenda form; a double-booked speaker is refused naming the other session and event; out-of-span times are a field error', async () => {
    const speaker = await createSpeaker(t, organizerActor, { fullName: 'Nguyễn Văn Hoài', honorific: 'đồng chí' });
    const other = await createEvent(t, organizerActor, { title: 'Hội thảo an toàn lao động', startsAt: '2034-04-01T01:00:00Z', endsAt: '2034-04-01T09:00:00Z' });
    await createSession(t, organizerActor, other, { title: 'Phiên khai mạc', startsAt: '2034-04-01T02:00:00Z', endsAt: '2034-04-01T03:00:00Z', speakers: [{ speakerId: speaker.id }] });
    const event = await createEvent(t, organizerActor, { startsAt: '2034-04-01T01:00:00Z', endsAt: '2034-04-01T09:00:00Z' });
    const agenda = await c.get(`/events/${event.id}/agenda`);
    expect(agenda.text).toContain(`<option value="${speaker.id}">đồng chí Nguyễn Văn Hoài</option>`);

    const ok = await c.post(`/events/${event.id}/sessions`, { title: 'Phiên sáng', startsAt: '2034-04-01T08:00', endsAt: '2034-04-01T09:00', speakerId: [speaker.id, ''], speakerRole: ['moderator', 'presenter'] });
    expect(ok.status).toBe(303);
    const clash = await c.post(`/events/${event.id}/sessions`, { title: 'Phiên trùng', startsAt: '2034-04-01T09:30', endsAt: '2034-04-01T10:30', speakerId: [speaker.id, ''], speakerRole: ['presenter', 'presenter'] });
    expect(clash.status).toBe(409);
    expect(clash.text).toContain('Không thể xếp lịch: Nguyễn Văn Hoài đã có phiên “Phiên khai mạc” của sự kiện “Hội thảo an toàn lao động”');
    // The form keeps what was typed.
    expect(clash.text).toContain('value="Phiên trùng"');
    const outside = await c.post(`/events/${event.id}/sessions`, { title: 'Phiên tối', startsAt: '2034-04-01T19:00', endsAt: '2034-04-01T20:00', speakerId: '', speakerRole: 'presenter' });
    expect(outside.status).toBe(400);
    expect(outside.text).toMatch(/id="e-endsAt">Phiên phải nằm trong thời gian của sự kiện \(/);
    const sessions = await t.http().get(`/api/v1/events/${event.id}/sessions`).set(organizerActor.auth).expect(200);
    expect(sessions.body.map((s: { title: string }) => s.title)).toEqual(['Phiên sáng']);
    expect(sessions.body[0].speakers).toEqual([expect.objectContaining({ speakerId: speaker.id, role: 'moderator' })]);
  });

  it('edits, reorders within a time slot, and deletes sessions', async () => {
    const event = await createEvent(t, organizerActor, { startsAt: '2035-01-05T01:00:00Z', endsAt: '2035-01-05T09:00:00Z' });
    const first = await createSession(t, organizerActor, event, { title: 'Tổ 1', startsAt: '2035-01-05T02:00:00Z', endsAt: '2035-01-05T03:00:00Z' });
    const second = await createSession(t, organizerActor, event, { title: 'Tổ 2', startsAt: '2035-01-05T02:00:00Z', endsAt: '2035-01-05T03:00:00Z' });
    const agenda = await c.get(`/events/${event.id}/agenda`);
    const order = (html: string) => [...html.matchAll(/class="session-title">([^<]+)</g)].map((m) => m[1]);
    const before = order(agenda.text);
    const lower = before[1] === 'Tổ 1' ? first : second;
    expect((await c.post(`/events/${event.id}/sessions/${lower.id}/move`, { direction: 'up' })).status).toBe(303);
    expect(order((await c.get(`/events/${event.id}/agenda`)).text)).toEqual([...before].reverse());

    const edit = await c.get(`/events/${event.id}/sessions/${first.id}/edit`);
    expect(edit.text).toContain('value="2035-01-05T09:00"');
    const saved = await c.post(`/events/${event.id}/sessions/${first.id}`, { title: 'Tổ 1 (sửa)', topic: 'Chủ đề', room: 'P.201', startsAt: '2035-01-05T10:00', endsAt: '2035-01-05T11:00', speakerId: '', speakerRole: 'presenter' });
    expect(saved.status).toBe(303);
    const api = await t.http().get(`/api/v1/events/${event.id}/sessions`).set(organizerActor.auth).expect(200);
    expect(api.body.find((s: { id: string }) => s.id === first.id)).toMatchObject({ title: 'Tổ 1 (sửa)', room: 'P.201', startsAt: '2035-01-05T03:00:00.000Z' });

    expect((await c.post(`/events/${event.id}/sessions/${second.id}/delete`, {})).status).toBe(303);
    const left = await t.http().get(`/api/v1/events/${event.id}/sessions`).set(organizerActor.auth).expect(200);
    expect(left.body.map((s: { id: string }) => s.id)).toEqual([first.id]);
    // A session of another event is not reachable through this event's pages.
    const elsewhere = await createEvent(t, organizerActor);
    expect((await c.get(`/events/${elsewhere.id}/sessions/${first.id}/edit`)).status).toBe(404);
  });

  it('saves unit quotas for the subtree and refuses a bad number on its row', async () => {
    const sub = await createOrganization(t, admin, { name: 'Công đoàn Khu công nghiệp VSIP', parentId: unitId });
    const event = await createEvent(t, organizerActor);
    const table = await c.get(`/events/${event.id}/quotas`);
    expect(table.text).toContain('Công đoàn Khu công nghiệp VSIP');
    const bad = await c.post(`/events/${event.id}/quotas`, { [`seats_${sub.id}`]: '-2', [`seats_${unitId}`]: '5' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Nhập một số nguyên không âm.');
    expect((await t.http().get(`/api/v1/events/${event.id}/quotas`).set(organizerActor.auth)).body).toEqual([]);
    const ok = await c.post(`/events/${event.id}/quotas`, { [`seats_${sub.id}`]: '12', [`seats_${unitId}`]: '' });
    expect(ok.status).toBe(303);
    const quotas = await t.http().get(`/api/v1/events/${event.id}/quotas`).set(organizerActor.auth).expect(200);
    expect(quotas.body).toEqual([expect.objectContaining({ organizationId: sub.id, seats: 12 })]);
    // More quota than seats (500 for a 100-seat event) is refused in Vietnamese, and nothing changes.
    const over = await c.post(`/events/${event.id}/quotas`, { [`seats_${sub.id}`]: '500', [`seats_${unitId}`]: '' });
    expect(over.status).toBe(400);
    expect(over.text).toContain('Tổng chỉ tiêu 500 vượt quá 100 chỗ của sự kiện.');
    expect((await t.http().get(`/api/v1/events/${event.id}/quotas`).set(organizerActor.auth)).body).toEqual([expect.objectContaining({ seats: 12 })]);
  });

  it('finds speakers without accents and creates one through the form', async () => {
    await createSpeaker(t, organizerActor, { fullName: 'Trần Thị Hồng Nhung' });
    const found = await c.get('/speakers?q=tran thi hong');
    expect(found.text).toContain('Trần Thị Hồng Nhung');
    await c.get('/speakers/new');
    const empty = await c.post('/speakers', { fullName: '', email: 'not-mail' });
    expect(empty.status).toBe(400);
    expect(empty.text).toMatch(/id="e-fullName">Không được để trống\./);
    const created = await c.post('/speakers', { honorific: 'PGS.TS', fullName: 'Lê Văn Đức <b>', position: 'Giảng viên', affiliation: 'Trường Đại học Công đoàn', email: '', phone: '', bio: '', organizationId: unitId });
    expect(created.status).toBe(303);
    const list = await c.get(created.headers.location);
    expect(list.text).toContain('Lê Văn Đức &lt;b&gt;');
    expect(list.text).toContain('Đã lưu báo cáo viên');
  });

  it('serves the public page of a published event without login (English title on request) and 404 for a draft', async () => {
    const draft = await createEvent(t, organizerActor, { title: 'Bản nháp bí mật' });
    const hidden = await t.http().get(`/e/${draft.slug}`).set('Accept', 'text/html');
    expect(hidden.status).toBe(404);
    expect(hidden.text).not.toContain('Bản nháp bí mật');
    expect((await t.http().get('/e/khong-co-su-kien-nay').set('Accept', 'text/html')).status).toBe(404);

    const speaker = await createSpeaker(t, organizerActor, { fullName: 'Phạm Minh Chính' });
    const event = await createEvent(t, organizerActor, { title: 'Tập huấn công khai', titleEn: 'Public training', startsAt: '2036-02-02T01:00:00Z', endsAt: '2036-02-02T09:00:00Z', venue: 'Nhà văn hóa lao động' });
    await createSession(t, organizerActor, event, { title: 'Báo cáo chuyên đề', startsAt: '2036-02-02T01:30:00Z', endsAt: '2036-02-02T02:30:00Z', speakers: [{ speakerId: speaker.id }] });
    await publishEvent(t, organizerActor, event.id);
    const vi = await t.http().get(`/e/${event.slug}`).set('Accept', 'text/html');
    expect(vi.status).toBe(200);
    expect(vi.text).toContain('Tập huấn công khai');
    expect(vi.text).toContain('08:00');
    expect(vi.text).toContain('Nhà văn hóa lao động');
    expect(vi.text).toContain('Báo cáo chuyên đề');
    expect(vi.text).toContain('Phạm Minh Chính');
    expect(vi.text).toContain('id="register"');
    const en = await t.http().get(`/e/${event.slug}`).set('Accept', 'text/html').set('Cookie', 'td_lang=en');
    expect(en.text).toContain('<h1>Public training</h1>');
    expect(en.text).toContain('Agenda');
  });
});
