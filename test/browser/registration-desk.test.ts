import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Actor, createOrganization, loginAdmin, loginAs } from '../factories';
import { createPublishedEvent, createSession, EventBody } from '../factories/events';
import { register } from '../factories/registrations';
import { createUserWithPassword } from '../factories/web';
import { deskQueue, launchBrowser } from '../support/browser';
import { startTestApp, TestApp } from '../support/test-app';

describe('registration and check-in desk in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let organizer: Actor;
  let staff: { email: string; password: string };
  let unit: { id: string; name: string };
  let event: EventBody;
  // CSP violations and script errors must not pass silently (4xx answers the journey provokes on purpose aside).
  const consoleErrors: string[] = [];
  let delegateCode = '';

  const watch = (page: Page) => {
    page.on('console', (m) => {
      const text = m.text();
      if (m.type() === 'error' && !text.startsWith('Failed to load resource') && !text.includes('ERR_INTERNET_DISCONNECTED')) consoleErrors.push(text);
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
  };

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await loginAdmin(t);
    const org = await createOrganization(t, admin, { name: 'Liên đoàn Lao động tỉnh Bình Dương' });
    unit = await createOrganization(t, admin, { parentId: org.id, name: 'Công đoàn Khu công nghiệp' });
    const o = await createUserWithPassword(t, admin, 'organizer', org.id);
    organizer = await loginAs(t, o.email, o.password);
    staff = await createUserWithPassword(t, admin, 'staff', org.id);
    event = await createPublishedEvent(t, organizer, { title: 'Tập huấn kỹ năng thương lượng tập thể', timezone: 'Asia/Ho_Chi_Minh' });
    await createSession(t, organizer, event, { title: 'Phiên khai mạc' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('a delegate registers on the public event page and sees the QR code and the check-in code on "my registration"', async () => {
    const context = await browser.newContext({ baseURL: t.url });
    const page = await context.newPage();
    watch(page);
    await page.goto(`/e/${event.slug}`);
    const form = page.locator('#register');
    await form.getByLabel('Họ và tên').fill('Trần Thị Bình');
    await form.getByLabel('Email').fill('binh.tran@example.vn');
    await form.getByLabel('Số điện thoại').fill('0912 345 678');
    await form.getByLabel('Đơn vị').selectOption({ label: 'Công đoàn Khu công nghiệp' });
    await form.getByRole('button', { name: 'Đăng ký' }).click();
    await page.waitForURL('**/r/*?done=registered');

    await expect(page.locator('.flash').textContent()).resolves.toContain('Đăng ký thành công');
    await expect(page.locator('#reg-status').textContent()).resolves.toBe('Đã xác nhận');
    // The QR code is an SVG served by the API, loaded as an image.
    const qr = page.locator('img.qr');
    await qr.waitFor();
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    const code = (await page.locator('.checkin-code').textContent())!.replace(/\s/g, '');
    const [row] = await t.dataSource.query(`SELECT code, organization_id AS "organizationId" FROM registration WHERE email = 'binh.tran@example.vn'`);
    expect(code).toBe(`${row.code.slice(0, 4)}-${row.code.slice(4, 8)}-${row.code.slice(8)}`);
    expect(row.organizationId).toBe(unit.id);
    delegateCode = code;
    await context.close();
  });

  describe('at the desk', () => {
    let context: BrowserContext;
    let page: Page;
    const result = () => page.locator('#desk-result');
    const scan = async (code: string) => {
      // A USB scanner types into the focused input and presses Enter.
      await page.locator('#desk-code').focus();
      await page.keyboard.type(code);
      await page.keyboard.press('Enter');
    };

    beforeAll(async () => {
      context = await browser.newContext({ baseURL: t.url });
      page = await context.newPage();
      watch(page);
    });
    afterAll(async () => {
      await context?.close();
    });

    it('staff log in, open the desk, type the code and Enter, and see the green welcome with the unit', async () => {
      await page.goto(`/desk/${event.id}`);
      expect(new URL(page.url()).pathname).toBe('/login');
      await page.getByLabel('Email').fill(staff.email);
      await page.getByLabel('Mật khẩu').fill(staff.password);
      await page.getByRole('button', { name: 'Đăng nhập' }).click();
      await page.waitForURL(`**/desk/${event.id}`);
      // The code input has the focus: a scanner can type straight away.
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('desk-code');
      // The camera part shows wherever the browser can open a camera (jsQR decodes where BarcodeDetector is missing).
      const hasCamera = await page.evaluate(() => !!navigator.mediaDevices && typeof navigator.mediaDevices.getUserMedia === 'function');
      expect(await page.locator('#desk-camera').isVisible()).toBe(hasCamera);

      await scan(delegateCode);
      await page.waitForFunction(() => document.getElementById('desk-result')?.dataset.kind === 'ok');
      await expect(page.locator('#desk-result-title').textContent()).resolves.toBe('Chào mừng Trần Thị Bình (Công đoàn Khu công nghiệp)');
      expect(await result().getAttribute('class')).toContain('desk-result-ok');
      await page.waitForFunction(() => document.getElementById('desk-checked')?.textContent === '1');
      expect(await page.locator('#desk-code').inputValue()).toBe('');
    });

    it('shows a second scan of the same code as "already checked in at" its time in the event zone', async () => {
      const [first] = await t.dataSource.query(`SELECT checked_in_at AS "at" FROM check_in WHERE event_id = $1`, [event.id]);
      const hhmm = new Intl.DateTimeFormat('vi-VN', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Asia/Ho_Chi_Minh' }).format(first.at);
      await scan(delegateCode.toLowerCase());
      await page.waitForFunction(() => document.getElementById('desk-result')?.dataset.kind === 'dup');
      await expect(page.locator('#desk-result-title').textContent()).resolves.toBe(`Đã điểm danh lúc ${hhmm}`);
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM check_in WHERE event_id = $1`, [event.id]);
      expect(n).toBe(1);
    });

    it('shows an unknown code in red as not registered', async () => {
      await scan('ZZZZ-ZZZZ-ZZ');
      await page.waitForFunction(() => document.getElementById('desk-result')?.dataset.kind === 'err');
      await expect(page.locator('#desk-result-title').textContent()).resolves.toContain('Không có đăng ký');
    });

    it('keeps a scan made offline with a visible pending counter, and sends it with its scan time when back online', async () => {
      const second = await register(t, event.id, { fullName: 'Lê Văn Cường', organizationId: unit.id });
      await context.setOffline(true);
      await page.waitForFunction(() => !navigator.onLine);
      await scan(second.code);
      await page.waitForFunction(() => document.getElementById('desk-result')?.dataset.kind === 'offline');
      await expect(page.locator('#desk-pending').isVisible()).resolves.toBe(true);
      await expect(page.locator('#desk-pending-count').textContent()).resolves.toBe('1');
      await expect(page.locator('#desk-net').isVisible()).resolves.toBe(true);
      // Kept in IndexedDB (desk.js), written before the desk said "saved".
      const kept = await deskQueue(page, event.id);
      expect(kept).toHaveLength(1);
      expect(kept[0]).toMatchObject({ code: second.code });
      expect(kept[0].nonce).toMatch(/^[0-9a-f-]{36}$/);
      const scannedAt: string = kept[0].scannedAt;
      expect((await t.dataSource.query(`SELECT 1 FROM check_in WHERE registration_id = $1`, [second.id])).length).toBe(0);

      // Some time passes before the network returns: the check-in must keep the scan's time.
      await page.waitForTimeout(1500);
      await context.setOffline(false);
      await page.waitForFunction(() => document.getElementById('desk-pending')?.hidden === true);
      await page.waitForFunction(() => document.getElementById('desk-checked')?.textContent === '2');
      await expect(page.locator('#desk-synced-count').textContent()).resolves.toBe('1');
      await expect(page.locator('#desk-synced-list li').first().textContent()).resolves.toContain('Chào mừng Lê Văn Cường');

      const [row] = await t.dataSource.query(`SELECT checked_in_at AS "at", recorded_at AS "recordedAt", nonce FROM check_in WHERE registration_id = $1`, [second.id]);
      expect(row.at.toISOString()).toBe(scannedAt);
      expect(row.nonce).toBe(kept[0].nonce);
      expect(row.recordedAt.getTime()).toBeGreaterThan(row.at.getTime() + 1000);
      const stats = await t.http().get(`/api/v1/events/${event.id}/check-ins/stats`).set(organizer.auth).expect(200);
      expect(stats.body.checkedIn).toBe(2);
    });

    it('finds a delegate by name without accents and checks them in from the list', async () => {
      await register(t, event.id, { fullName: 'Nguyễn Thị Hương' });
      await page.locator('#desk-search').fill('nguyen thi huong');
      const item = page.locator('#desk-search-results li', { hasText: 'Nguyễn Thị Hương' });
      await item.waitFor();
      await item.getByRole('button', { name: 'Điểm danh' }).click();
      await page.waitForFunction(() => document.getElementById('desk-result-title')?.textContent === 'Chào mừng Nguyễn Thị Hương');
      await page.waitForFunction(() => document.getElementById('desk-checked')?.textContent === '3');
    });

    it('checks in per session once a session is chosen, and counts that session', async () => {
      const value = await page.locator('#desk-session option', { hasText: 'Phiên khai mạc' }).getAttribute('value');
      await page.locator('#desk-session').selectOption(value!);
      await scan(delegateCode);
      await page.waitForFunction(() => document.getElementById('desk-result')?.dataset.kind === 'ok');
      // The big figures follow the chosen session (1 at "Phiên khai mạc"); the whole event is shown beside them.
      await page.waitForFunction(() => document.getElementById('desk-checked')?.textContent === '1');
      await page.waitForFunction(() => document.getElementById('desk-session-count')?.textContent === 'Cả sự kiện: 3');
      // Back to the door: the figures are the whole event's again, not the session's stale ones.
      await page.locator('#desk-session').selectOption('');
      await page.waitForFunction(() => document.getElementById('desk-checked')?.textContent === '3');
      expect(await page.locator('#desk-session-count').isHidden()).toBe(true);
      await page.locator('#desk-session').selectOption(value!);
      const rows = await t.dataSource.query(
        `SELECT c.session_id AS "sessionId", s.title FROM check_in c JOIN registration r ON r.id = c.registration_id LEFT JOIN session s ON s.id = c.session_id
          WHERE r.email = 'binh.tran@example.vn' ORDER BY c.recorded_at`,
      );
      expect(rows.map((r: { title: string | null }) => r.title)).toEqual([null, 'Phiên khai mạc']);
      expect(consoleErrors).toEqual([]);
    });
  });
});
