import { request as httpRequest } from 'node:http';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createOrganization, loginAdmin, Actor } from '../factories';
import { createPublishedEvent, EventBody } from '../factories/events';
import { PageClient } from '../factories/page-client';
import { startTestApp, TEST_ADMIN, TestApp } from '../support/test-app';

/**
 * #13 part 5: upload limits enforced while the body streams. A body far over the limit, sent slowly,
 * is answered 413 naming the field and the limit as soon as the limit is passed (not after the whole
 * body), with `Connection: close`; nothing is stored. A body cut by the client half-way is no 500.
 */
describe('upload limits, enforced while the body streams', () => {
  let t: TestApp;
  let admin: Actor;
  let event: EventBody;
  let page: PageClient;
  const logged: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({}, { logDestination: { write: (line: string) => void logged.push(line) } as never });
    admin = await loginAdmin(t);
    const org = await createOrganization(t, admin);
    event = await createPublishedEvent(t, admin, { organizationId: org.id });
    page = new PageClient(t);
    await page.login(TEST_ADMIN.email, TEST_ADMIN.password);
    await page.get(`/events/${event.id}/registrations/import`);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const storedFiles = async () => (await readdir(t.config.storageDir, { recursive: true }).catch(() => [] as string[])).length;
  const rows = async () => Number((await t.dataSource.query(`SELECT (SELECT count(*) FROM registration) + (SELECT count(*) FROM event_photo) AS n`))[0].n);
  const errorsLogged = () => logged.filter((l) => /"level":(50|60)/.test(l));

  const MB = 1024 * 1024;
  const routes = () => ({
    api: `/api/v1/events/${event.id}/registrations/import`,
    photo: `/api/v1/events/${event.id}/photos`,
    'page-import': `/events/${event.id}/registrations/import?_csrf=${encodeURIComponent(page.csrf)}`,
    'page-photo': `/events/${event.id}/recap/photos?_csrf=${encodeURIComponent(page.csrf)}`,
  });
  const headersOf = (kind: string): Record<string, string> => (kind.startsWith('page') ? { Cookie: page.cookie, Accept: 'text/html' } : { Authorization: admin.auth.Authorization });

  it.each([
    ['api', 10],
    ['photo', 15],
    ['page-import', 10],
    ['page-photo', 15],
  ] as const)('%s: a 50 MB file sent slowly is answered 413 naming the field and its %i MB limit before it is all sent, Connection: close, nothing stored', async (kind, limitMb) => {
    const storedBefore = await storedFiles();
    const rowsBefore = await rows();
    const errorsBefore = errorsLogged().length;
    const size = 50 * MB;
    const answer = await streamUpload(`${t.url}${routes()[kind]}`, headersOf(kind), kind.endsWith('photo') ? 'huge.jpg' : 'huge.csv', size);
    expect({ status: answer.status, body: answer.body.slice(0, 200) }).toMatchObject({ status: 413 });
    // Answered once the limit was passed (plus what the sockets hold in flight), far before the end.
    expect(answer.sentWhenAnswered).toBeLessThan((limitMb + 12) * MB);
    expect(answer.sentWhenAnswered).toBeGreaterThan(limitMb * MB);
    expect(answer.headers.connection).toBe('close');
    if (kind.startsWith('page')) {
      expect(answer.headers['content-type']).toMatch(/text\/html/);
      // The form again, with the catalog's sentence naming the limit.
      expect(answer.body).toContain('<form');
      expect(answer.body).toContain(kind === 'page-photo' ? `Ảnh lớn hơn ${limitMb} MB` : `Tệp lớn hơn ${limitMb} MB`);
    } else {
      expect(JSON.parse(answer.body)).toMatchObject({ statusCode: 413, error: 'Payload Too Large', field: 'file', maxBytes: limitMb * MB, message: expect.stringContaining(`file is larger than ${limitMb} MB`) });
    }
    expect(await storedFiles()).toBe(storedBefore);
    expect(await rows()).toBe(rowsBefore);
    expect(errorsLogged().slice(errorsBefore)).toEqual([]);
  }, 30_000);

  it.each(['api', 'page-photo'] as const)('%s: a body the client cuts half-way is no 500 and logs no error; nothing stored', async (kind) => {
    const storedBefore = await storedFiles();
    const rowsBefore = await rows();
    const errorsBefore = errorsLogged().length;
    const answer = await streamUpload(`${t.url}${routes()[kind]}`, headersOf(kind), kind.endsWith('photo') ? 'cut.jpg' : 'cut.csv', 4 * MB, 1 * MB);
    // The server answers 400 if it can still write, or the connection just closes.
    if (answer.status) expect(answer.status).toBe(400);
    // Give the server the time to notice the cut (wait until it has, bounded).
    for (let i = 0; i < 50 && !logged.slice(-5).some((l) => l.includes('"statusCode"') || l.includes('aborted') || l.includes('closed')); i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    expect(errorsLogged().slice(errorsBefore)).toEqual([]);
    expect(await storedFiles()).toBe(storedBefore);
    expect(await rows()).toBe(rowsBefore);
  });

  it('a JSON body over the body limit is a 413 naming the limit', async () => {
    const huge = JSON.stringify({ fullName: 'x'.repeat(2 * MB), email: 'a@b.vn' });
    const res = await t.http().post(`/api/v1/events/${event.id}/registrations`).set(admin.auth).set('Content-Type', 'application/json').send(huge);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ statusCode: 413, maxBytes: 1048576, message: expect.stringContaining('body is larger than 1 MB') });
  });
});

