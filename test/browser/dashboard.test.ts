import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createActor, createOrganization, loginAdmin } from '../factories';
import { createPublishedEvent } from '../factories/events';
import { checkIn, register, setEventColumns } from '../factories/registrations';
import { createUserWithPassword } from '../factories/web';
import { collectPageErrors, launchBrowser, logInThroughPage } from '../support/browser';
import { startTestApp, TestApp } from '../support/test-app';

const SHOTS = join(__dirname, 'screenshots');

/** A provincial leader opens the attendance dashboard, narrows it to one district, and drills into an event. */
describe('leadership dashboard in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let leader: { email: string; password: string };
  let thuDauMot: { id: string };
  let diAn: { id: string };
  const title = 'Tập huấn Bộ luật Lao động sửa đổi';
  let consoleErrors: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await loginAdmin(t);
    const province = await createOrganization(t, admin, { name: 'LĐLĐ tỉnh Bình Dương' });
    thuDauMot = await createOrganization(t, admin, { name: 'LĐLĐ thành phố Thủ Dầu Một', parentId: province.id });
    diAn = await createOrganization(t, admin, { name: 'LĐLĐ thành phố Dĩ An', parentId: province.id });
    const phuCuong = await createOrganization(t, admin, { name: 'CĐ phường Phú Cường', parentId: thuDauMot.id });
    const hiepThanh = await createOrganization(t, admin, { name: 'CĐ phường Hiệp Thành', parentId: thuDauMot.id });
    const organizer = await createActor(t, admin, 'organizer', province.id);
    leader = await createUserWithPassword(t, admin, 'leader', province.id);
    const staff = await createActor(t, admin, 'staff', province.id);

    // Two events of this month: 6 delegates of Thủ Dầu Một (4 checked in), 3 of Dĩ An (1 checked in).
    const first = await createPublishedEvent(t, organizer, { title });
    const second = await createPublishedEvent(t, organizer, { title: 'Hội nghị đối thoại doanh nghiệp' });
    await t.http().put(`/api/v1/events/${first.id}/quotas`).set(organizer.auth).send([{ organizationId: diAn.id, seats: 5 }, { organizationId: phuCuong.id, seats: 3 }]).expect(200);
    const people: [string, string, { id: string }, boolean][] = [
      [first.id, 'Nguyễn Văn An', phuCuong, true],
      [first.id, 'Trần Thị Bích', phuCuong, true],
      [first.id, 'Lê Văn Cường', hiepThanh, false],
      [first.id, 'Phạm Thị Dung', diAn, true],
      [first.id, 'Võ Văn Em', diAn, false],
      [second.id, 'Đặng Thị Giang', hiepThanh, true],
      [second.id, 'Hồ Văn Hải', phuCuong, true],
      [second.id, 'Bùi Thị Lan', thuDauMot, false],
      [second.id, 'Đỗ Văn Minh', diAn, false],
    ];
    for (const [eventId, fullName, unit, present] of people) {
      const r = await register(t, eventId, { fullName, organizationId: unit.id }, organizer);
      if (present) expect((await checkIn(t, staff, eventId, { code: r.code })).status).toBe(201);
    }
    // Both are under way now, so the default period (this month) holds them and they are still upcoming.
    const now = Date.now();
    for (const id of [first.id, second.id]) await setEventColumns(t, id, { starts_at: new Date(now - 60_000), ends_at: new Date(now + 3 * 3_600_000) });

    mkdirSync(SHOTS, { recursive: true });
    browser = await launchBrowser();
    const context = await browser.newContext({ baseURL: t.url, viewport: { width: 1100, height: 900 } });
    page = await context.newPage();
    consoleErrors = collectPageErrors(page);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const tableRows = (id: string) => page.locator(`#${id} tbody tr`).evaluateAll((rows) => rows.map((r) => Array.from(r.querySelectorAll('td')).map((c) => (c.textContent ?? '').trim())));
  const barUnits = () => page.locator('#chart-units g.bar').evaluateAll((bars) => bars.map((b) => [b.getAttribute('data-unit'), b.getAttribute('data-confirmed'), b.getAttribute('data-checked-in'), b.getAttribute('data-quota')]));

  it('the home page shows live figures and offers the leader the reports, nothing that would answer 403', async () => {
    await logInThroughPage(page, t.url, leader);
    await expect(page.locator('#home-confirmed').textContent()).resolves.toBe('9');
    await expect(page.locator('#home-checkins').textContent()).resolves.toBe('5');
    const links = await page.locator('.dash-links a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual(['/reports', '/events']);
    for (const href of links) expect((await page.request.get(href!)).status()).toBe(200);
  });

  it('opens the dashboard: charts and tables for the districts of the province', async () => {
    await page.locator('.dash-links').getByRole('link', { name: /^Báo cáo tham dự/ }).click();
    await page.waitForURL('**/reports');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Báo cáo tham dự');
    await expect(page.locator('#fig-events').textContent()).resolves.toBe('2');
    await expect(page.locator('#fig-confirmed').textContent()).resolves.toBe('9');
    await expect(page.locator('#fig-checked').textContent()).resolves.toBe('5');
    expect(await tableRows('table-units')).toEqual([
      ['LĐLĐ thành phố Dĩ An', '5', '3', '1', '33.3 %'],
      ['LĐLĐ thành phố Thủ Dầu Một', '3', '6', '4', '66.7 %'],
    ]);
    expect(await barUnits()).toEqual([
      ['LĐLĐ thành phố Dĩ An', '3', '1', '5'],
      ['LĐLĐ thành phố Thủ Dầu Một', '6', '4', '3'],
    ]);
    await expect(page.locator('#chart-units line.quota').count()).resolves.toBe(2);
    await expect(page.locator('#chart-months circle').count()).resolves.toBe(12);
    await expect(page.locator('#chart-status rect.status-published').getAttribute('data-value')).resolves.toBe('2');
    await page.screenshot({ path: join(SHOTS, 'dashboard-province.png'), fullPage: true });
  });

  it('filters by a unit of the subtree: the charts and tables change to its own units', async () => {
    await page.getByLabel('Đơn vị', { exact: true }).selectOption(thuDauMot.id);
    await page.getByRole('button', { name: 'Xem báo cáo' }).click();
    await page.waitForURL(`**/reports?*organizationId=${thuDauMot.id}*`);
    await expect(page.locator('#fig-confirmed').textContent()).resolves.toBe('6');
    await expect(page.locator('#fig-checked').textContent()).resolves.toBe('4');
    expect(await tableRows('table-units')).toEqual([
      ['LĐLĐ thành phố Thủ Dầu Một (trực tiếp)', '—', '1', '0', '0.0 %'],
      ['CĐ phường Hiệp Thành', '—', '2', '1', '50.0 %'],
      ['CĐ phường Phú Cường', '3', '3', '3', '100.0 %'],
    ]);
    expect((await barUnits()).map((b) => b[0])).toEqual(['LĐLĐ thành phố Thủ Dầu Một (trực tiếp)', 'CĐ phường Hiệp Thành', 'CĐ phường Phú Cường']);
    await expect(page.locator('#chart-units line.quota').count()).resolves.toBe(1);
    await expect(page.getByLabel('Đơn vị', { exact: true }).inputValue()).resolves.toBe(thuDauMot.id);
    await page.screenshot({ path: join(SHOTS, 'dashboard-filtered.png'), fullPage: true });
  });

  it('drills down to an event’s report, with its export links', async () => {
    await page.locator('#table-events').getByRole('link', { name: title }).click();
    await page.waitForURL('**/reports/events/*');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(`Báo cáo sự kiện: ${title}`);
    await expect(page.locator('#fig-rate').textContent()).resolves.toBe('60.0 %');
    const units = await tableRows('table-units');
    expect(units.find((r) => r[0].startsWith('LĐLĐ thành phố Dĩ An'))).toEqual(['LĐLĐ thành phố Dĩ An thiếu', '5', '2', '1', '50.0 %']);
    const csv = await page.request.get((await page.getByRole('link', { name: 'Danh sách (CSV)' }).getAttribute('href'))!);
    expect(csv.status()).toBe(200);
    expect((await csv.body()).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    await expect(page.getByRole('link', { name: 'Thẻ đại biểu (PDF)' }).count()).resolves.toBe(0);
  });

  it('speaks English too', async () => {
    await page.goto('/lang/en?next=/reports');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Attendance reports');
    await expect(page.locator('#table-units thead').textContent()).resolves.toContain('Attendance rate');
    expect(consoleErrors).toEqual([]);
  });
});
