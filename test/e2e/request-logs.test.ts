import { Writable } from 'node:stream';
import { startTestApp, TestApp } from '../support/test-app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface LogLine {
  msg?: string;
  req?: { id?: string; url?: string; params?: Record<string, string>; query?: Record<string, string>; headers?: Record<string, string> };
  res?: { statusCode?: number; headers?: Record<string, string> };
}

describe('request logs', () => {
  let t: TestApp;
  const raw: string[] = [];
  const lines = () => raw.join('').split('\n').filter(Boolean);
  const parsed = (): LogLine[] => lines().map((l) => JSON.parse(l) as LogLine);
  const completed = async (requestId: string): Promise<LogLine> => {
    for (let i = 0; i < 50; i++) {
      const line = parsed().find((l) => l.req?.id === requestId && l.res);
      if (line) return line;
      await sleep(20);
    }
    throw new Error(`no completed-request log line for ${requestId}`);
  };

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        raw.push(chunk.toString());
        done();
      },
    });
    t = await startTestApp({ LOG_LEVEL: 'info' }, { logDestination: destination });
  });
  afterAll(async () => {
    await t?.close();
  });

  const token = 'personal-link-token-4242';
  const csrf = 'csrf-secret-777';

  it('each request line carries the request id, and secrets in URLs are masked', async () => {
    const page = await t
      .http()
      .get(`/r/${token}?_csrf=${csrf}&done=registered`)
      .set('x-request-id', 'log-test-req-1')
      .set('referer', `http://localhost/r/${token}`);
    expect(page.headers['x-request-id']).toBe('log-test-req-1');
    const line = await completed('log-test-req-1');
    // The line names the request by id, method and masked URL only: the Referer (which repeats the
    // token) and the query are not logged apart from the URL.
    expect(line.req).toEqual({ id: 'log-test-req-1', method: 'GET', url: '/r/***?_csrf=***&done=registered' });
    expect(line.res).toEqual({ statusCode: page.status });

    await t.http().get(`/api/v1/public/registrations/${token}/qr.svg`).set('x-request-id', 'log-test-req-2');
    expect((await completed('log-test-req-2')).req?.url).toBe('/api/v1/public/registrations/***/qr.svg');

    // Without a proxy's id, one is made and echoed.
    const plain = await t.http().get('/api/v1/no-such-thing');
    const madeId = plain.headers['x-request-id'];
    expect(madeId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await completed(madeId)).req?.url).toBe('/api/v1/no-such-thing');

    const all = lines().join('\n');
    expect(all).not.toContain(token);
    expect(all).not.toContain(csrf);
  });

  it('writes exactly one compact line per request: id, method, masked path, status and time, no headers', async () => {
    const before = lines().length;
    const res = await t
      .http()
      .post('/api/v1/auth/login')
      .set('x-request-id', 'log-test-one-line')
      .set('Authorization', 'Bearer not-a-real-token')
      .set('Cookie', 'td_session=cookie-value-5151')
      .set('User-Agent', 'log-test-agent')
      .send({ email: 'nobody@test.local', password: 'wrong-password-1' });
    expect(res.status).toBe(401);
    await completed('log-test-one-line');
    await sleep(100);
    const added = lines().slice(before);
    expect(added).toHaveLength(1);
    const line = JSON.parse(added[0]) as Record<string, unknown>;
    expect(Object.keys(line).sort()).toEqual(['hostname', 'level', 'msg', 'pid', 'req', 'res', 'responseTime', 'time']);
    expect(line).toMatchObject({ level: 30, msg: 'request completed', req: { id: 'log-test-one-line', method: 'POST', url: '/api/v1/auth/login' }, res: { statusCode: 401 } });
    expect(typeof line.responseTime).toBe('number');
    for (const secret of ['not-a-real-token', 'cookie-value-5151', 'log-test-agent', 'wrong-password-1', 'headers']) expect(added[0]).not.toContain(secret);
  });
});