interface StreamAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  sentWhenAnswered: number;
}

/**
 * POSTs a multipart body (a caption field, then one file of `size` bytes) in 64 KB chunks with a
 * short pause every 1 MB, and stops writing when the answer comes: the status, headers, body and
 * how many file bytes had been sent by then. With `cutAt`, the client destroys the request after
 * that many bytes (status 0 if nothing came back).
 */
function streamUpload(url: string, headers: Record<string, string>, filename: string, size: number, cutAt?: number): Promise<StreamAnswer> {
  const boundary = 'upload-limits-boundary-1234';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="caption"\r\n\r\nx\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${filename.endsWith('.jpg') ? 'image/jpeg' : 'text/csv'}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const chunk = Buffer.alloc(64 * 1024, 'a');
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    let done = false;
    const finish = (a: StreamAnswer) => {
      if (done) return;
      done = true;
      req.destroy();
      resolve(a);
    };
    const req = httpRequest(url, { method: 'POST', headers: { ...headers, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(head.length + size + tail.length) } });
    req.on('response', (res) => {
      answered = true;
      const sentWhenAnswered = sent;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => finish({ status: res.statusCode ?? 0, headers: res.headers, body, sentWhenAnswered }));
      res.on('error', () => finish({ status: res.statusCode ?? 0, headers: res.headers, body, sentWhenAnswered }));
    });
    req.on('error', (err) => {
      // The server closing the connection after its answer (or after a cut) is expected.
      if (answered || cutAt !== undefined) setTimeout(() => finish({ status: 0, headers: {}, body: '', sentWhenAnswered: sent }), 300);
      else reject(err);
    });
    const pump = () => {
      while (!answered && !done && sent < size) {
        if (cutAt !== undefined && sent >= cutAt) {
          req.destroy();
          return void setTimeout(() => finish({ status: 0, headers: {}, body: '', sentWhenAnswered: sent }), 300);
        }
        const part = chunk.subarray(0, Math.min(chunk.length, size - sent));
        sent += part.length;
        const ok = req.write(part);
        // Slowly: a pause every 1 MB.
        if (sent % MB_ === 0) return void setTimeout(pump, 5);
        if (!ok) return void req.once('drain', pump);
      }
      if (!answered && !done) req.end(tail);
    };
    req.write(head);
    pump();
  });
}
const MB_ = 1024 * 1024;
