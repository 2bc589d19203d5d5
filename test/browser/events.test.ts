import type { Browser, Page } from 'playwright-core';
import { loginAdmin, createOrganization } from '../factories';
import { createSpeaker } from '../factories/events';
import { createUserWithPassword } from '../factories/web';
import { collectPageErrors, launchBrowser, logInThroughPage } from '../support/browser';
import { startTestApp, TestApp } from '../support/test-app';

describe('event pages in Chromium: an organizer prepares and publishes a training', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let organizer: { email: string; password: string };
  let globalSpeaker: { fullName: string };
  // CSP violations and script errors must not pass silently (the 409 the journey provokes on purpose aside).
  let consoleErrors: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await loginAdmin(t);
    const unit = await createOrganization(t, admin, { name: 'Liên đoàn Lao động tỉnh Bình Dương' });
    organizer = await createUserWithPassword(t, admin, 'organizer', unit.id);
    // A speaker of the shared directory (created by the admin), next to one the organizer adds through the page.
    globalSpeaker = await createSpeaker(t, admin, { fullName: 'Trần Thị Bình', honorific: 'TS.' });
    browser = await launchBrowser();
    const context = await browser.newContext({ baseURL: t.url });
    page = await context.newPage();
    consoleErrors = collectPageErrors(page);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('logs in and reaches the events list from the dashboard', async () => {
    await logInThroughPage(page, t.url, organizer);
    await page.locator('main').getByRole('link', { name: /^Sự kiện:/ }).click();
    await page.waitForURL('**/events');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Sự kiện');
  });

  it('adds a speaker through the directory and finds them by a search without accents', async () => {
    await page.getByRole('link', { name: 'Báo cáo viên', exact: true }).first().click();
    await page.waitForURL('**/speakers');
    await page.getByRole('link', { name: 'Thêm báo cáo viên' }).click();
    await page.getByLabel('Danh xưng').fill('đồng chí');
    await page.getByLabel('Họ và tên').fill('Nguyễn Văn Hoài');
    await page.getByLabel('Chức vụ').fill('Phó Trưởng ban');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.waitForURL('**/speakers?*');
    await page.getByLabel('Tìm theo tên').fill('nguyen van hoai');
    await page.getByRole('button', { name: 'Tìm', exact: true }).click();
    await expect(page.locator('.speaker-name').allTextContents()).resolves.toEqual(['đồng chí Nguyễn Văn Hoài']);
  });

  it('creates a training with the editor, times typed as local wall times', async () => {
    await page.goto('/events');
    await page.getByRole('link', { name: 'Tạo sự kiện' }).click();
    await page.waitForURL('**/events/new');
    await page.getByLabel('Tên sự kiện').fill('Tập huấn kỹ năng đàm phán thương lượng tập thể');
    await page.getByLabel('Tên tiếng Anh').fill('Collective bargaining skills training');
    await page.getByLabel('Địa điểm').fill('Hội trường LĐLĐ tỉnh');
    await page.getByLabel('Bắt đầu').fill('2031-03-10T08:00');
    await page.getByLabel('Kết thúc').fill('2031-03-10T17:00');
    await page.getByLabel('Số chỗ').fill('120');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.waitForURL(/\/events\/[0-9a-f-]{36}\?saved=1$/);
    await expect(page.locator('.flash').textContent()).resolves.toBe('Đã lưu sự kiện.');
    await expect(page.locator('dd.when').textContent()).resolves.toContain('08:00');
  });

  it('adds two sessions with speakers, and a third that double-books a speaker is refused with a readable message', async () => {
    await page.getByRole('link', { name: 'Chương trình' }).click();
    await page.waitForURL('**/agenda');
    const addSession = async (title: string, from: string, to: string, speaker: string) => {
      await page.getByLabel('Tên phiên').fill(title);
      await page.getByLabel('Bắt đầu').fill(from);
      await page.getByLabel('Kết thúc').fill(to);
      await page.getByLabel('Báo cáo viên 1', { exact: true }).selectOption({ label: speaker });
      await page.getByRole('button', { name: 'Thêm phiên' }).click();
    };
    await addSession('Khai mạc và báo cáo đề dẫn', '2031-03-10T08:00', '2031-03-10T09:30', 'đồng chí Nguyễn Văn Hoài');
    await page.waitForURL('**/agenda?done=added');
    await addSession('Kỹ năng thương lượng', '2031-03-10T09:45', '2031-03-10T11:30', `TS. ${globalSpeaker.fullName}`);
    await page.waitForURL('**/agenda?done=added');
    await expect(page.locator('.session-title').allTextContents()).resolves.toEqual(['Khai mạc và báo cáo đề dẫn', 'Kỹ năng thương lượng']);

    await addSession('Phiên trùng lịch', '2031-03-10T09:00', '2031-03-10T10:00', 'đồng chí Nguyễn Văn Hoài');
    const alert = page.locator('#session-form [role="alert"]');
    await expect(alert.textContent()).resolves.toContain('Không thể xếp lịch: Nguyễn Văn Hoài đã có phiên “Khai mạc và báo cáo đề dẫn” của sự kiện “Tập huấn kỹ năng đàm phán thương lượng tập thể”');
    // Refused on the form (the typed title kept), and the agenda still has two sessions.
    await expect(page.getByLabel('Tên phiên').inputValue()).resolves.toBe('Phiên trùng lịch');
    await expect(page.locator('.session-title').count()).resolves.toBe(2);
  });

  it('publishes the event and opens its public page with title, local time, agenda and speakers', async () => {
    // The shared event header: breadcrumbs Sự kiện › <event> › Chương trình.
    await page.locator('.breadcrumbs a').nth(1).click();
    await page.waitForURL(/\/events\/[0-9a-f-]{36}$/);
    await page.getByRole('button', { name: 'Công bố' }).click();
    await page.waitForURL('**?done=publish');
    await expect(page.locator('.flash').textContent()).resolves.toBe('Đã công bố sự kiện.');
    await expect(page.getByRole('button', { name: 'Công bố' }).count()).resolves.toBe(0);
    await page.locator('dd a[href^="/e/"]').click();
    await page.waitForURL('**/e/*');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Tập huấn kỹ năng đàm phán thương lượng tập thể');
    const when = (await page.locator('dd.when').textContent())!;
    expect(when).toContain('08:00');
    expect(when).toContain('17:00');
    await expect(page.locator('.session-title').allTextContents()).resolves.toEqual(['Khai mạc và báo cáo đề dẫn', 'Kỹ năng thương lượng']);
    await expect(page.locator('.speaker-name').allTextContents()).resolves.toEqual(['đồng chí Nguyễn Văn Hoài', 'TS. Trần Thị Bình']);
    await expect(page.locator('#register').count()).resolves.toBe(1);
  });

  it('switches the public page to English: English title and labels', async () => {
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL('**/e/*');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Collective bargaining skills training');
    await expect(page.getByRole('heading', { name: 'Agenda' }).count()).resolves.toBe(1);
    await expect(page.locator('dt').first().textContent()).resolves.toBe('When');
    await page.getByRole('link', { name: 'Tiếng Việt' }).click();
    await page.waitForURL('**/e/*');
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
    expect(consoleErrors).toEqual([]);
  });
});
