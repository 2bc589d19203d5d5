import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import QRCode from 'qrcode';
import { Actor, createOrganization, loginAdmin, loginAs } from '../factories';
import { createPublishedEvent, createSession, EventBody } from '../factories/events';
import { register, RegistrationBody } from '../factories/registrations';
import { createUserWithPassword } from '../factories/web';
import { collectPageErrors, launchBrowser } from '../support/browser';
import { startTestApp, TestApp } from '../support/test-app';

/** Screenshots the tests save for a person to look at (not compared). */
const SHOTS = join(__dirname, 'screenshots');

/**
 * The pages people open on a phone, at 390 px: nothing wider than the screen (scrollWidth ≤
 * clientWidth) and, at the desk, the whole code box and the answer in view.
 */
describe('pages on a 390 px phone', () => {
  let t: TestApp;
  let browser: Browser;
  let organizer: Actor;
  let organizerLogin: { email: string; password: string };
  let event: EventBody;
  let delegate: RegistrationBody;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestApp();
    const admin = await loginAdmin(t);
    const org = await createOrganization(t, admin, { name: 'Liên đoàn Lao động tỉnh Bà Rịa – Vũng Tàu' });
    const unit = await createOrganization(t, admin, { parentId: org.id, name: 'Công đoàn các Khu công nghiệp và Khu chế xuất tỉnh' });
    organizerLogin = await createUserWithPassword(t, admin, 'organizer', org.id);
    organizer = await loginAs(t, organizerLogin.email, organizerLogin.password);
    event = await createPublishedEvent(t, organizer, {
      title: 'Tập huấn nghiệp vụ công tác tài chính công đoàn cơ sở năm 2026 cho cán bộ chuyên trách',
      venue: 'Hội trường tầng 3, Trụ sở Liên đoàn Lao động tỉnh, số 12 đường Trường Chinh',
    });
    await createSession(t, organizer, event, { title: 'Phiên khai mạc và quán triệt các văn bản hướng dẫn mới' });
    delegate = await register(t, event.id, { fullName: 'Nguyễn Thị Phương Thảo Nguyên', organizationId: unit.id, email: 'phuong.thao.nguyen.rat.dai@congdoan-khu-cong-nghiep.example.vn' });
    for (let i = 0; i < 6; i++) await register(t, event.id, { fullName: `Trần Văn Đại Biểu ${i}`, organizationId: unit.id, position: 'Chủ tịch Công đoàn cơ sở Công ty TNHH' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const phone = async (): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({ baseURL: t.url, viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    errors.push(...collectPageErrors(page));
    return { context, page };
  };

  const noOverflow = async (page: Page, name: string) => {
    await page.screenshot({ path: join(SHOTS, `phone-${name}.png`), fullPage: true });
    const size = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    expect([name, size.scroll <= size.client]).toEqual([name, true]);
    // And no single element sticks out to the right (a table or a long e-mail would).
    const wide = await page.evaluate(() =>
      [...document.querySelectorAll('body *')]
        .filter((el) => {
          const r = el.getBoundingClientRect();
          return r.width > 0 && r.right > document.documentElement.clientWidth + 1 && getComputedStyle(el).position !== 'absolute';
        })
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}`)
        .slice(0, 5),
    );
    expect([name, wide]).toEqual([name, []]);
  };

  const login = async (page: Page, next: string) => {
    await page.goto(next);
    await page.getByLabel('Email').fill(organizerLogin.email);
    await page.getByLabel('Mật khẩu').fill(organizerLogin.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(`**${next}`);
  };

  it('the public event page fits the screen', async () => {
    const { context, page } = await phone();
    await page.goto(`/e/${event.slug}`);
    await expect(page.locator('.zone').textContent()).resolves.toContain('giờ Việt Nam (GMT+7)');
    await noOverflow(page, 'public-event');
    await context.close();
  });

  it('"my registration" fits the screen with the whole check-in code and the QR in view', async () => {
    const { context, page } = await phone();
    await page.goto(`/r/${delegate.token}`);
    await page.locator('img.qr').waitFor();
    await noOverflow(page, 'my-registration');
    const code = await page.locator('.checkin-code').boundingBox();
    expect(code!.x).toBeGreaterThanOrEqual(0);
    expect(code!.x + code!.width).toBeLessThanOrEqual(390);
    await context.close();
  });

  it('the registrations list has no horizontal overflow: each person is one card', async () => {
    const { context, page } = await phone();
    await login(page, `/events/${event.id}/registrations`);
    await expect(page.locator('tr[data-registration-id]').count()).resolves.toBe(7);
    await noOverflow(page, 'registrations');
    await context.close();
  });

  it('the desk fits: the code box and the answer are fully visible at the top of the screen', async () => {
    const { context, page } = await phone();
    await login(page, `/desk/${event.id}`);
    const box = await page.locator('#desk-code').boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    expect(box!.y + box!.height).toBeLessThanOrEqual(844);
    // The placeholder (a whole code) is not cut: the input is wide enough for XXXX-XXXX-XX.
    expect(await page.locator('#desk-code').evaluate((el: HTMLInputElement) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await page.locator('#desk-code').fill(delegate.code);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('desk-result')?.dataset.kind === 'ok');
    const result = await page.locator('#desk-result').boundingBox();
    expect(result!.x + result!.width).toBeLessThanOrEqual(390);
    expect(result!.y + result!.height).toBeLessThanOrEqual(844);
    await noOverflow(page, 'desk');
    await context.close();
  });

  it("the desk's QR decoder (jsQR) is served by the app and reads a check-in QR code where BarcodeDetector is missing", async () => {
    const { context, page } = await phone();
    await login(page, `/desk/${event.id}`);
    const png = await QRCode.toDataURL(delegate.code, { margin: 2, width: 300 });
    const decoded = await page.evaluate(async (src) => {
      await new Promise<void>((resolve, reject) => {
        const s = document.createElement('script');
        s.src = '/desk/assets/jsqr.js';
        s.onload = () => resolve();
        s.onerror = () => reject(new Error('jsqr not served'));
        document.head.appendChild(s);
      });
      const img = new Image();
      img.src = src;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, img.width, img.height);
      return (window as unknown as { jsQR: (d: Uint8ClampedArray, w: number, h: number) => { data: string } | null }).jsQR(data.data, data.width, data.height)?.data ?? null;
    }, png);
    expect(decoded).toBe(delegate.code);
    await context.close();
  });

  it('had no script or CSP errors', () => {
    expect(errors).toEqual([]);
  });
});
