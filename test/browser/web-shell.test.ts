import type { Browser, BrowserContext, Page } from 'playwright-core';
import { MailService } from '../../src/mail/mail.service';
import { collectPageErrors, launchBrowser } from '../support/browser';
import { startTestApp, TEST_ADMIN, TestApp } from '../support/test-app';

describe('web shell in Chromium: admin journey', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  // CSP violations and script errors must not pass silently (4xx pages the journey provokes on purpose aside).
  let consoleErrors: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchBrowser();
    context = await browser.newContext({ baseURL: t.url });
    page = await context.newPage();
    consoleErrors = collectPageErrors(page);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('logs in as admin through the form and lands on the dashboard', async () => {
    await page.goto('/organizations');
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
    await page.getByLabel('Email').fill(TEST_ADMIN.email);
    await page.getByLabel('Mật khẩu').fill(TEST_ADMIN.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    // Back to the page first asked for.
    await page.waitForURL('**/organizations');
    await page.getByRole('link', { name: 'Trang chủ' }).click();
    await page.waitForURL(`${t.url}/`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Xin chào');
    const session = (await context.cookies()).find((c) => c.name === 'td_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
  });

  it('switches to English, keeps it across pages, and switches back to Vietnamese', async () => {
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(`${t.url}/`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Hello');
    await page.getByRole('link', { name: 'Organizations', exact: true }).click();
    await page.waitForURL('**/organizations');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expect(page.getByRole('heading', { name: 'Organization tree' }).count()).resolves.toBe(1);
    await page.getByRole('link', { name: 'Tiếng Việt' }).click();
    await page.waitForURL('**/organizations');
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
    await expect(page.getByRole('heading', { name: 'Cây đơn vị' }).count()).resolves.toBe(1);
  });

  it('creates an organization and a sub-unit through the forms and sees them nested, with typed markup shown as text', async () => {
    await page.getByRole('link', { name: 'Thêm đơn vị' }).first().click();
    await page.waitForURL('**/organizations/new');
    // An empty name is refused on the form with a field message.
    await page.getByRole('button', { name: 'Lưu' }).click();
    await expect(page.locator('#e-name').textContent()).resolves.toContain('Không được để trống.');

    await page.getByLabel('Tên đầy đủ').fill('Liên đoàn Lao động tỉnh Bình Dương');
    await page.getByLabel('Tên viết tắt').fill('LĐLĐ');
    await page.getByLabel('Địa danh').fill('tỉnh Bình Dương');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.waitForURL('**/organizations?saved=*');
    await expect(page.locator('.flash').textContent()).resolves.toContain('Liên đoàn Lao động tỉnh Bình Dương');

    const root = page.locator('li', { has: page.locator('strong', { hasText: 'Liên đoàn Lao động tỉnh Bình Dương' }) }).first();
    await root.getByRole('link', { name: 'Thêm đơn vị con' }).click();
    await page.waitForURL('**/organizations/new?parentId=*');
    const evil = 'CĐCS <script>window.__pwned = 1</script><b>đậm</b>';
    await page.getByLabel('Tên đầy đủ').fill(evil);
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.waitForURL('**/organizations?saved=*');

    // Nested under its parent, and shown exactly as typed (text, not markup).
    const child = page.locator('.tree li li strong.org-name');
    await expect(child.textContent()).resolves.toBe(evil);
    await expect(page.locator('.tree b').count()).resolves.toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('reads a stored mail in the outbox, its HTML rendered inside the sandboxed frame', async () => {
    await t.dataSource.transaction((m) =>
      t.app.get(MailService).enqueue(m, {
        to: 'dai.bieu@example.com',
        template: 'notice',
        locale: 'vi',
        data: { heading: 'Thư mời dự lớp tập huấn', paragraphs: ['Kính gửi đồng chí Trần Thị Bình'] },
      }),
    );
    await page.getByRole('link', { name: 'Hộp thư đi' }).click();
    await page.waitForURL('**/admin/outbox');
    await page.getByRole('link', { name: 'Thư mời dự lớp tập huấn' }).click();
    await page.waitForURL('**/admin/outbox/*');
    const frame = page.frameLocator('iframe.mail');
    await expect(frame.locator('h1').textContent()).resolves.toBe('Thư mời dự lớp tập huấn');
    await expect(frame.locator('body').textContent()).resolves.toContain('Kính gửi đồng chí Trần Thị Bình');
  });

  it('logs out and is sent to the login page for protected pages', async () => {
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.waitForURL('**/login?loggedOut=1');
    await page.goto('/organizations');
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(consoleErrors).toEqual([]);
  });
});
