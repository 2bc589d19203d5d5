import ExcelJS from 'exceljs';
import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { createEvent, createPublishedEvent, inDays } from '../factories/events';
import { csvFile, delegateFields, register, setEventColumns } from '../factories/registrations';
import { startTestApp, TestApp } from '../support/test-app';

describe('registrations API (contract)', () => {
  let t: TestApp;
  let admin: Actor;
  let organizer: Actor;
  let leader: Actor;
  let staff: Actor;
  let stranger: Actor;
  let org: { id: string };
  let unit: { id: string; name: string };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    org = await createOrganization(t, admin);
    unit = await createOrganization(t, admin, { parentId: org.id, name: 'Công đoàn Viên chức tỉnh', abbreviation: 'CĐVC' });
    const other = await createOrganization(t, admin);
    organizer = await createActor(t, admin, 'organizer', org.id);
    leader = await createActor(t, admin, 'leader', org.id);
    staff = await createActor(t, admin, 'staff', org.id);
    stranger = await createActor(t, admin, 'organizer', other.id);
  });
  afterAll(async () => {
    await t?.close();
  });

  const url = (eventId: string) => `/api/v1/events/${eventId}/registrations`;

  describe('POST /events/:id/registrations', () => {
    it('self-registration on a published open event → 201 confirmed with a grouped code, a personal link and the token', async () => {
      const ev = await createPublishedEvent(t, organizer);
      const res = await t.http().post(url(ev.id)).send(delegateFields({ fullName: '  Nguyễn Văn An ', email: 'An@Example.VN', organizationId: unit.id }));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status: 'confirmed', fullName: 'Nguyễn Văn An', email: 'an@example.vn', role: 'delegate', organizationId: unit.id });
      expect(res.body.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}$/);
      expect(res.body.link).toBe(`${t.config.appUrl}/r/${res.body.token}`);
      // Only the hash is stored.
      const [row] = await t.dataSource.query(`SELECT encode(token_hash, 'hex') AS h FROM registration WHERE id = $1`, [res.body.id]);
      expect(row.h).not.toContain(Buffer.from(res.body.token).toString('hex'));
      expect(row.h).toHaveLength(64);
    });

    it('the same e-mail twice on one event → 409, whatever its case', async () => {
      const ev = await createPublishedEvent(t, organizer);
      const a = await register(t, ev.id);
      const res = await t.http().post(url(ev.id)).send(delegateFields({ email: a.email.toUpperCase() }));
      expect(res.status).toBe(409);
      expect(res.body.message).toContain('already registered');
    });

    it('full without a waiting list → 409; with one → 201 waitlisted', async () => {
      const ev = await createPublishedEvent(t, organizer, { capacity: 1 });
      await register(t, ev.id);
      expect((await t.http().post(url(ev.id)).send(delegateFields())).status).toBe(409);
      const wl = await createPublishedEvent(t, organizer, { capacity: 1, waitlist: true });
      await register(t, wl.id);
      const res = await t.http().post(url(wl.id)).send(delegateFields());
      expect([res.status, res.body.status]).toEqual([201, 'waitlisted']);
    });

    it('officials, guests and press do not take seats and only an organizer adds them', async () => {
      const ev = await createPublishedEvent(t, organizer, { capacity: 1 });
      expect((await t.http().post(url(ev.id)).send(delegateFields({ role: 'press' }))).status).toBe(403);
      await register(t, ev.id);
      for (const role of ['official', 'guest', 'press'] as const) {
        const r = await register(t, ev.id, { role }, organizer);
        expect(r.status).toBe('confirmed');
      }
      const [e] = await t.dataSource.query(`SELECT confirmed_count FROM event WHERE id = $1`, [ev.id]);
      expect(e.confirmed_count).toBe(1);
    });

    it('without a token: draft → 404, invite-only → 403, outside the window → 409, cancelled → 409', async () => {
      const draft = await createEvent(t, organizer);
      expect((await t.http().post(url(draft.id)).send(delegateFields())).status).toBe(404);
      const invite = await createPublishedEvent(t, organizer, { registrationMode: 'invite_only' });
      expect((await t.http().post(url(invite.id)).send(delegateFields())).status).toBe(403);
      const early = await createPublishedEvent(t, organizer, { registrationOpensAt: inDays(2), registrationClosesAt: inDays(5) });
      const res = await t.http().post(url(early.id)).send(delegateFields());
      expect([res.status, res.body.message]).toEqual([409, expect.stringContaining('opens at')]);
      const late = await createPublishedEvent(t, organizer);
      await setEventColumns(t, late.id, { registration_closes_at: new Date(Date.now() - 60_000) });
      expect((await t.http().post(url(late.id)).send(delegateFields())).status).toBe(409);
      const cancelled = await createPublishedEvent(t, organizer);
      await t.http().post(`/api/v1/events/${cancelled.id}/cancel`).set(organizer.auth).expect(200);
      expect((await t.http().post(url(cancelled.id)).send(delegateFields())).status).toBe(409);
      expect((await t.http().post(url(cancelled.id)).set(organizer.auth).send(delegateFields())).status).toBe(409);
    });

    it('an organizer adds to a draft event; on an invite-only event the registration starts invited', async () => {
      const draft = await createEvent(t, organizer);
      expect((await register(t, draft.id, {}, organizer)).status).toBe('confirmed');
      const invite = await createEvent(t, organizer, { registrationMode: 'invite_only' });
      expect((await register(t, invite.id, {}, organizer)).status).toBe('invited');
    });

    it('400 naming the field for bad input, unknown fields and a bad id; 404 for an unknown event', async () => {
      const ev = await createPublishedEvent(t, organizer);
      const bad = await t.http().post(url(ev.id)).send({ fullName: '', email: 'nope', role: 'boss', extra: 1 });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toEqual(expect.arrayContaining([
        'fullName must not be empty', 'email must be an e-mail address', expect.stringMatching(/^role must be one of/), expect.stringMatching(/extra/),
      ]));
      expect((await t.http().post(url('not-a-uuid')).send(delegateFields())).body.message).toEqual(['id must be a UUID']);
      expect((await t.http().post(url('00000000-0000-4000-8000-000000000000')).send(delegateFields())).status).toBe(404);
    });

    it('a stranger organizer cannot add to another subtree’s event (403), nor a unit outside their subtree', async () => {
      const ev = await createPublishedEvent(t, organizer);
      expect((await t.http().post(url(ev.id)).set(stranger.auth).send(delegateFields())).status).toBe(403);
      const strangerUnit = stranger.organizationId!;
      expect((await t.http().post(url(ev.id)).set(organizer.auth).send(delegateFields({ organizationId: strangerUnit }))).status).toBe(403);
    });
  });

  describe('reading, editing, cancelling', () => {
    it('GET /registrations/:id: 401 without a token, 403 for a stranger, 404 unknown, 200 for leader and staff of the subtree', async () => {
      const ev = await createPublishedEvent(t, organizer);
      const r = await register(t, ev.id);
      expect((await t.http().get(`/api/v1/registrations/${r.id}`)).status).toBe(401);
      expect((await t.http().get(`/api/v1/registrations/${r.id}`).set(stranger.auth)).status).toBe(403);
      expect((await t.http().get(`/api/v1/registrations/00000000-0000-4000-8000-000000000000`).set(organizer.auth)).status).toBe(404);
      for (const who of [leader, staff, organizer, admin]) {
        const res = await t.http().get(`/api/v1/registrations/${r.id}`).set(who.auth);
        expect([res.status, res.body.id, res.body.token]).toEqual([200, r.id, undefined]);
      }
    });

    it('GET /events/:id/registrations filters by status, role, unit subtree and accent-insensitive q, paginated', async () => {
      const ev = await createPublishedEvent(t, organizer, { capacity: 2, waitlist: true });
      await register(t, ev.id, { fullName: 'Trần Thị Hương', organizationId: unit.id });
      await register(t, ev.id, { fullName: 'Lê Văn Đức' });
      await register(t, ev.id, { fullName: 'Phạm Minh Đức' });
      await register(t, ev.id, { fullName: 'Võ Báo Chí', role: 'press' }, organizer);
      const list = (q: string) => t.http().get(`${url(ev.id)}?${q}`).set(staff.auth);
      expect((await list('q=duc')).body.items.map((r: any) => r.fullName)).toEqual(['Lê Văn Đức', 'Phạm Minh Đức']);
      expect((await list('q=HUONG')).body.total).toBe(1);
      expect((await list('status=waitlisted')).body.items.map((r: any) => r.fullName)).toEqual(['Phạm Minh Đức']);
      expect((await list('role=press')).body.total).toBe(1);
      expect((await list(`organizationId=${org.id}`)).body.total).toBe(1);
      const page = await list('pageSize=2&page=2');
      expect(page.body).toMatchObject({ total: 4, page: 2, pageSize: 2 });
      expect(page.body.items).toHaveLength(2);
      expect((await list('status=maybe')).status).toBe(400);
      expect((await t.http().get(url(ev.id)).set(stranger.auth)).status).toBe(403);
    });

    it('PATCH edits name, unit and role; a duplicate e-mail → 409; leader → 403; turning a delegate into a guest frees the seat for the waiting list', async () => {
      const ev = await createPublishedEvent(t, organizer, { capacity: 1, waitlist: true });
      const a = await register(t, ev.id);
      const b = await register(t, ev.id);
      expect(b.status).toBe('waitlisted');
      const patch = (id: string, body: object, who = organizer) => t.http().patch(`/api/v1/registrations/${id}`).set(who.auth).send(body);
      expect((await patch(a.id, { fullName: 'X' }, leader)).status).toBe(403);
      expect((await patch(a.id, { email: b.email.toUpperCase() })).status).toBe(409);
      expect((await patch(a.id, { email: 'bad' })).status).toBe(400);
      const res = await patch(a.id, { fullName: 'Nguyễn Thị Mai', organizationId: unit.id, role: 'guest', language: 'en' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ fullName: 'Nguyễn Thị Mai', organizationId: unit.id, role: 'guest', status: 'confirmed', language: 'en' });
      const promoted = await t.http().get(`/api/v1/registrations/${b.id}`).set(organizer.auth);
      expect(promoted.body.status).toBe('confirmed');
      // Back to delegate: no seat left → 409.
      expect((await patch(a.id, { role: 'delegate' })).status).toBe(409);
    });

    it('POST /registrations/:id/cancel frees the seat, confirms the first waiting delegate and writes their notice', async () => {
      const ev = await createPublishedEvent(t, organizer, { capacity: 1, waitlist: true });
      const a = await register(t, ev.id);
      const b = await register(t, ev.id);
      const c = await register(t, ev.id);
      expect((await t.http().post(`/api/v1/registrations/${a.id}/cancel`).set(staff.auth)).status).toBe(403);
      expect((await t.http().post(`/api/v1/registrations/${a.id}/cancel`).set(stranger.auth)).status).toBe(403);
      const res = await t.http().post(`/api/v1/registrations/${a.id}/cancel`).set(organizer.auth);
      expect([res.status, res.body.status]).toEqual([200, 'cancelled']);
      const statuses = await t.dataSource.query(`SELECT id, status FROM registration WHERE id = ANY($1)`, [[b.id, c.id]]);
      expect(Object.fromEntries(statuses.map((s: any) => [s.id, s.status]))).toEqual({ [b.id]: 'confirmed', [c.id]: 'waitlisted' });
      const mails = await t.dataSource.query(`SELECT kind FROM mail_message WHERE registration_id = $1 ORDER BY created_at`, [b.id]);
      expect(mails.map((m: any) => m.kind)).toEqual(['registration-waitlisted', 'waitlist-promotion']);
    });
  });

  describe('POST /events/:id/registrations/import', () => {
    const importUrl = (id: string) => `${url(id)}/import`;

    it('imports a CSV with a BOM and Vietnamese headers → 201 {imported}', async () => {
      const ev = await createPublishedEvent(t, organizer);
      const file = csvFile(['Họ và tên,Email,Số điện thoại,Chức vụ,Đơn vị,Vai trò', 'Nguyễn Văn A,a@x.vn,0901,Chủ tịch,CĐVC,Đại biểu', 'Trần B,b@x.vn,,,,Khách mời'], true);
      const res = await t.http().post(importUrl(ev.id)).set(organizer.auth).attach('file', file, { filename: 'ds.csv', contentType: 'text/csv' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ imported: 2, confirmed: 2, invited: 0, waitlisted: 0 });
      const rows = await t.dataSource.query(`SELECT full_name, role, organization_id FROM registration WHERE event_id = $1 ORDER BY full_name`, [ev.id]);
      expect(rows).toEqual([{ full_name: 'Nguyễn Văn A', role: 'delegate', organization_id: unit.id }, { full_name: 'Trần B', role: 'guest', organization_id: null }]);
    });

    it('imports an XLSX; on an invite-only event everyone is invited', async () => {
      const ev = await createPublishedEvent(t, organizer, { registrationMode: 'invite_only' });
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('Danh sách');
      ws.addRow(['fullName', 'email', 'organization', 'role']);
      ws.addRow(['Lê C', 'c@x.vn', 'Công đoàn Viên chức tỉnh', 'delegate']);
      ws.addRow(['Phạm D', 'd@x.vn', '', 'press']);
      const buf = Buffer.from(await wb.xlsx.writeBuffer());
      const res = await t.http().post(importUrl(ev.id)).set(organizer.auth).attach('file', buf, 'ds.xlsx');
      expect([res.status, res.body]).toEqual([201, { imported: 2, confirmed: 0, invited: 2, waitlisted: 0 }]);
    });

    it('422 lists every bad row with its field and imports nothing', async () => {
      const ev = await createPublishedEvent(t, organizer);
      const file = csvFile(['fullName,email,organization,role', 'A,a@x.vn,,', ',b@x.vn,,', 'C,c@x.vn,Không có đơn vị này,', 'D,a@x.vn,,nhà báo']);
      const res = await t.http().post(importUrl(ev.id)).set(organizer.auth).attach('file', file, 'ds.csv');
      expect(res.status).toBe(422);
      expect(res.body.statusCode).toBe(422);
      expect(res.body.errors).toEqual([
        { row: 3, field: 'fullName', message: 'fullName is empty', code: 'required' },
        { row: 4, field: 'organization', message: expect.stringContaining('not a unit'), code: 'unknownUnit', params: { value: expect.any(String) } },
        { row: 5, field: 'role', message: expect.stringContaining('not a role'), code: 'role', params: { value: 'nhà báo' } },
        { row: 5, field: 'email', message: expect.stringContaining('appears again'), code: 'emailRepeated', params: { email: expect.any(String), first: expect.any(Number) } },
      ]);
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM registration WHERE event_id = $1`, [ev.id]);
      expect(n).toBe(0);
    });

    it('more delegates than seats without a waiting list → 409 and nothing imported', async () => {
      const ev = await createPublishedEvent(t, organizer, { capacity: 1 });
      const res = await t.http().post(importUrl(ev.id)).set(organizer.auth).attach('file', csvFile(['fullName,email', 'A,a@x.vn', 'B,b@x.vn']), 'ds.csv');
      expect(res.status).toBe(409);
      expect(res.body.message).toContain('only 1 seats are free');
      const [e] = await t.dataSource.query(`SELECT confirmed_count FROM event WHERE id = $1`, [ev.id]);
      expect(e.confirmed_count).toBe(0);
    });

    it('no file → 400 naming file; a PNG → 400; no token → 401; staff → 403; stranger → 403', async () => {
      const ev = await createPublishedEvent(t, organizer);
      const none = await t.http().post(importUrl(ev.id)).set(organizer.auth);
      expect([none.status, none.body.message]).toEqual([400, expect.stringContaining('file')]);
      const png = await t.http().post(importUrl(ev.id)).set(organizer.auth).attach('file', Buffer.from([0x89, 0x50, 0x4e, 0x47]), 'photo.png');
      expect([png.status, png.body.message]).toEqual([400, 'file must be a .csv or .xlsx file']);
      const csv = csvFile(['fullName,email', 'A,a@x.vn']);
      expect((await t.http().post(importUrl(ev.id)).attach('file', csv, 'ds.csv')).status).toBe(401);
      expect((await t.http().post(importUrl(ev.id)).set(staff.auth).attach('file', csv, 'ds.csv')).status).toBe(403);
      expect((await t.http().post(importUrl(ev.id)).set(stranger.auth).attach('file', csv, 'ds.csv')).status).toBe(403);
    });
  });
});
