import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { Actor, createOrganization, loginAdmin, loginAs } from '../factories';
import { createPublishedEvent, createSession, createSpeaker, EventBody } from '../factories/events';
import { checkIn, register } from '../factories/registrations';
import { createUserWithPassword } from '../factories/web';
import { collectPageErrors, launchBrowser, logInThroughPage } from '../support/browser';
import { startTestApp, TestApp } from '../support/test-app';

const SHOTS = join(__dirname, 'screenshots');

describe('articles in Chromium: an organizer writes the recap, generates, edits and publishes; the public reads it', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let login: { email: string; password: string };
  let organizer: Actor;
  let event: EventBody;
  let photoPath: string;
  let consoleErrors: string[] = [];

  beforeAll(async () => {
    // One attempt per job: the failing generation of the last test fails for good at once.
    t = await startTestApp({}, { jobOptions: { attempts: 1 } });
    const admin = await loginAdmin(t);
    const org = await createOrganization(t, admin, { name: 'Liên đoàn Lao động tỉnh Bình Dương', abbreviation: 'LĐLĐ', locality: 'tỉnh Bình Dương', shortName: 'LĐLĐ tỉnh', nameEn: 'Binh Duong Provincial Federation of Labour' });
    login = await createUserWithPassword(t, admin, 'organizer', org.id);
    organizer = await loginAs(t, login.email, login.password);
    event = await createPublishedEvent(t, organizer, {
      title: 'Nghiệp vụ công tác tài chính công đoàn',
      titleEn: 'Trade union financial work',
      audience: 'cán bộ làm công tác tài chính của các công đoàn cơ sở trực thuộc',
      startsAt: '2026-03-15T08:00:00+07:00',
      endsAt: '2026-03-15T11:30:00+07:00',
    });
    const speaker = await createSpeaker(t, organizer, { fullName: 'Võ Thị Lan', honorific: 'bà', affiliation: 'Ban Tài chính Tổng Liên đoàn' });
    await createSession(t, organizer, event, { topic: 'Quản lý tài chính, tài sản công đoàn', speakers: [{ speakerId: speaker.id }] });
    const chair = await register(t, event.id, { role: 'official', position: 'Chủ tịch LĐLĐ tỉnh', fullName: 'Trần Văn Nam' }, organizer);
    await checkIn(t, organizer, event.id, { code: chair.code }).expect(201);
    for (let i = 0; i < 24; i++) {
      const r = await register(t, event.id, {}, organizer);
      await checkIn(t, organizer, event.id, { code: r.code }).expect(201);
    }
    await mkdir(SHOTS, { recursive: true });
    photoPath = join(tmpdir(), `td-article-photo-${process.pid}.jpg`);
    await writeFile(photoPath, await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#2f6f4f' } }).jpeg().toBuffer());
    browser = await launchBrowser();
    const context = await browser.newContext({ baseURL: t.url });
    page = await context.newPage();
    consoleErrors = collectPageErrors(page);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('fills the recap form and saves it', async () => {
    await logInThroughPage(page, t.url, login);
    await page.goto(`/events/${event.id}/recap`);
    await page.getByLabel('Điểm nổi bật', { exact: true }).fill('Lớp tập huấn diễn ra trong không khí sôi nổi.\n\nCác học viên trao đổi nhiều tình huống thực tế.');
    await page.getByLabel('Người phát biểu').first().fill('Trần Văn Nam');
    await page.getByLabel('Chức vụ').first().fill('Chủ tịch LĐLĐ tỉnh');
    await page.getByLabel('Lời trích dẫn', { exact: true }).first().fill('Công tác tài chính phải công khai, minh bạch');
    await page.getByLabel('Tác giả (ký tên cuối bài)').fill('Minh Anh');
    await page.getByRole('button', { name: 'Lưu tổng kết' }).click();
    await page.waitForURL('**/recap?saved=recap');
    await expect(page.getByRole('status').first().textContent()).resolves.toBe('Đã lưu nội dung tổng kết.');
  });

  it('uploads a photo with a preview and its caption', async () => {
    await page.getByLabel('Chọn ảnh (có thể chọn nhiều ảnh)').setInputFiles(photoPath);
    const preview = page.locator('.photo-preview');
    await expect(preview.locator('img').count()).resolves.toBe(1);
    await preview.getByLabel('Chú thích ảnh *').fill('Quang cảnh lớp tập huấn');
    await preview.getByLabel('Chú thích ảnh (tiếng Anh)').fill('The training course');
    await page.getByRole('button', { name: 'Tải ảnh lên' }).click();
    await page.waitForURL('**/recap?saved=photo*');
    await expect(page.locator('.photo-item .photo-caption').first().textContent()).resolves.toBe('Quang cảnh lớp tập huấn');
  });

  it('generates the Vietnamese article; the page updates when it is written', async () => {
    await page.locator('.article-lang[data-language="vi"]').getByRole('button', { name: 'Viết bài' }).click();
    await page.waitForSelector('.article-lang[data-language="vi"] .status-draft', { timeout: 30_000 });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: join(SHOTS, 'article-recap.png'), fullPage: true });
    await page.locator('.article-lang[data-language="vi"]').getByRole('link', { name: 'Sửa bài' }).click();
    await page.waitForURL('**/articles/*/edit');
    await expect(page.locator('#article-preview .news-lead').textContent()).resolves.toBe('Sáng 15/3, Liên đoàn Lao động (LĐLĐ) tỉnh Bình Dương tổ chức tập huấn "Nghiệp vụ công tác tài chính công đoàn".');
  });

  it('edits a sentence, sees it in the live preview, saves and publishes', async () => {
    const body = page.getByLabel('Nội dung', { exact: true });
    const text = await body.inputValue();
    expect(text).toContain('cùng hơn 20 đại biểu là cán bộ làm công tác tài chính');
    await body.fill(text.replace('Các học viên trao đổi nhiều tình huống thực tế.', 'Các học viên trao đổi hơn 30 tình huống thực tế.'));
    await expect(page.locator('#article-preview').getByText('Các học viên trao đổi hơn 30 tình huống thực tế.').count()).resolves.toBe(1);
    await page.screenshot({ path: join(SHOTS, 'article-editor.png'), fullPage: true });
    await page.getByRole('button', { name: 'Lưu bài' }).click();
    await page.waitForURL('**/edit?saved=article');
    await page.getByRole('button', { name: 'Đăng bài' }).click();
    await page.waitForURL('**/edit?saved=published');
    await expect(page.locator('.article-status').textContent()).resolves.toContain('Đã đăng');
  });

  it('the public page shows the article, its photo with caption, share links and, once the English one is published, the language switch; screenshots at desktop and phone width', async () => {
    // The English article, generated and published through the API.
    const gen = await t.http().post(`/api/v1/events/${event.id}/articles`).set(organizer.auth).send({ language: 'en' }).expect(202);
    for (let i = 0; i < 300; i++) {
      const a = await t.http().get(`/api/v1/articles/${gen.body.id}`).set(organizer.auth).expect(200);
      if (a.body.status === 'draft') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await t.http().post(`/api/v1/articles/${gen.body.id}/publish`).set(organizer.auth).expect(200);

    await page.getByRole('link', { name: /\/news\// }).click();
    await page.waitForURL('**/news/**');
    await expect(page.locator('h1.news-title').textContent()).resolves.toBe('Liên đoàn Lao động tỉnh Bình Dương tập huấn "Nghiệp vụ công tác tài chính công đoàn"');
    await expect(page.locator('figure.news-photo figcaption').textContent()).resolves.toBe('Quang cảnh lớp tập huấn');
    const loaded = await page.locator('figure.news-photo img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0);
    expect(loaded).toBe(true);
    await expect(page.getByText('Các học viên trao đổi hơn 30 tình huống thực tế.').count()).resolves.toBe(1);
    await expect(page.getByRole('heading', { name: 'Chia sẻ bài viết' }).count()).resolves.toBe(1);
    await expect(page.getByRole('link', { name: 'Facebook' }).getAttribute('href')).resolves.toMatch(/^https:\/\/www\.facebook\.com\/sharer\/sharer\.php\?u=/);
    await expect(page.getByRole('link', { name: 'Zalo' }).count()).resolves.toBe(1);
    await expect(page.getByRole('button', { name: 'Sao chép liên kết' }).count()).resolves.toBe(1);
    await expect(page.locator('.news-byline').textContent()).resolves.toBe('Minh Anh');

    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: join(SHOTS, 'article-desktop.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    // Readable on a phone: nothing wider than the screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, 'article-phone.png'), fullPage: true });

    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL('**/news/**');
    await expect(page.locator('h1.news-title').textContent()).resolves.toBe('Binh Duong Provincial Federation of Labour holds training on "Trade union financial work"');
    await expect(page.locator('figure.news-photo figcaption').textContent()).resolves.toBe('The training course');
    await expect(page.getByRole('heading', { name: 'Share this article' }).count()).resolves.toBe(1);
    await expect(page.getByRole('link', { name: 'Tiếng Việt' }).count()).resolves.toBe(1);
    expect(consoleErrors).toEqual([]);
  });

  it('a failed generation shows its reason on the event page', async () => {
    const broken = await createPublishedEvent(t, organizer, { title: 'Sự kiện lỗi' });
    // A zone the generator cannot read (the API would refuse it): the job fails.
    await t.dataSource.query(`UPDATE event SET timezone = 'Mars/Olympus_Mons' WHERE id = $1`, [broken.id]);
    const gen = await t.http().post(`/api/v1/events/${broken.id}/articles`).set(organizer.auth).send({ language: 'vi' }).expect(202);
    for (let i = 0; i < 300; i++) {
      if ((await t.http().get(`/api/v1/articles/${gen.body.id}`).set(organizer.auth).expect(200)).body.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await page.goto(`/events/${broken.id}`);
    await page.waitForSelector('.event-article.status-failed');
    await expect(page.locator('.event-article.status-failed').textContent()).resolves.toMatch(/^Tiếng Việt: Viết bài thất bại — Lý do: .*Mars\/Olympus_Mons/);
    await page.getByRole('link', { name: 'Mở trang tổng kết và bài viết' }).click();
    await expect(page.locator('.article-lang[data-language="vi"] .form-error').textContent()).resolves.toContain('Mars/Olympus_Mons');
  });
});
