import type { Browser, Page } from 'playwright-core';
import { createOrganization, loginAdmin } from '../factories';
import { collectPageErrors, launchBrowser } from '../support/browser';
import { startTestApp, TEST_ADMIN, TestApp } from '../support/test-app';

describe('accounts in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let unit: { id: string; name: string };

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await loginAdmin(t);
    const province = await createOrganization(t, admin, { name: 'Liên đoàn Lao động tỉnh Bình Dương' });
    unit = await createOrganization(t, admin, { parentId: province.id, name: 'Công đoàn Khu công nghiệp Mỹ Phước' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const logIn = async (page: Page, email: string, password: string) => {
    await page.goto('/login');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  };

  it('an admin creates a user, the user logs in and changes the password, then the admin deactivates them and their open page is sent to the login', async () => {
    const adminPage = await (await browser.newContext({ baseURL: t.url })).newPage();
    const userPage = await (await browser.newContext({ baseURL: t.url })).newPage();
    const errors = [...collectPageErrors(adminPage), ...collectPageErrors(userPage)];
    const email = `ban-diem-danh-${Date.now()}@example.vn`;

    // The admin creates a desk clerk from the users page.
    await logIn(adminPage, TEST_ADMIN.email, TEST_ADMIN.password);
    await adminPage.getByRole('link', { name: 'Người dùng' }).click();
    await adminPage.getByRole('link', { name: 'Thêm người dùng' }).click();
    await adminPage.getByLabel('Email').fill(email);
    await adminPage.getByLabel('Họ và tên').fill('Trần Thị Bàn');
    // A common password is refused, naming the field.
    await adminPage.getByLabel('Mật khẩu ban đầu').fill('password123');
    await adminPage.getByLabel('Vai trò').selectOption({ label: 'Nhân viên điểm danh' });
    await adminPage.getByLabel('Đơn vị').selectOption({ label: unit.name });
    await adminPage.getByRole('button', { name: 'Lưu' }).click();
    await expect(adminPage.locator('#e-password').textContent()).resolves.toContain('quá phổ biến');
    await adminPage.getByLabel('Mật khẩu ban đầu').fill('mật-khẩu-đầu-tiên-1');
    await adminPage.getByRole('button', { name: 'Lưu' }).click();
    await adminPage.waitForURL('**/users?notice=created*');
    await expect(adminPage.locator('.flash').textContent()).resolves.toContain('Trần Thị Bàn');
    await expect(adminPage.locator(`tr[data-email="${email}"]`).textContent()).resolves.toContain('Đang hoạt động');

    // The user logs in and changes the password on "my account".
    await logIn(userPage, email, 'mật-khẩu-đầu-tiên-1');
    await userPage.locator('a.who').click();
    await userPage.waitForURL('**/account');
    await userPage.getByLabel('Mật khẩu hiện tại').fill('mật-khẩu-đầu-tiên-1');
    await userPage.getByLabel('Mật khẩu mới').fill('mật-khẩu-của-tôi-2');
    await userPage.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await userPage.waitForURL('**/account?changed=1');
    await expect(userPage.locator('.flash').textContent()).resolves.toContain('Đã đổi mật khẩu');
    // Still signed in on this page after the change (its session got a fresh cookie).
    await userPage.goto('/events');
    expect(new URL(userPage.url()).pathname).toBe('/events');

    // The admin deactivates the account.
    await adminPage.locator(`tr[data-email="${email}"]`).getByRole('link', { name: 'Sửa' }).click();
    await adminPage.getByRole('button', { name: 'Khóa tài khoản' }).click();
    await adminPage.waitForURL('**/users?notice=deactivated*');
    await expect(adminPage.locator(`tr[data-email="${email}"]`).textContent()).resolves.toContain('Đã khóa');

    // The user's open page: the next click lands on the login page.
    await userPage.getByRole('link', { name: 'Trang chủ' }).click();
    await userPage.waitForURL('**/login**');
    expect(new URL(userPage.url()).pathname).toBe('/login');
    // Neither password works any more.
    await userPage.getByLabel('Email').fill(email);
    await userPage.getByLabel('Mật khẩu', { exact: true }).fill('mật-khẩu-của-tôi-2');
    await userPage.getByRole('button', { name: 'Đăng nhập' }).click();
    await expect(userPage.locator('.form-error').textContent()).resolves.toContain('không đúng');

    const audit = await t.dataSource.query(`SELECT action FROM audit_log WHERE entity_id = (SELECT id FROM user_account WHERE email = $1) ORDER BY at`, [email]);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['user.create', 'user.login', 'user.password-change', 'user.deactivate']);
    expect(errors).toEqual([]);
  });

  it('"forgot password" is on the login page and answers the same for any address', async () => {
    const page = await (await browser.newContext({ baseURL: t.url })).newPage();
    await page.goto('/login');
    await page.getByRole('link', { name: 'Quên mật khẩu?' }).click();
    await page.waitForURL('**/forgot-password');
    const answers: string[] = [];
    for (const address of [TEST_ADMIN.email, `khong-co-${Date.now()}@example.vn`]) {
      await page.getByLabel('Email').fill(address);
      await page.getByRole('button', { name: 'Gửi liên kết' }).click();
      answers.push((await page.locator('.flash').textContent()) ?? '');
    }
    expect(answers[0]).toContain('Nếu email này có tài khoản');
    expect(answers[1]).toBe(answers[0]);
  });
});
