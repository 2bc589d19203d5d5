import type { Browser } from 'playwright-core';
import { loginAdmin } from '../factories';
import { createUserWithPassword } from '../factories/web';
import { personalToken, ScriptedSmtp, toAddress } from '../integration/mail-smtp-support';
import { collectPageErrors, launchBrowser } from '../support/browser';
import { startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(240_000);

describe('invitations in Chromium', () => {
  let t: TestApp;
  let smtp: ScriptedSmtp;
  let browser: Browser;
  let organizer: { email: string; password: string };
  let eventId: string;

  beforeAll(async () => {
    smtp = await ScriptedSmtp.start();
    t = await startTestApp({ SMTP_URL: smtp.url }, { jobOptions: { attempts: 3, backoff: { type: 'exponential', delay: 100 } } });
    const admin = await loginAdmin(t);
    const org = await t.http().post('/api/v1/organizations').set(admin.auth).send({ name: 'Liên đoàn Lao động tỉnh Bình Dương' }).expect(201);
    organizer = await createUserWithPassword(t, admin, 'organizer', org.body.id);
    const start = Date.now() + 10 * 86_400_000;
    const ev = await t
      .http()
      .post('/api/v1/events')
      .set(admin.auth)
      .send({ title: 'Hội nghị tập huấn cán bộ công đoàn', titleEn: 'Union officers training', kind: 'conference', organizationId: org.body.id, venue: 'Hội trường tỉnh', startsAt: new Date(start).toISOString(), endsAt: new Date(start + 4 * 3_600_000).toISOString(), registrationMode: 'invite_only' })
      .expect(201);
    eventId = ev.body.id;
    await t.http().post(`/api/v1/events/${eventId}/publish`).set(admin.auth).expect(200);
    for (let i = 0; i < 12; i++) {
      await t.http().post(`/api/v1/events/${eventId}/registrations`).set(admin.auth).send({ fullName: `Đại biểu Số ${i}`, email: `dai-bieu-${i}@td.test`, language: i % 2 ? 'en' : 'vi' }).expect(201);
    }
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await smtp?.close();
  });

  it('an organizer previews the mail in both languages, sends, and watches the progress bar reach 100 % without a reload; a delegate accepts from the link of the mail', async () => {
    const context = await browser.newContext({ baseURL: t.url });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`/events/${eventId}/invitations`);
    await page.getByLabel('Email').fill(organizer.email);
    await page.getByLabel('Mật khẩu').fill(organizer.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(`**/events/${eventId}/invitations`);

    await page.getByRole('button', { name: 'Gửi thư mời…' }).click();
    const dialog = page.locator('#send-dialog');
    await dialog.waitFor({ state: 'visible' });
    // The previews: the mail as a Vietnamese and an English recipient will see it.
    const vi = page.frameLocator('#preview-vi');
    const en = page.frameLocator('#preview-en');
    await expect(vi.locator('h1').textContent()).resolves.toContain('Thư mời tham dự: Hội nghị tập huấn cán bộ công đoàn');
    await expect(en.locator('h1').textContent()).resolves.toContain('You are invited: Union officers training');
    expect(await vi.locator('img[alt^="Mã QR"]').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    // Another template: the previews follow.
    await dialog.getByLabel('Mẫu thư', { exact: true }).selectOption('reminder');
    await page.waitForFunction(() => (document.getElementById('preview-en') as HTMLIFrameElement).src.includes('template=reminder'));
    await expect(en.locator('h1').textContent()).resolves.toContain('Coming up soon: Union officers training');
    await dialog.getByLabel('Mẫu thư', { exact: true }).selectOption('invitation');

    smtp.delayMs = 400; // slow enough to see the bar move
    await dialog.getByRole('button', { name: 'Gửi', exact: true }).click();
    await page.waitForURL(/\/invitations\?batch=/);
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    const bar = page.locator('tr.batch.current progress.batch-progress');
    const seen = new Set<number>();
    for (let i = 0; i < 600; i++) {
      const value = Number(await bar.getAttribute('value'));
      seen.add(value);
      if (value === 100) break;
      await page.waitForTimeout(100);
    }
    expect(Math.max(...seen)).toBe(100);
    expect(seen.size).toBeGreaterThan(1); // it moved while the batch ran
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true); // no reload
    await expect(page.locator('tr.batch.current .batch-counts').textContent()).resolves.toContain('Đã gửi: 12 · Lỗi: 0 · Đang chờ: 0 / 12');
    expect(errors).toEqual([]);

    // A delegate opens the link of their mail and accepts with the one button of that page.
    const mail = (await smtp.messages()).find((m) => toAddress(m) === 'dai-bieu-0@td.test')!;
    const accept = /(https?:\/\/[^\s]+\/r\/[A-Za-z0-9_-]+\/accept)/.exec(mail.text ?? '')![1];
    const delegate = await (await browser.newContext({ baseURL: t.url })).newPage();
    const delegateErrors = collectPageErrors(delegate);
    await delegate.goto(new URL(accept).pathname);
    await expect(delegate.locator('h1').textContent()).resolves.toBe('Nhận lời tham dự');
    expect((await t.http().get(`/api/v1/public/registrations/${personalToken(mail)}`).expect(200)).body.status).toBe('invited');
    await delegate.getByRole('button', { name: 'Xác nhận tham dự' }).click();
    await delegate.waitForURL('**/r/*?done=accepted');
    await expect(delegate.locator('#reg-status').textContent()).resolves.toBe('Đã xác nhận');
    expect(delegateErrors).toEqual([]);
  });
});
