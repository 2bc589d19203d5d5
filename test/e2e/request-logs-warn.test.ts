import { Writable } from 'node:stream';
import { loginAdmin } from '../factories';
import { startTestApp, TestApp } from '../support/test-app';

// Its own file: nestjs-pino keeps one root logger per process, so an app at another level needs its own
// jest module registry.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface LogLine {
  level: number;
  req?: { id?: string; method?: string; url?: string };
}

describe('request logs above info level', () => {
  let t: TestApp;
  const raw: string[] = [];
  const parsed = () =>
    raw
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LogLine);

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        raw.push(chunk.toString());
        done();
      },
    });
    t = await startTestApp({ LOG_LEVEL: 'warn' }, { logDestination: destination });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('writes no per-request lines, yet an unexpected error carries the request id, method and url', async () => {
    const { token } = await loginAdmin(t);
    const ok = await t.http().get('/api/v1/speakers').set('Authorization', `Bearer ${token}`).set('x-request-id', 'warn-ok-1');
    expect(ok.status).toBe(200);
    // An unexpected failure: the table the endpoint reads is gone.
    await t.dataSource.query('ALTER TABLE speaker RENAME TO speaker_gone');
    try {
      const failed = await t
        .http()
        .get('/api/v1/speakers?page=1')
        .set('Authorization', `Bearer ${token}`)
        .set('x-request-id', 'warn-fail-1');
      expect(failed.status).toBe(500);
      expect(failed.headers['x-request-id']).toBe('warn-fail-1');
    } finally {
      await t.dataSource.query('ALTER TABLE speaker_gone RENAME TO speaker');
    }
    let error: LogLine | undefined;
    for (let i = 0; i < 50 && !error; i++) {
      error = parsed().find((l) => l.req?.id === 'warn-fail-1' && l.level >= 50);
      if (!error) await sleep(20);
    }
    expect(error?.req).toEqual({ id: 'warn-fail-1', method: 'GET', url: '/api/v1/speakers?page=1' });
    expect(parsed().some((l) => l.req?.id === 'warn-ok-1')).toBe(false);
    expect(raw.join('')).not.toContain(token);
  });
});
