import type { Browser, Page } from 'playwright-core';
import { createOrganization, loginAdmin, loginAs } from '../factories';
import { createPublishedEvent, createSession } from '../factories/events';
import { register } from '../factories/registrations';
import { createUserWithPassword } from '../factories/web';
import { launchBrowser } from '../support/browser';
import { startTestApp, TestApp } from '../support/test-app';

/** On paper the agenda, the registrations list and the event page show content only: no navigation, no buttons, no forms. */
describe('print styles', () => {
  let t: TestApp;
  let browser: Browser;
  let login: { email: string; password: string };
  let eventId = '';
  let slug = '';

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await loginAdmin(t);
    const org = await createOrganization(t, admin, { name: 'Liên đoàn Lao động tỉnh Kiên Giang' });
    login = await createUserWithPassword(t, admin, 'organizer', org.id);
    const organizer = await loginAs(t, login.email, login.password);
    const event = await createPublishedEvent(t, organizer, { title: 'Hội nghị in chương trình' });
    eventId = event.id;
    slug = event.slug;
    await createSession(t, organizer, event, { title: 'Phiên toàn thể' });
    await register(t, eventId, { fullName: 'Châu Văn In' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Elements of a kind that are rendered (have a box) on the printed page. */
  const printed = (page: Page, selector: string) =>
    page.evaluate((sel) => [...document.querySelectorAll(sel)].filter((el) => el.getClientRects().length > 0).map((el) => el.outerHTML.slice(0, 80)), selector);

  it('hides the top bar, menus, breadcrumbs, buttons and forms, and keeps the content', async () => {
    const context = await browser.newContext({ baseURL: t.url });
    const page = await context.newPage();
    await page.goto(`/events/${eventId}/agenda`);
    await page.getByLabel('Email').fill(login.email);
    await page.getByLabel('Mật khẩu').fill(login.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(`**/events/${eventId}/agenda`);
    await page.emulateMedia({ media: 'print' });
    for (const [path, content] of [[`/events/${eventId}/agenda`, 'Phiên toàn thể'], [`/events/${eventId}/registrations`, 'Châu Văn In'], [`/e/${slug}`, 'Hội nghị in chương trình']]) {
      await page.goto(path);
      expect([path, await printed(page, 'header.topbar, nav, button, form, .breadcrumbs, input[type="checkbox"]')]).toEqual([path, []]);
      expect([path, await page.evaluate(() => document.body.innerText)]).toEqual([path, expect.stringContaining(content)]);
    }
    await context.close();
  });
});
