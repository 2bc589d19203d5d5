import sharp from 'sharp';
import { Actor, createOrganization, loginAdmin, loginAs } from '../factories';
import { createPublishedEvent, EventBody } from '../factories/events';
import { PageClient } from '../factories/page-client';
import { createUserWithPassword } from '../factories/web';
import { startTestApp, TestApp } from '../support/test-app';

const api = '/api/v1';

async function waitForDraft(t: TestApp, actor: Actor, id: string): Promise<Record<string, any>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await t.http().get(`${api}/articles/${id}`).set(actor.auth).expect(200);
    if (res.body.status === 'draft') return res.body;
    if (res.body.status === 'failed' || Date.now() > deadline) throw new Error(`article ${id}: ${res.body.status} ${res.body.failureReason}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const jpeg = () => sharp({ create: { width: 800, height: 600, channels: 3, background: '#aa5533' } }).jpeg().toBuffer();

describe('news pages (public) and the recap and editor pages', () => {
  let t: TestApp;
  let admin: Actor;
  let organizer: Actor;
  let login: { email: string; password: string };
  let event: EventBody;
  let vi: Record<string, any>;
  let en: Record<string, any>;

  beforeAll(async () => {
    t = await startTestApp({ APP_URL: 'https://tin.ldld.example.vn' });
    admin = await loginAdmin(t);
    const org = await createOrganization(t, admin, { name: 'Liên đoàn Lao động tỉnh Bình Dương', abbreviation: 'LĐLĐ', locality: 'tỉnh Bình Dương', nameEn: 'Binh Duong Provincial Federation of Labour' });
    login = await createUserWithPassword(t, admin, 'organizer', org.id);
    organizer = await loginAs(t, login.email, login.password);
    event = await createPublishedEvent(t, organizer, { title: 'Đào tạo kỹ năng đàm phán', titleEn: 'Negotiation skills', startsAt: '2026-05-10T14:00:00+07:00', endsAt: '2026-05-10T17:00:00+07:00' });
    await t.http().put(`${api}/events/${event.id}/recap`).set(organizer.auth).send({
      highlights: ['Đoạn <em>nổi bật</em> & "trích".'],
      quotes: [{ personName: 'Lê Văn <b>Hùng</b>', text: 'Hãy <script>alert("x")</script> đàm phán.' }],
      author: 'Thu Hà',
    }).expect(200);
    await t.http().post(`${api}/events/${event.id}/photos`).set(organizer.auth).field('caption', 'Ảnh <img src=x onerror=alert(1)>').field('captionEn', 'Delegates at work').attach('file', await jpeg(), 'a.jpg').expect(201);
    for (const language of ['vi', 'en']) {
      const res = await t.http().post(`${api}/events/${event.id}/articles`).set(organizer.auth).send({ language }).expect(202);
      const draft = await waitForDraft(t, organizer, res.body.id);
      if (language === 'vi') vi = draft;
      else en = draft;
    }
    vi = (await t.http().post(`${api}/articles/${vi.id}/publish`).set(organizer.auth).expect(200)).body;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('/news/:slug shows the article as a news page: dateline, title, lead, photo with caption, body, byline, share links, with user text escaped', async () => {
    const res = await t.http().get(`/news/${vi.slug}`).expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    const html = res.text;
    expect(html).toContain(`<p class="news-dateline"><time datetime="${vi.publishedAt}">${vi.dateline}</time></p>`);
    expect(html).toContain('<h1 class="news-title">Liên đoàn Lao động tỉnh Bình Dương tập huấn &quot;Đào tạo kỹ năng đàm phán&quot;</h1>');
    expect(html).toContain('Chiều 10/5, Liên đoàn Lao động (LĐLĐ) tỉnh Bình Dương tổ chức tập huấn');
    expect(html).toContain('<figcaption>Ảnh &lt;img src=x onerror=alert(1)&gt;</figcaption>');
    expect(html).toContain('Đoạn &lt;em&gt;nổi bật&lt;/em&gt; &amp; &quot;trích&quot;.');
    expect(html).toContain('Lê Văn &lt;b&gt;Hùng&lt;/b&gt; cho biết: &quot;Hãy &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; đàm phán&quot;./.');
    expect(html).not.toMatch(/<script>alert|<img src=x|<b>Hùng/);
    expect(html).toContain('<p class="news-byline">Thu Hà</p>');
    expect(html).toContain('Chia sẻ bài viết');
    const url = `https://tin.ldld.example.vn/news/${vi.slug}`;
    expect(html).toContain(`href="https://www.facebook.com/sharer/sharer.php?u=${encodeURIComponent(url)}"`);
    expect(html).toContain(`https://sp.zalo.me/plugins/share?href=${encodeURIComponent(url)}`);
    expect(html).toContain(`data-url="${url}"`);
    // The English article is not published: no language switch.
    expect(html).not.toContain('class="news-langswitch"');
    // No inline script or style (CSP).
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|\sstyle="|\son[a-z]+="/);
  });

  it('Open Graph and Twitter card tags carry the title, the lead and the first photo as absolute URLs from APP_URL', async () => {
    const html = (await t.http().get(`/news/${vi.slug}`).expect(200)).text;
    const meta = (prop: string) => new RegExp(`<meta (?:property|name)="${prop}" content="([^"]*)">`).exec(html)?.[1];
    expect(meta('og:title')).toBe('Liên đoàn Lao động tỉnh Bình Dương tập huấn &quot;Đào tạo kỹ năng đàm phán&quot;');
    expect(meta('og:description')).toMatch(/^Chiều 10\/5, Liên đoàn Lao động/);
    expect(meta('og:url')).toBe(`https://tin.ldld.example.vn/news/${vi.slug}`);
    expect(meta('og:image')).toBe(`https://tin.ldld.example.vn${vi.photos[0].url}`);
    expect(meta('twitter:card')).toBe('summary_large_image');
    expect(meta('twitter:image')).toBe(meta('og:image'));
  });

  it('the language switch leads to the other language\'s article once it is published', async () => {
    en = (await t.http().post(`${api}/articles/${en.id}/publish`).set(organizer.auth).expect(200)).body;
    const viPage = (await t.http().get(`/news/${vi.slug}`).expect(200)).text;
    expect(viPage).toContain(`<a href="/news/${en.slug}" lang="en" hreflang="en">English</a>`);
    const enPage = (await t.http().get(`/news/${en.slug}`).expect(200)).text;
    expect(enPage).toContain(`<a href="/news/${vi.slug}" lang="vi" hreflang="vi">Tiếng Việt</a>`);
    expect(enPage).toContain('Share this article');
    expect(enPage).toContain('<figcaption>Delegates at work</figcaption>');
    expect(enPage).toContain('On the afternoon of 10 May, the Binh Duong Provincial Federation of Labour held a training course on &quot;Negotiation skills&quot;.');
  });

  it('/news lists published articles newest first per language, with paging; /news/feed.xml is RSS 2.0', async () => {
    const list = (await t.http().get('/news?lang=vi').expect(200)).text;
    expect(list).toContain(`<a href="/news/${vi.slug}">`);
    expect(list).not.toContain(`/news/${en.slug}"`);
    expect((await t.http().get('/news?lang=en').expect(200)).text).toContain(`<a href="/news/${en.slug}">`);
    // A second published event comes first.
    const second = await createPublishedEvent(t, organizer, { title: 'Hội nghị sau', kind: 'conference' });
    const res = await t.http().post(`${api}/events/${second.id}/articles`).set(organizer.auth).send({ language: 'vi' }).expect(202);
    await waitForDraft(t, organizer, res.body.id);
    const latest = (await t.http().post(`${api}/articles/${res.body.id}/publish`).set(organizer.auth).expect(200)).body;
    const again = (await t.http().get('/news?lang=vi').expect(200)).text;
    expect(again.indexOf(`/news/${latest.slug}"`)).toBeLessThan(again.indexOf(`/news/${vi.slug}"`));
    expect((await t.http().get('/news?lang=vi&page=2').expect(200)).text).not.toContain(`/news/${vi.slug}"`);

    const feed = await t.http().get('/news/feed.xml?lang=vi').buffer(true).parse((r, cb) => { let s = ''; r.on('data', (c: Buffer) => (s += c)); r.on('end', () => cb(null, s)); }).expect(200);
    expect(feed.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
    const xml = feed.body as string;
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<rss version="2.0"/);
    expect(xml).toContain(`<link>https://tin.ldld.example.vn/news/${vi.slug}</link>`);
    expect(xml).toContain('<language>vi</language>');
    expect(xml.indexOf(latest.slug)).toBeLessThan(xml.indexOf(vi.slug));
    expect(xml).not.toContain('<script>');
    // The article's HTML is escaped once for HTML and once more for XML.
    expect(xml).toContain('&amp;lt;script&amp;gt;');
    expect(xml).toContain(`src=&quot;https://tin.ldld.example.vn${vi.photos[0].url}&quot;`);
  });

  it('an unpublished or unknown article is a 404 page', async () => {
    await t.http().post(`${api}/articles/${en.id}/unpublish`).set(organizer.auth).expect(200);
    await t.http().get(`/news/${en.slug}`).expect(404);
    await t.http().get('/news/khong-co-bai-nay').expect(404);
    // Its counterpart no longer offers the switch.
    expect((await t.http().get(`/news/${vi.slug}`).expect(200)).text).not.toContain('class="news-langswitch"');
  });

  it('the recap page saves the recap form, and shows a refused photo with a clear message', async () => {
    const page = new PageClient(t);
    await page.login(login.email, login.password);
    const form = await page.get(`/events/${event.id}/recap`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('Nội dung tổng kết');
    const saved = await page.post(`/events/${event.id}/recap`, {
      highlights: 'Đoạn một.\n\nĐoạn hai.',
      author: 'Thu Hà',
      q0_personName: 'Lê Văn Hùng',
      q0_text: 'Cảm ơn.',
    });
    expect(saved.status).toBe(303);
    const recap = (await t.http().get(`${api}/events/${event.id}/recap`).set(organizer.auth).expect(200)).body;
    expect(recap).toMatchObject({ highlights: ['Đoạn một.', 'Đoạn hai.'], quotes: [{ personName: 'Lê Văn Hùng', text: 'Cảm ơn.' }], author: 'Thu Hà' });

    const bad = await page.post(`/events/${event.id}/recap`, { q0_personName: 'Không lời' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Vui lòng sửa các lỗi bên dưới.');

    await page.get(`/events/${event.id}/recap`);
    const refused = await page.upload(`/events/${event.id}/recap/photos`, Buffer.from('plain text'), 'anh.jpg');
    expect(refused.status).toBe(303);
    const shown = await page.get(refused.headers.location);
    expect(shown.text).toContain('Tệp không phải ảnh JPEG, PNG hoặc WebP');
  });

  it('the editor saves an edited sentence and a stranger cannot open it', async () => {
    const page = new PageClient(t);
    await page.login(login.email, login.password);
    const editor = await page.get(`/articles/${vi.id}/edit`);
    expect(editor.status).toBe(200);
    expect(editor.text).toContain('id="article-preview"');
    const paragraphs = [...vi.paragraphs];
    paragraphs[0] = 'Câu đã được biên tập lại.';
    const res = await page.post(`/articles/${vi.id}/edit`, { title: vi.title, lead: vi.lead, paragraphs: paragraphs.join('\n\n'), byline: 'Thu Hà' });
    expect(res.status).toBe(303);
    expect((await t.http().get(`/news/${vi.slug}`).expect(200)).text).toContain('<p>Câu đã được biên tập lại.</p>');

    const other = await createOrganization(t, admin);
    const strangerLogin = await createUserWithPassword(t, admin, 'organizer', other.id);
    const stranger = new PageClient(t);
    await stranger.login(strangerLogin.email, strangerLogin.password);
    expect((await stranger.get(`/articles/${vi.id}/edit`)).status).toBe(403);
    expect((await stranger.get(`/events/${event.id}/recap`)).status).toBe(403);
    expect((await stranger.post(`/articles/${vi.id}/unpublish`, {})).status).toBe(403);
    expect((await t.http().get(`/news/${vi.slug}`).expect(200)).text).toContain('Câu đã được biên tập lại.');
  });
});
