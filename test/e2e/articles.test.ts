import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { createPublishedEvent, createSession, createSpeaker, EventBody } from '../factories/events';
import { checkIn, register, setEventColumns } from '../factories/registrations';
import { startTestApp, TestApp } from '../support/test-app';

const api = '/api/v1';

/** A phone-like photo: landscape pixels with EXIF orientation 6 (shown portrait), a camera make and a GPS position. */
async function phonePhoto(): Promise<Buffer> {
  return sharp({ create: { width: 2400, height: 1800, channels: 3, background: '#3366aa' } })
    .jpeg()
    .withExif({ IFD0: { Make: 'TestPhone', Model: 'X1' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '10/1 58/1 0/1' } })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

async function waitForArticle(t: TestApp, actor: Actor, id: string, status: string[]): Promise<Record<string, any>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await t.http().get(`${api}/articles/${id}`).set(actor.auth).expect(200);
    if (status.includes(res.body.status)) return res.body;
    if (Date.now() > deadline) throw new Error(`article ${id} stayed ${res.body.status}: ${res.body.failureReason}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('recap and articles (API)', () => {
  let t: TestApp;
  let admin: Actor;
  let organizer: Actor;
  let leader: Actor;
  let staff: Actor;
  let stranger: Actor;
  let event: EventBody;

  beforeAll(async () => {
    // One attempt: a failing generation is final at once (the failure test).
    t = await startTestApp({}, { jobOptions: { attempts: 1 } });
    admin = await loginAdmin(t);
    const org = await createOrganization(t, admin, { name: 'Liên đoàn Lao động tỉnh Bình Dương', abbreviation: 'LĐLĐ', locality: 'tỉnh Bình Dương', shortName: 'LĐLĐ tỉnh', nameEn: 'Binh Duong Provincial Federation of Labour' });
    const other = await createOrganization(t, admin);
    organizer = await createActor(t, admin, 'organizer', org.id);
    leader = await createActor(t, admin, 'leader', org.id);
    staff = await createActor(t, admin, 'staff', org.id);
    stranger = await createActor(t, admin, 'organizer', other.id);
    event = await createPublishedEvent(t, organizer, {
      title: 'Đối thoại công tác tài chính công đoàn',
      titleEn: 'Dialogue on trade union finance',
      audience: 'cán bộ làm công tác tài chính của các công đoàn cơ sở trực thuộc',
      startsAt: '2026-03-15T08:00:00+07:00',
      endsAt: '2026-03-15T11:30:00+07:00',
    });
    const speaker = await createSpeaker(t, organizer, { fullName: 'Võ Thị Lan', honorific: 'bà', affiliation: 'Ban Tài chính Tổng Liên đoàn' });
    await createSession(t, organizer, event, { topic: 'Quản lý tài chính, tài sản công đoàn', speakers: [{ speakerId: speaker.id }] });
    for (const [position, fullName] of [['Chủ tịch LĐLĐ tỉnh', 'Trần Văn Nam'], ['Phó Chủ tịch LĐLĐ tỉnh', 'Nguyễn Thị Hoa'], ['Phó Chủ tịch LĐLĐ tỉnh', 'Lê Minh Tâm']]) {
      const r = await register(t, event.id, { role: 'official', position, fullName }, organizer);
      await checkIn(t, staff, event.id, { code: r.code }).expect(201);
    }
    for (let i = 0; i < 13; i++) {
      const r = await register(t, event.id, {}, organizer);
      if (i < 12) await checkIn(t, staff, event.id, { code: r.code }).expect(201);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const recap = {
    highlights: ['Lớp tập huấn thu hút đông đảo cán bộ.', '  '],
    highlightsEn: ['The course drew many officers.'],
    outcome: 'Kết thúc lớp tập huấn, học viên được cấp giấy chứng nhận.',
    quotes: [{ personName: 'Trần Văn Nam', position: 'Chủ tịch LĐLĐ tỉnh', text: 'Phải minh bạch <script>alert(1)</script> & "đúng"', textEn: 'Be open' }],
    author: 'Minh Anh',
  };

  it('PUT /events/:id/recap stores the recap (empty paragraphs dropped) and GET reads it back, for a leader too', async () => {
    const put = await t.http().put(`${api}/events/${event.id}/recap`).set(organizer.auth).send(recap).expect(200);
    expect(put.body).toMatchObject({ eventId: event.id, highlights: ['Lớp tập huấn thu hút đông đảo cán bộ.'], author: 'Minh Anh', photos: [] });
    const got = await t.http().get(`${api}/events/${event.id}/recap`).set(leader.auth).expect(200);
    expect(got.body.quotes).toEqual([{ personName: 'Trần Văn Nam', position: 'Chủ tịch LĐLĐ tỉnh', text: recap.quotes[0].text, textEn: 'Be open' }]);
  });

  it('bad recap input is a 400 naming the field, and nothing is written', async () => {
    const before = (await t.http().get(`${api}/events/${event.id}/recap`).set(organizer.auth).expect(200)).body;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ quotes: [{ text: 'x' }] }, /personName/],
      [{ quotes: [{ personName: 'A', text: '' }] }, /text/],
      [{ highlights: 'not a list' }, /highlights/],
      [{ highlights: ['x'.repeat(5001)] }, /highlights/],
      [{ author: 'x'.repeat(201) }, /author/],
      [{ surprise: 1 }, /surprise/],
    ];
    for (const [body, field] of cases) {
      const res = await t.http().put(`${api}/events/${event.id}/recap`).set(organizer.auth).send(body).expect(400);
      expect(JSON.stringify(res.body.message)).toMatch(field);
    }
    expect((await t.http().get(`${api}/events/${event.id}/recap`).set(organizer.auth).expect(200)).body).toEqual(before);
  });

  let photoId: string;

  it('POST /events/:id/photos stores an upright web-sized JPEG and a thumbnail without EXIF (no GPS), served with a long cache', async () => {
    const original = await phonePhoto();
    const meta = await sharp(original).metadata();
    expect(meta.exif).toBeDefined(); // the upload does carry EXIF
    expect(meta.orientation).toBe(6);
    const res = await t.http().post(`${api}/events/${event.id}/photos`).set(organizer.auth)
      .field('caption', 'Quang cảnh <b>lớp</b> tập huấn').field('captionEn', 'The course').attach('file', original, 'IMG_0001.JPG').expect(201);
    photoId = res.body.id;
    expect(res.body.url).toBe(`/api/v1/public/photos/${photoId}/web.jpg`);
    // Orientation 6 applied: 2400x1800 landscape pixels are a portrait photo, scaled to 1600 on the long side.
    expect(res.body.photo).toMatchObject({ width: 1200, height: 1600, caption: 'Quang cảnh <b>lớp</b> tập huấn' });

    const files = await readdir(join(t.config.storageDir, 'photos'));
    expect(files.sort()).toEqual([`${photoId}-thumb.jpg`, `${photoId}-web.jpg`]);
    for (const file of files) {
      const stored = await sharp(join(t.config.storageDir, 'photos', file)).metadata();
      expect(stored.exif).toBeUndefined();
      expect(stored.orientation).toBeUndefined();
      expect(stored.format).toBe('jpeg');
    }

    const served = await t.http().get(res.body.url).buffer(true).expect(200);
    expect(served.headers['content-type']).toBe('image/jpeg');
    expect(served.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const servedMeta = await sharp(served.body as Buffer).metadata();
    expect([servedMeta.width, servedMeta.height, servedMeta.exif]).toEqual([1200, 1600, undefined]);
    const thumb = await sharp((await t.http().get(res.body.photo.thumbnailUrl).buffer(true).expect(200)).body as Buffer).metadata();
    expect(Math.max(thumb.width!, thumb.height!)).toBe(400);
    expect((await t.http().get(`${api}/events/${event.id}/recap`).set(organizer.auth).expect(200)).body.photos.map((p: { id: string }) => p.id)).toEqual([photoId]);
  });

  it('a text file renamed .jpg is refused by its content (400 naming file); so is a file that only starts like a JPEG', async () => {
    const text = await t.http().post(`${api}/events/${event.id}/photos`).set(organizer.auth)
      .field('caption', 'x').attach('file', Buffer.from('this is not a photo\n'), { filename: 'photo.jpg', contentType: 'image/jpeg' }).expect(400);
    expect(text.body.message).toMatch(/^file is not a JPEG, PNG or WebP image/);
    const fake = await t.http().post(`${api}/events/${event.id}/photos`).set(organizer.auth)
      .field('caption', 'x').attach('file', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(500, 7)]), 'broken.jpg').expect(400);
    expect(fake.body.message).toMatch(/^file could not be read as an image/);
  });

  it('an image over 15 MB is refused with a 413 that says the limit; nothing is stored', async () => {
    const big = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(16 * 1024 * 1024, 1)]);
    const res = await t.http().post(`${api}/events/${event.id}/photos`).set(organizer.auth).field('caption', 'x').attach('file', big, 'huge.jpg');
    expect(res.status).toBe(413);
    expect(res.body.message).toMatch(/larger than 15 MB/);
    expect(await readdir(join(t.config.storageDir, 'photos'))).toHaveLength(2);
  });

  it('a photo without a caption, or without a file, is a 400 naming the field', async () => {
    const noCaption = await t.http().post(`${api}/events/${event.id}/photos`).set(organizer.auth).attach('file', await phonePhoto(), 'a.jpg').expect(400);
    expect(JSON.stringify(noCaption.body.message)).toMatch(/caption/);
    const noFile = await t.http().post(`${api}/events/${event.id}/photos`).set(organizer.auth).field('caption', 'x').expect(400);
    expect(noFile.body.message).toMatch(/^file is required/);
  });

  let articleId: string;

  it('POST /events/:id/articles answers 202 generating; the worker writes the draft in the house style, with escaped HTML', async () => {
    const res = await t.http().post(`${api}/events/${event.id}/articles`).set(organizer.auth).send({ language: 'vi' }).expect(202);
    expect(res.body).toMatchObject({ eventId: event.id, language: 'vi', status: 'generating' });
    articleId = res.body.id;
    const a = await waitForArticle(t, organizer, articleId, ['draft']);
    expect(a.title).toBe('Liên đoàn Lao động tỉnh Bình Dương tập huấn "Đối thoại công tác tài chính công đoàn"');
    expect(a.lead).toBe('Sáng 15/3, Liên đoàn Lao động (LĐLĐ) tỉnh Bình Dương tổ chức tập huấn "Đối thoại công tác tài chính công đoàn".');
    expect(a.paragraphs).toEqual([
      'Tham dự lớp tập huấn có Chủ tịch LĐLĐ tỉnh - Trần Văn Nam, Phó Chủ tịch LĐLĐ tỉnh - Nguyễn Thị Hoa, Lê Minh Tâm cùng hơn 10 đại biểu là cán bộ làm công tác tài chính của các công đoàn cơ sở trực thuộc.',
      'Lớp tập huấn thu hút đông đảo cán bộ.',
      'Tại buổi tập huấn, các đại biểu được nghe bà Võ Thị Lan - Ban Tài chính Tổng Liên đoàn trình bày chuyên đề "Quản lý tài chính, tài sản công đoàn".',
      'Kết thúc lớp tập huấn, học viên được cấp giấy chứng nhận.',
      `Chủ tịch LĐLĐ tỉnh - Trần Văn Nam cho biết: "${recap.quotes[0].text}"./.`,
    ]);
    expect(a.byline).toBe('Minh Anh');
    expect(a.photos).toEqual([{ photoId, url: `/api/v1/public/photos/${photoId}/web.jpg`, caption: 'Quang cảnh <b>lớp</b> tập huấn', afterParagraph: 0 }]);
    expect(a.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;đúng&quot;');
    expect(a.html).not.toContain('<script>');
    expect(a.html).toContain('<figcaption>Quang cảnh &lt;b&gt;lớp&lt;/b&gt; tập huấn</figcaption>');
    expect(a.markdown).toContain(`](${t.config.appUrl}/api/v1/public/photos/${photoId}/web.jpg)`);
  });

  it('PATCH /articles/:id edits the text; regenerating then asks first (409 naming overwriteEdits), and keeps the edit restorable', async () => {
    const draft = (await t.http().get(`${api}/articles/${articleId}`).set(organizer.auth).expect(200)).body;
    const edited = [...draft.paragraphs];
    edited[1] = 'Lớp tập huấn diễn ra sôi nổi, nhiều ý kiến được trao đổi.';
    const patched = await t.http().patch(`${api}/articles/${articleId}`).set(organizer.auth).send({ paragraphs: edited, title: 'Tiêu đề đã sửa' }).expect(200);
    expect(patched.body).toMatchObject({ title: 'Tiêu đề đã sửa', paragraphs: edited });
    expect(patched.body.editedAt).not.toBeNull();

    const refused = await t.http().post(`${api}/events/${event.id}/articles`).set(organizer.auth).send({ language: 'vi' }).expect(409);
    expect(refused.body).toMatchObject({ field: 'overwriteEdits' });
    expect((await t.http().get(`${api}/articles/${articleId}`).set(organizer.auth).expect(200)).body.title).toBe('Tiêu đề đã sửa');

    await t.http().post(`${api}/events/${event.id}/articles`).set(organizer.auth).send({ language: 'vi', overwriteEdits: true }).expect(202);
    const regenerated = await waitForArticle(t, organizer, articleId, ['draft']);
    expect(regenerated.title).toBe(draft.title);
    expect(regenerated.editedAt).toBeNull();
    expect(regenerated.previousVersion).toMatchObject({ title: 'Tiêu đề đã sửa', paragraphs: edited });

    const restored = await t.http().post(`${api}/articles/${articleId}/restore-previous`).set(organizer.auth).expect(200);
    expect(restored.body).toMatchObject({ title: 'Tiêu đề đã sửa', paragraphs: edited });
    expect(restored.body.previousVersion.title).toBe(draft.title);
    // Back to the generated text for the rest of the tests.
    await t.http().patch(`${api}/articles/${articleId}`).set(organizer.auth).send({ title: draft.title }).expect(200);
  });

  it('bad article input is a 400 naming the field', async () => {
    const cases: [string, string, Record<string, unknown> | undefined, RegExp][] = [
      ['post', `${api}/events/${event.id}/articles`, { language: 'fr' }, /language/],
      ['post', `${api}/events/${event.id}/articles`, { language: 'vi', overwriteEdits: 'yes' }, /overwriteEdits/],
      ['patch', `${api}/articles/${articleId}`, { title: '' }, /title/],
      ['patch', `${api}/articles/${articleId}`, { paragraphs: [1] }, /paragraphs/],
      ['patch', `${api}/articles/${articleId}`, { slug: 'x' }, /slug/],
      ['get', `${api}/articles?status=old`, undefined, /status/],
      ['get', `${api}/articles?eventId=nope`, undefined, /eventId/],
      ['get', `${api}/articles/nope`, undefined, /id/],
    ];
    for (const [method, url, body, field] of cases) {
      const req = (t.http() as any)[method](url).set(organizer.auth);
      const res = await (body ? req.send(body) : req).expect(400);
      expect(JSON.stringify(res.body.message)).toMatch(field);
    }
  });

  it('publishing gives a stable slug without diacritics (Đ → d); unpublishing keeps it; GET /articles filters', async () => {
    const published = await t.http().post(`${api}/articles/${articleId}/publish`).set(organizer.auth).expect(200);
    expect(published.body.status).toBe('published');
    expect(published.body.slug).toBe('lien-doan-lao-dong-tinh-binh-duong-tap-huan-doi-thoai-cong-tac-tai-chinh-cong-doan');
    expect(published.body.publicUrl).toBe(`${t.config.appUrl}/news/${published.body.slug}`);
    expect(published.body.dateline).toMatch(/^\d{2}\/\d{2}\/\d{4} - \d{2}:\d{2}$/);
    const list = await t.http().get(`${api}/articles?eventId=${event.id}&language=vi&status=published`).set(leader.auth).expect(200);
    expect(list.body).toMatchObject({ total: 1, page: 1, items: [{ id: articleId }] });
    expect((await t.http().get(`${api}/articles?status=failed`).set(organizer.auth).expect(200)).body.items.map((a: { eventId: string }) => a.eventId)).not.toContain(event.id);

    const unpublished = await t.http().post(`${api}/articles/${articleId}/unpublish`).set(organizer.auth).expect(200);
    expect(unpublished.body).toMatchObject({ status: 'draft', slug: published.body.slug, publicUrl: null });
    const again = await t.http().post(`${api}/articles/${articleId}/publish`).set(organizer.auth).expect(200);
    expect(again.body.slug).toBe(published.body.slug);
    // A published article is not regenerated over.
    await t.http().post(`${api}/events/${event.id}/articles`).set(organizer.auth).send({ language: 'vi', overwriteEdits: true }).expect(409);
  });

  it('two articles with the same title get different slugs (the second ends in -2)', async () => {
    const slugs: string[] = [];
    for (let i = 0; i < 2; i++) {
      const ev = await createPublishedEvent(t, organizer, { title: 'Đào tạo nghiệp vụ' });
      const res = await t.http().post(`${api}/events/${ev.id}/articles`).set(organizer.auth).send({ language: 'vi' }).expect(202);
      await waitForArticle(t, organizer, res.body.id, ['draft']);
      slugs.push((await t.http().post(`${api}/articles/${res.body.id}/publish`).set(organizer.auth).expect(200)).body.slug);
    }
    expect(slugs).toEqual(['lien-doan-lao-dong-tinh-binh-duong-tap-huan-dao-tao-nghiep-vu', 'lien-doan-lao-dong-tinh-binh-duong-tap-huan-dao-tao-nghiep-vu-2']);
  });

  it('the English article follows its own conventions', async () => {
    const res = await t.http().post(`${api}/events/${event.id}/articles`).set(organizer.auth).send({ language: 'en' }).expect(202);
    const a = await waitForArticle(t, organizer, res.body.id, ['draft']);
    expect(a.title).toBe('Binh Duong Provincial Federation of Labour holds training on "Dialogue on trade union finance"');
    expect(a.lead).toBe('On the morning of 15 March, the Binh Duong Provincial Federation of Labour held a training course on "Dialogue on trade union finance".');
    expect(a.paragraphs).toContain('"Be open," said Trần Văn Nam, Chủ tịch LĐLĐ tỉnh.');
    expect(a.photos[0].caption).toBe('The course');
  });

  it('completing an event queues draft articles in Vietnamese and English', async () => {
    const ev = await createPublishedEvent(t, organizer, { title: 'Hội nghị tổng kết', kind: 'conference', startsAt: new Date(Date.now() - 86_400_000).toISOString(), endsAt: new Date(Date.now() - 3_600_000).toISOString() });
    await t.http().post(`${api}/events/${ev.id}/complete`).set(organizer.auth).expect(200);
    const deadline = Date.now() + 30_000;
    let items: { language: string; status: string; title: string }[] = [];
    while (Date.now() < deadline) {
      items = (await t.http().get(`${api}/articles?eventId=${ev.id}`).set(organizer.auth).expect(200)).body.items;
      if (items.length === 2 && items.every((a) => a.status === 'draft')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(items.map((a) => [a.language, a.status]).sort()).toEqual([['en', 'draft'], ['vi', 'draft']]);
    expect(items.find((a) => a.language === 'vi')!.title).toMatch(/tổ chức hội nghị "Hội nghị tổng kết"$/);
  });

  it('a generation that fails is visible as failed, with its reason', async () => {
    const ev = await createPublishedEvent(t, organizer);
    // A zone the generator cannot read (the API would refuse it): its generation throws.
    await setEventColumns(t, ev.id, { timezone: 'Mars/Olympus_Mons' });
    const res = await t.http().post(`${api}/events/${ev.id}/articles`).set(organizer.auth).send({ language: 'vi' }).expect(202);
    const a = await waitForArticle(t, organizer, res.body.id, ['failed']);
    expect(a.failureReason).toMatch(/time ?zone/i);
    await t.http().patch(`${api}/articles/${a.id}`).set(organizer.auth).send({ title: 'x' }).expect(409);
    await t.http().post(`${api}/articles/${a.id}/publish`).set(organizer.auth).expect(409);
  });

  it('asking again while an article is generating changes nothing, unless its generation was lost long ago', async () => {
    const ev = await createPublishedEvent(t, organizer);
    // A generation whose job was lost: 'generating' for ten minutes.
    const [row] = await t.dataSource.query(`INSERT INTO article (event_id, language, status, updated_at) VALUES ($1, 'vi', 'generating', now() - interval '10 minutes') RETURNING id`, [ev.id]);
    const again = await t.http().post(`${api}/events/${ev.id}/articles`).set(organizer.auth).send({ language: 'vi' }).expect(202);
    expect(again.body.id).toBe(row.id);
    const a = await waitForArticle(t, organizer, row.id, ['draft']);
    expect(a.title).toMatch(/tập huấn/);
    const [{ generation }] = await t.dataSource.query(`SELECT generation FROM article WHERE id = $1`, [row.id]);
    expect(generation).toBe(2);
    // A fresh one is not asked twice.
    await t.dataSource.query(`UPDATE article SET status = 'generating', updated_at = now() WHERE id = $1`, [row.id]);
    await t.http().post(`${api}/events/${ev.id}/articles`).set(organizer.auth).send({ language: 'vi' }).expect(202);
    expect((await t.dataSource.query(`SELECT generation FROM article WHERE id = $1`, [row.id]))[0].generation).toBe(2);
  });

  it('a draft or cancelled event takes no recap, photo or article (409)', async () => {
    const draft = await createPublishedEvent(t, organizer);
    await t.http().post(`${api}/events/${draft.id}/cancel`).set(organizer.auth).expect(200);
    await t.http().put(`${api}/events/${draft.id}/recap`).set(organizer.auth).send({ author: 'A' }).expect(409);
    await t.http().post(`${api}/events/${draft.id}/articles`).set(organizer.auth).send({ language: 'vi' }).expect(409);
    await t.http().post(`${api}/events/${draft.id}/photos`).set(organizer.auth).field('caption', 'x').attach('file', await phonePhoto(), 'a.jpg').expect(409);
  });

  it('a stranger (another subtree, the wrong role, no token) is refused on every endpoint, and changes nothing', async () => {
    const photo = await phonePhoto();
    const calls: [string, string, Record<string, unknown> | 'photo' | undefined][] = [
      ['get', `${api}/events/${event.id}/recap`, undefined],
      ['put', `${api}/events/${event.id}/recap`, { author: 'Kẻ lạ' }],
      ['post', `${api}/events/${event.id}/photos`, 'photo'],
      ['delete', `${api}/photos/${photoId}`, undefined],
      ['post', `${api}/events/${event.id}/articles`, { language: 'vi', overwriteEdits: true }],
      ['get', `${api}/articles/${articleId}`, undefined],
      ['patch', `${api}/articles/${articleId}`, { title: 'Kẻ lạ' }],
      ['post', `${api}/articles/${articleId}/publish`, undefined],
      ['post', `${api}/articles/${articleId}/unpublish`, undefined],
      ['post', `${api}/articles/${articleId}/restore-previous`, undefined],
      ['get', `${api}/articles?eventId=${event.id}`, undefined],
    ];
    const send = (method: string, url: string, body: Record<string, unknown> | 'photo' | undefined, auth?: Record<string, string>) => {
      let req = (t.http() as any)[method](url);
      if (auth) req = req.set(auth);
      if (body === 'photo') return req.field('caption', 'x').attach('file', photo, 'a.jpg');
      return body ? req.send(body) : req;
    };
    for (const [method, url, body] of calls) {
      expect([method, url, (await send(method, url, body, stranger.auth)).status]).toEqual([method, url, 403]);
      expect([method, url, (await send(method, url, body)).status]).toEqual([method, url, 401]);
      if (method !== 'get') expect([method, url, (await send(method, url, body, leader.auth)).status]).toEqual([method, url, 403]);
      expect([method, url, (await send(method, url, body, staff.auth)).status]).toEqual([method, url, 403]);
    }
    // The stranger's list of all articles shows none of this subtree's.
    expect((await t.http().get(`${api}/articles`).set(stranger.auth).expect(200)).body.total).toBe(0);
    const still = (await t.http().get(`${api}/articles/${articleId}`).set(organizer.auth).expect(200)).body;
    expect(still.status).toBe('published');
    expect((await t.http().get(`${api}/events/${event.id}/recap`).set(organizer.auth).expect(200)).body).toMatchObject({ author: 'Minh Anh', photos: [{ id: photoId }] });
  });

  it('DELETE /photos/:id removes the photo, its files and its place in the articles', async () => {
    const extra = await t.http().post(`${api}/events/${event.id}/photos`).set(organizer.auth).field('caption', 'Thêm').attach('file', await phonePhoto(), 'b.jpg').expect(201);
    await t.http().delete(`${api}/photos/${extra.body.id}`).set(organizer.auth).expect(204);
    await t.http().get(extra.body.url).expect(404);
    expect((await readdir(join(t.config.storageDir, 'photos'))).filter((f) => f.startsWith(extra.body.id))).toEqual([]);
    await t.http().delete(`${api}/photos/${extra.body.id}`).set(organizer.auth).expect(404);
  });

  it('unknown ids are 404', async () => {
    const unknown = '7d3f3c86-5f1b-4c1e-9f2a-1d2b3c4d5e6f';
    await t.http().get(`${api}/articles/${unknown}`).set(organizer.auth).expect(404);
    await t.http().get(`${api}/events/${unknown}/recap`).set(organizer.auth).expect(404);
    await t.http().get(`/api/v1/public/photos/${unknown}/web.jpg`).expect(404);
    await t.http().get(`/api/v1/public/photos/${photoId}/original.jpg`).expect(404);
    await t.http().get(`/api/v1/public/photos/nope/web.jpg`).expect(400);
  });
});
