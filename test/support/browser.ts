import { Browser, chromium, Page } from 'playwright-core';

/** Debian's Chromium package; never `npx playwright install` (stack-notes.md). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless Chromium with the flags that make it quiet and container-safe. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * Collects script errors and console errors (CSP violations among them) of `page`, so a journey can
 * assert none happened. 4xx answers the journey provokes on purpose are not errors; `alsoIgnore`
 * drops others a test expects (e.g. a page kept offline).
 */
export function collectPageErrors(page: Page, alsoIgnore: (text: string) => boolean = () => false): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    const text = m.text();
    if (m.type() === 'error' && !text.startsWith('Failed to load resource: the server responded with a status of 4') && !alsoIgnore(text)) {
      errors.push(text);
    }
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

/** Logs in through the Vietnamese login form, as a person does, and waits for the dashboard. */
export async function logInThroughPage(page: Page, baseUrl: string, who: { email: string; password: string }): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Mật khẩu').fill(who.password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.waitForURL(`${baseUrl}/`);
}

/** The desk's IndexedDB queue of `eventId` (desk.js: database td-desk, store scans). */
export function deskQueue(page: Page, eventId: string) {
  return page.evaluate(
    (id) =>
      new Promise<{ code: string; nonce: string; scannedAt: string; userId: string }[]>((resolve, reject) => {
        const open = indexedDB.open('td-desk');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction('scans').objectStore('scans').index('event').getAll(id);
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        };
      }),
    eventId,
  );
}
