import { DataSource } from 'typeorm';
import type { AuthUser } from '../../src/auth/auth-user';
import { ReportsRepository } from '../../src/reports/reports.repository';
import { ReportsService } from '../../src/reports/reports.service';
import { startTestApp, TestApp } from '../support/test-app';

const admin: AuthUser = { id: '00000000-0000-0000-0000-000000000001', email: 'a@test.local', fullName: 'Admin', role: 'admin', organizationId: null };

/**
 * Reports on the real PostgreSQL over a generated hierarchy: a province with 4 districts of 5
 * communes each, delegates registered by a deterministic pattern, so that every figure can be
 * recomputed here from the pattern and compared.
 */
describe('attendance reports (real PostgreSQL, generated hierarchy)', () => {
  let t: TestApp;
  let db: DataSource;
  let reports: ReportsService;
  let province: string;
  const districts: string[] = [];
  const communes: Record<string, string[]> = {};
  let seq = 0;

  async function org(name: string, parent: string | null): Promise<string> {
    const [row] = await db.query(
      `INSERT INTO organization (name, parent_id, path) SELECT $1, $2::uuid, COALESCE((SELECT path || id FROM organization WHERE id = $2::uuid), '{}') RETURNING id`,
      [name, parent],
    );
    return row.id;
  }

  async function event(organizationId: string, startsAt: string, fields: { timezone?: string; status?: string } = {}): Promise<string> {
    const [row] = await db.query(
      `INSERT INTO event (slug, kind, title, organization_id, starts_at, ends_at, timezone, status)
       VALUES ('ev-' || $1, 'training', 'Sự kiện ' || $1, $2, $3::timestamptz, $3::timestamptz + interval '4 hours', $4, $5) RETURNING id`,
      [++seq, organizationId, startsAt, fields.timezone ?? 'Asia/Ho_Chi_Minh', fields.status ?? 'published'],
    );
    return row.id;
  }

  /** `n` registrations of a unit, the first `checked` of them checked in. */
  async function people(eventId: string, organizationId: string | null, n: number, checked: number, fields: { status?: string; role?: string; names?: string[] } = {}): Promise<string[]> {
    const rows: { id: string }[] = await db.query(
      `INSERT INTO registration (event_id, full_name, email, role, status, source, token_hash, code, organization_id)
       SELECT $1, COALESCE(($6::text[])[i], 'Đại biểu ' || i), 'p' || $5::text || '-' || i || '@test.local', $3, $4, 'import',
              decode(md5(random()::text) || md5(random()::text), 'hex'), upper(substr(md5(random()::text), 1, 10)), $2::uuid
         FROM generate_series(1, $7::int) AS i ORDER BY i RETURNING id`,
      [eventId, organizationId, fields.role ?? 'delegate', fields.status ?? 'confirmed', `${++seq}`, fields.names ?? [], n],
    );
    const ids = rows.map((r) => r.id);
    if (checked) {
      await db.query(`INSERT INTO check_in (event_id, registration_id, checked_in_at) SELECT $1, unnest($2::uuid[]), now()`, [eventId, ids.slice(0, checked)]);
    }
    return ids;
  }

  async function quota(eventId: string, organizationId: string, seats: number): Promise<void> {
    await db.query(`INSERT INTO event_quota (event_id, organization_id, seats) VALUES ($1, $2, $3)`, [eventId, organizationId, seats]);
  }

  beforeAll(async () => {
    t = await startTestApp();
    db = t.dataSource;
    reports = t.app.get(ReportsService);
    province = await org('LĐLĐ tỉnh', null);
    for (let d = 1; d <= 4; d++) {
      const id = await org(`Công đoàn huyện ${d}`, province);
      districts.push(id);
      communes[id] = [];
      for (let c = 1; c <= 5; c++) communes[id].push(await org(`Công đoàn xã ${d}.${c}`, id));
    }
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  describe('event report', () => {
    let eventId: string;
    // Commune (d, c) sends d + c confirmed delegates, c of them checked in (districts 1-3; district 4 sends nobody).
    const sent = (d: number, c: number) => (d <= 3 ? d + c : 0);
    const came = (d: number, c: number) => (d <= 3 ? c : 0);

    beforeAll(async () => {
      eventId = await event(province, '2026-05-10T08:00:00+07:00');
      for (let d = 1; d <= 4; d++) {
        for (let c = 1; c <= 5; c++) if (sent(d, c)) await people(eventId, communes[districts[d - 1]][c - 1], sent(d, c), came(d, c));
      }
      // District 1 itself: 2 confirmed delegates, 1 checked in; an official checked in (not a delegate);
      // a cancelled registration that had been checked in; declined, invited and waitlisted people.
      await people(eventId, districts[0], 2, 1);
      await people(eventId, districts[0], 1, 1, { role: 'official' });
      await people(eventId, districts[0], 1, 1, { status: 'cancelled' });
      await people(eventId, districts[1], 3, 0, { status: 'declined' });
      await people(eventId, districts[1], 2, 0, { status: 'invited' });
      await db.query(`INSERT INTO registration (event_id, full_name, email, role, status, source, token_hash, code, organization_id, waitlisted_at)
                      VALUES ($1, 'Người chờ', 'w@test.local', 'delegate', 'waitlisted', 'import', decode(md5('w') || md5('x'), 'hex'), 'WAT0000001', $2, now())`, [eventId, districts[2]]);
      await quota(eventId, districts[0], 40);
      await quota(eventId, communes[districts[0]][0], 2);
      // District 4 has a quota and nobody registered: it must still show.
      await quota(eventId, districts[3], 12);
    });

    it('rolls each unit up over its whole subtree, exactly', async () => {
      const report = await reports.eventReport(admin, eventId);
      const row = (id: string) => report.byOrganization.find((o) => o.organizationId === id)!;
      for (let d = 1; d <= 3; d++) {
        const district = districts[d - 1];
        const own = d === 1 ? { confirmed: 2, checkedIn: 1 } : { confirmed: 0, checkedIn: 0 };
        let confirmed = own.confirmed;
        let checkedIn = own.checkedIn;
        for (let c = 1; c <= 5; c++) {
          expect(row(communes[district][c - 1])).toMatchObject({ confirmed: sent(d, c), checkedIn: came(d, c), parentId: district });
          confirmed += sent(d, c);
          checkedIn += came(d, c);
        }
        expect(row(district)).toMatchObject({ confirmed, checkedIn, depth: 1 });
      }
      const all = [1, 2, 3].reduce((s, d) => s + [1, 2, 3, 4, 5].reduce((x, c) => x + sent(d, c), 0), 0) + 2;
      const allIn = [1, 2, 3].reduce((s, d) => s + [1, 2, 3, 4, 5].reduce((x, c) => x + came(d, c), 0), 0) + 1;
      expect(row(province)).toMatchObject({ confirmed: all, checkedIn: allIn, depth: 0, quota: null });
      expect(report.totals).toMatchObject({ confirmedDelegates: all, checkedInDelegates: allIn, confirmed: all + 1, checkedIn: allIn + 1 });
      // Parents come before their units (tree order).
      const order = report.byOrganization.map((o) => o.organizationId);
      expect(order.indexOf(province)).toBe(0);
      expect(order.indexOf(districts[0])).toBeLessThan(order.indexOf(communes[districts[0]][0]));
    });

    it('shows a unit that has a quota and nobody registered, with zeros', async () => {
      const report = await reports.eventReport(admin, eventId);
      const d4 = report.byOrganization.find((o) => o.organizationId === districts[3]);
      expect(d4).toMatchObject({ quota: 12, confirmed: 0, checkedIn: 0, attendanceRate: 0, underQuota: true });
      // Its communes have neither quota nor delegates: not listed.
      expect(report.byOrganization.some((o) => o.organizationId === communes[districts[3]][0])).toBe(false);
      expect(report.byOrganization.find((o) => o.organizationId === communes[districts[0]][0])).toMatchObject({ quota: 2, confirmed: 2, underQuota: false });
    });

    it('the attendance rate is checked-in confirmed delegates over confirmed delegates (officials and cancelled check-ins excluded)', async () => {
      const report = await reports.eventReport(admin, eventId);
      const { totals } = report;
      expect(totals.attendanceRate).toBe(Math.round((totals.checkedInDelegates / totals.confirmedDelegates) * 10_000) / 10_000);
      expect(totals).toMatchObject({ invited: 2, declined: 3, waitlisted: 1, cancelled: 1, noShow: totals.confirmed - totals.checkedIn });
      const d1 = report.byOrganization.find((o) => o.organizationId === districts[0])!;
      expect(d1.attendanceRate).toBe(Math.round((d1.checkedIn / d1.confirmed) * 10_000) / 10_000);
      expect(report.byRole.find((r) => r.role === 'official')).toMatchObject({ confirmed: 1, checkedIn: 1, attendanceRate: 1 });
    });

    it('counts each session’s check-ins', async () => {
      const [s] = await db.query(`INSERT INTO session (event_id, title, starts_at, ends_at) VALUES ($1, 'Phiên khai mạc', '2026-05-10T08:00:00+07:00', '2026-05-10T09:00:00+07:00') RETURNING id`, [eventId]);
      const ids = (await db.query(`SELECT id FROM registration WHERE event_id = $1 AND status = 'confirmed' ORDER BY id LIMIT 3`, [eventId])).map((r: { id: string }) => r.id);
      await db.query(`INSERT INTO check_in (event_id, registration_id, session_id, checked_in_at) SELECT $1, unnest($2::uuid[]), $3, now()`, [eventId, ids, s.id]);
      const report = await reports.eventReport(admin, eventId);
      expect(report.bySession).toEqual([expect.objectContaining({ sessionId: s.id, title: 'Phiên khai mạc', checkedIn: 3 })]);
    });
  });

  describe('leadership report over a period', () => {
    let north: string;
    let lastMarch: string;
    let firstApril: string;
    let newYork: string;

    beforeAll(async () => {
      north = districts[1];
      // 23:30 on 31 March in Hà Nội is 16:30 UTC; 00:30 on 1 April is 17:30 UTC on 31 March.
      lastMarch = await event(north, '2026-03-31T23:30:00+07:00');
      firstApril = await event(communes[north][0], '2026-04-01T00:30:00+07:00');
      // 22:00 on 31 March in New York is already 1 April in UTC: it belongs to March.
      newYork = await event(communes[north][1], '2026-03-31T22:00:00-04:00', { timezone: 'America/New_York' });
      await event(north, '2026-03-15T09:00:00+07:00', { status: 'draft' });
      await event(north, '2026-03-16T09:00:00+07:00', { status: 'cancelled' });
      await people(lastMarch, communes[north][0], 4, 3);
      await people(lastMarch, communes[north][2], 2, 0);
      await people(firstApril, communes[north][0], 5, 5);
      await people(newYork, communes[north][1], 3, 1);
      await quota(lastMarch, communes[north][0], 6);
      await quota(firstApril, communes[north][0], 8);
      await quota(lastMarch, communes[north][3], 1);
    });

    it('puts an event in the period and month of its start in its own time zone', async () => {
      const march = await reports.attendance(admin, { organizationId: north, from: '2026-03-01', to: '2026-03-31' });
      expect(march.events).toBe(2);
      expect(march.byEvent.map((e) => e.eventId)).toEqual(expect.arrayContaining([lastMarch, newYork]));
      expect(march.byEvent.some((e) => e.eventId === firstApril)).toBe(false);
      expect(march).toMatchObject({ confirmed: 9, checkedIn: 4 });
      const april = await reports.attendance(admin, { organizationId: north, from: '2026-04-01', to: '2026-04-30' });
      expect(april.byEvent.map((e) => e.eventId)).toEqual([firstApril]);
      const spring = await reports.attendance(admin, { organizationId: north, from: '2026-03-01', to: '2026-04-30' });
      expect(spring.byMonth).toEqual([
        { month: '2026-03', events: 2, confirmed: 9, checkedIn: 4, attendanceRate: 0.4444 },
        { month: '2026-04', events: 1, confirmed: 5, checkedIn: 5, attendanceRate: 1 },
      ]);
      expect(spring.byStatus).toEqual(expect.arrayContaining([{ status: 'draft', events: 1 }, { status: 'cancelled', events: 1 }, { status: 'published', events: 3 }]));
    });

    it('rolls the subtree up to the root’s children and names the units most often under quota', async () => {
      const spring = await reports.attendance(admin, { organizationId: north, from: '2026-03-01', to: '2026-04-30' });
      const row = (id: string) => spring.byOrganization.find((o) => o.organizationId === id);
      expect(row(communes[north][0])).toMatchObject({ confirmed: 9, checkedIn: 8, quota: 14, self: false });
      expect(row(communes[north][4])).toMatchObject({ confirmed: 0, checkedIn: 0, quota: null });
      // Commune 1 sent 4 of 6 and 5 of 8; commune 4 nobody of 1.
      expect(spring.underQuota).toEqual([
        { organizationId: communes[north][0], name: 'Công đoàn xã 2.1', events: 2, under: 2, shortfall: 5 },
        { organizationId: communes[north][3], name: 'Công đoàn xã 2.4', events: 1, under: 1, shortfall: 1 },
      ]);
      // From the province, the same delegates roll up into district 2.
      const province2 = await reports.attendance(admin, { organizationId: province, from: '2026-03-01', to: '2026-04-30' });
      expect(province2.byOrganization.find((o) => o.organizationId === north)).toMatchObject({ confirmed: 14, checkedIn: 9, quota: 15 });
      expect(province2.byOrganization.map((o) => o.organizationId)).toEqual(expect.arrayContaining(districts));
    });

    it('refuses a period that ends before it starts, or a day that does not exist', async () => {
      await expect(reports.attendance(admin, { from: '2026-04-02', to: '2026-04-01' })).rejects.toMatchObject({ status: 400 });
      await expect(reports.attendance(admin, { from: '2026-02-30', to: '2026-03-01' })).rejects.toMatchObject({ status: 400 });
    });
  });

  it('the attendance rate (td_attendance_rate, which both reports use) is checked-in over confirmed to 4 decimals, 0 with nobody confirmed, never above 1', async () => {
    const [row] = await db.query(
      `SELECT td_attendance_rate(2, 3) AS a, td_attendance_rate(3, 3) AS b, td_attendance_rate(0, 0) AS c, td_attendance_rate(5, 4) AS d, td_attendance_rate(1, 20000) AS e, td_attendance_rate(1, 7)::text AS f`,
    );
    expect(row).toEqual({ a: 0.6667, b: 1, c: 0, d: 1, e: 0.0001, f: '0.1429' });
    // As JSON (what the API sends): a plain number, not a string or 0.5000.
    expect((await db.query(`SELECT json_build_object('r', td_attendance_rate(1, 2))::text AS j`))[0].j).toBe('{"r" : 0.5}');
  });

  it('lists people in Vietnamese order: by given name, then the rest of the name, Đ after D (not after V)', async () => {
    const ev = await event(province, '2026-06-01T08:00:00+07:00');
    const names = ['Võ Văn An', 'Hoàng Văn Võ', 'Nguyễn Văn Đức', 'Lê Thị Em', 'Trần Văn Dũng', 'Phạm Văn Ánh', 'Đặng Thị An', 'Bùi Văn Anh'];
    await people(ev, communes[districts[0]][0], names.length, 0, { names });
    const list = await t.app.get(ReportsRepository).attendanceList(ev);
    expect(list.map((p) => p.fullName)).toEqual(['Đặng Thị An', 'Võ Văn An', 'Bùi Văn Anh', 'Phạm Văn Ánh', 'Trần Văn Dũng', 'Nguyễn Văn Đức', 'Lê Thị Em', 'Hoàng Văn Võ']);
  });
});
