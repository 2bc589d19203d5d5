import ExcelJS from 'exceljs';
import { execFileSync } from 'node:child_process';
import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { createPublishedEvent, EventBody } from '../factories/events';
import { checkIn, register } from '../factories/registrations';
import { startTestApp, TestApp } from '../support/test-app';

/** supertest's parser for a binary body: the bytes as they came. */
const bytes = (res: any, cb: (err: Error | null, body: any) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};
/** The text of a PDF as poppler's pdftotext reads it (what a search or a copy in a PDF reader gets). */
const pdfText = (pdf: Buffer) => execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', '-', '-'], { input: pdf }).toString('utf8');
const pdfPages = (pdf: Buffer) => Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', ['-'], { input: pdf }).toString())![1]);

/** The attendance list as CSV and XLSX, the sign-in sheet and the badges as PDF. */
describe('exports: CSV, XLSX, sign-in sheet and badges', () => {
  let t: TestApp;
  let organizer: Actor;
  let leader: Actor;
  let staff: Actor;
  let stranger: Actor;
  let event: EventBody;
  let health: { id: string; name: string };
  let school: { id: string; name: string };
  // Given names An, Ánh, Dũng, Đức, Võ: in Vietnamese order Đức comes before Võ (by code point it would come after).
  const healthNames = ['Võ Thị Ánh', 'Hoàng Văn Võ', 'Đặng Văn Đức', 'Trần Thị An'];
  const schoolNames = ['Nguyễn Thị Dũng', 'Bùi Quang Đức'];

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await loginAdmin(t);
    const root = await createOrganization(t, admin, { name: 'LĐLĐ tỉnh Bình Dương' });
    health = await createOrganization(t, admin, { name: 'Công đoàn ngành Y tế', parentId: root.id });
    school = await createOrganization(t, admin, { name: 'Công đoàn ngành Giáo dục', parentId: root.id });
    const other = await createOrganization(t, admin, { name: 'LĐLĐ tỉnh Đồng Nai' });
    organizer = await createActor(t, admin, 'organizer', root.id);
    leader = await createActor(t, admin, 'leader', root.id);
    staff = await createActor(t, admin, 'staff', root.id);
    stranger = await createActor(t, admin, 'leader', other.id);
    event = await createPublishedEvent(t, organizer, { title: 'Hội nghị tập huấn nghiệp vụ công đoàn năm 2026', venue: 'Hội trường Tỉnh ủy' });
    for (const fullName of healthNames) await register(t, event.id, { fullName, position: 'Chủ tịch công đoàn cơ sở', organizationId: health.id }, organizer);
    for (const fullName of schoolNames) await register(t, event.id, { fullName, organizationId: school.id }, organizer);
    const present = await register(t, event.id, { fullName: 'Lý Thị Điểm', organizationId: health.id }, organizer);
    expect((await checkIn(t, staff, event.id, { code: present.code })).status).toBe(201);
    // Not on the lists: a declined registration.
    const declined = await register(t, event.id, { fullName: 'Người Từ Chối', organizationId: health.id }, organizer);
    await t.dataSource.query(`UPDATE registration SET status = 'declined' WHERE id = $1`, [declined.id]);
  });
  afterAll(async () => {
    await t?.close();
  });

  const expectedHealth = ['Trần Thị An', 'Võ Thị Ánh', 'Lý Thị Điểm', 'Đặng Văn Đức', 'Hoàng Văn Võ'];
  const expectedSchool = ['Nguyễn Thị Dũng', 'Bùi Quang Đức'];

  it('the CSV starts with a UTF-8 BOM, keeps the diacritics, and lists people by unit in Vietnamese order', async () => {
    const res = await t.http().get(`/api/v1/reports/events/${event.id}/attendance.csv`).set(leader.auth).buffer(true).parse(bytes).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="attendance-.+\.csv"/);
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = body.toString('utf8').slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe('STT,Họ và tên,Chức vụ,Đơn vị,Vai trò,Thư điện tử,Điện thoại,Mã điểm danh,Đã điểm danh,Thời điểm điểm danh');
    const names = lines.slice(1).map((l) => l.split(',')[1]);
    // Units by name in Vietnamese order: Giáo dục before Y tế.
    expect(names).toEqual([...expectedSchool, ...expectedHealth]);
    expect(lines.find((l) => l.includes('Lý Thị Điểm'))).toMatch(/,Có,\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    expect(body.toString('utf8')).not.toContain('Người Từ Chối');
    const en = await t.http().get(`/api/v1/reports/events/${event.id}/attendance.csv?lang=en`).set(leader.auth).buffer(true).parse(bytes).expect(200);
    expect((en.body as Buffer).toString('utf8')).toContain('No.,Full name,Position,Unit,Role');
  });

  it('the XLSX reads back with exceljs: a summary sheet and one sheet per unit, header frozen, widths set', async () => {
    const res = await t.http().get(`/api/v1/reports/events/${event.id}/attendance.xlsx`).set(organizer.auth).buffer(true).parse(bytes).expect(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Tổng hợp', 'Công đoàn ngành Giáo dục', 'Công đoàn ngành Y tế']);
    const summary = wb.getWorksheet('Tổng hợp')!;
    expect(summary.getRow(2).values).toEqual([undefined, 'Công đoàn ngành Giáo dục', 2, 0, 0]);
    expect(summary.getRow(3).values).toEqual([undefined, 'Công đoàn ngành Y tế', 5, 1, 0.2]);
    expect(summary.getRow(4).values).toEqual([undefined, 'Tổng cộng', 7, 1, 1 / 7]);
    const sheet = wb.getWorksheet('Công đoàn ngành Y tế')!;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getColumn(2).width).toBe(30);
    expect(sheet.getRow(1).getCell(2).value).toBe('Họ và tên');
    expect(sheet.getRow(1).font?.bold).toBe(true);
    const names: string[] = [];
    sheet.eachRow((row, n) => n > 1 && names.push(String(row.getCell(2).value)));
    expect(names).toEqual(expectedHealth);
    expect(sheet.getRow(2).getCell(1).value).toBe(1);
  });

  it('the sign-in sheet is an A4 PDF whose text has the event, the units and the names with their diacritics, in order, numbered', async () => {
    const res = await t.http().get(`/api/v1/events/${event.id}/sign-in-sheet.pdf`).set(staff.auth).buffer(true).parse(bytes).expect(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pdf = res.body as Buffer;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(execFileSync('pdfinfo', ['-'], { input: pdf }).toString()).toMatch(/Page size:\s+595\.28 x 841\.89 pts \(A4\)/);
    const text = pdfText(pdf);
    expect(text).toContain('Hội nghị tập huấn nghiệp vụ công đoàn năm 2026');
    expect(text).toContain('DANH SÁCH ĐẠI BIỂU KÝ TÊN');
    expect(text).toMatch(/Ký tên/);
    expect(text).toContain('Công đoàn ngành Giáo dục (2 người)');
    const order = [...expectedSchool, ...expectedHealth].map((n) => text.indexOf(n));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toMatch(/7\s+Hoàng Văn Võ/);
    expect(text).toContain('Chủ tịch công đoàn cơ sở');
  });

  it('a long sign-in sheet repeats the table header on every page', async () => {
    const big = await createPublishedEvent(t, organizer, { capacity: 200 });
    await t.dataSource.query(
      `INSERT INTO registration (event_id, full_name, email, role, status, source, token_hash, code, organization_id)
       SELECT $1, 'Đại biểu Thứ ' || i, 'many-' || i || '@test.local', 'delegate', 'confirmed', 'import',
              decode(md5(random()::text) || md5(random()::text), 'hex'), upper(substr(md5(random()::text), 1, 10)), $2
         FROM generate_series(1, 80) i`,
      [big.id, health.id],
    );
    const res = await t.http().get(`/api/v1/events/${big.id}/sign-in-sheet.pdf`).set(organizer.auth).buffer(true).parse(bytes).expect(200);
    const pages = pdfPages(res.body as Buffer);
    expect(pages).toBeGreaterThan(2);
    const text = pdfText(res.body as Buffer);
    expect(text.match(/Ký tên/g)!.length).toBe(pages);
    expect(text).toContain(`Trang ${pages}/${pages}`);
  });

  it('badges carry name, unit and the check-in code printed under its QR code, 8 to an A4 sheet', async () => {
    const res = await t.http().get(`/api/v1/events/${event.id}/badges.pdf`).set(organizer.auth).buffer(true).parse(bytes).expect(200);
    const text = pdfText(res.body as Buffer);
    for (const name of [...expectedHealth, ...expectedSchool]) expect(text).toContain(name);
    expect(text).toContain('Công đoàn ngành Y tế');
    const [{ code }] = await t.dataSource.query(`SELECT code FROM registration WHERE full_name = 'Lý Thị Điểm'`);
    expect(text).toContain(`${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`);
    // 7 badges, 8 to a sheet: one page.
    expect(pdfPages(res.body as Buffer)).toBe(1);
  });

  it('refuses a leader of another province (403), a leader the badges (403), and nobody without a token (401)', async () => {
    for (const path of [`/api/v1/reports/events/${event.id}/attendance.csv`, `/api/v1/reports/events/${event.id}/attendance.xlsx`, `/api/v1/events/${event.id}/sign-in-sheet.pdf`]) {
      await t.http().get(path).set(stranger.auth).expect(403);
      await t.http().get(path).expect(401);
    }
    await t.http().get(`/api/v1/events/${event.id}/badges.pdf`).set(leader.auth).expect(403);
    await t.http().get(`/api/v1/reports/events/${event.id}/attendance.csv`).set(staff.auth).expect(403);
    const bad = await t.http().get(`/api/v1/reports/events/${event.id}/attendance.csv?lang=fr`).set(leader.auth).expect(400);
    expect(JSON.stringify(bad.body.message)).toMatch(/lang must be vi or en/);
  });
});
