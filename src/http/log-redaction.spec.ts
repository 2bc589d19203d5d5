import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { LOG_FLUSH_MS, redactUrl, requestForLog, responseForLog, stdoutDestination } from './log-redaction';

describe('redactUrl', () => {
  it.each([
    ['/r/AbC123-secret', '/r/***'],
    ['/r/AbC123-secret?done=registered', '/r/***?done=registered'],
    ['/r/AbC123-secret/rsvp', '/r/***/rsvp'],
    ['/api/v1/public/registrations/AbC123-secret', '/api/v1/public/registrations/***'],
    ['/api/v1/public/registrations/AbC123-secret/qr.svg?size=200', '/api/v1/public/registrations/***/qr.svg?size=200'],
    ['/events/12/registrations/import?_csrf=csrf-value', '/events/12/registrations/import?_csrf=***'],
    ['/x?a=1&_csrf=v&b=2#frag', '/x?a=1&_csrf=***&b=2#frag'],
    ['/x?token=t&access_token=u&resetToken=w&secret=s&password=p&signature=g', '/x?token=***&access_token=***&resetToken=***&secret=***&password=***&signature=***'],
    ['/x?%5Fcsrf=v', '/x?%5Fcsrf=***'],
    ['/events/12/check-ins?code=ABCD-EFGH-JK&checkInCode=x', '/events/12/check-ins?code=***&checkInCode=***'],
    ['http://localhost:3000/r/AbC123-secret?_csrf=v', 'http://localhost:3000/r/***?_csrf=***'],
  ])('%s -> %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it.each([
    '/events?page=2&q=token%20ring',
    '/e/some-slug/register',
    '/api/v1/registrations/3f2a?status=confirmed',
    '/rooms/r/abc',
    '/r/',
    '/x?flag&other',
    '/x?zipcode=70000&codeName=a',
  ])('leaves %s alone', (url) => {
    expect(redactUrl(url)).toBe(url);
  });
});

describe('log serializers', () => {
  it('log a request as its id, method and masked URL only: no headers, query or params', () => {
    const req = {
      id: 'req-1',
      method: 'POST',
      url: '/cancel',
      originalUrl: '/r/secret1/cancel?_csrf=c1',
      headers: { referer: 'http://localhost/r/secret1', authorization: 'Bearer x', cookie: 'td_session=s' },
    } as unknown as Parameters<typeof requestForLog>[0];
    expect(requestForLog(req)).toEqual({ id: 'req-1', method: 'POST', url: '/r/***/cancel?_csrf=***' });
  });

  it('log a response as its status only (no Location, no Set-Cookie)', () => {
    const res = { statusCode: 303, getHeaders: () => ({ location: '/r/secret1' }) } as unknown as Parameters<typeof responseForLog>[0];
    expect(responseForLog(res)).toEqual({ statusCode: 303 });
  });
});

/** A destination writing to a new file, once its file is open. */
async function destinationInTempFile() {
  const file = join(mkdtempSync(join(tmpdir(), 'td-log-')), 'out.log');
  const dest = stdoutDestination(file);
  await new Promise((resolve) => (dest as unknown as NodeJS.EventEmitter).once('ready', resolve));
  return { file, dest };
}

describe('stdoutDestination', () => {
  it('writes lines asynchronously, all of them, in order', async () => {
    const { file, dest } = await destinationInTempFile();
    const logger = pino(dest);
    for (let i = 0; i < 500; i++) logger.info({ i }, 'line');
    // Not written yet by the time info() returns: the event loop is not blocked on each line.
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean).length).toBeLessThan(500);
    const written = () => readFileSync(file, 'utf8').split('\n').filter(Boolean);
    for (let i = 0; i < 100 && written().length < 500; i++) await new Promise((r) => setTimeout(r, 20));
    const lines = written().map((l) => JSON.parse(l).i);
    expect(lines).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });

  it('writes a lone line within a fraction of a second, though it is shorter than a batch', async () => {
    const { file, dest } = await destinationInTempFile();
    pino(dest).info({ lone: true }, 'one line');
    const started = Date.now();
    while (!readFileSync(file, 'utf8').includes('"lone":true') && Date.now() - started < 2_000) await new Promise((r) => setTimeout(r, 10));
    expect(readFileSync(file, 'utf8')).toContain('"lone":true');
    // Not written by a blocking write, yet not long after the flush period either (2 s: a busy machine).
    expect(Date.now() - started).toBeLessThan(LOG_FLUSH_MS + 1_900);
  });
});
