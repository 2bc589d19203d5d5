import { AppProcess } from '../support/app-process';
import { Answer, call, delegate, faultEnv, faultSuffix, printFigures, publishedEvent, sql, storm, tally, terminateBackends, waitUntil } from '../support/fault-load';
import { TestPostgres } from '../support/pg-cluster';
import { TestRedis } from '../support/redis-server';

/**
 * Issue 13: PostgreSQL terminating the api's connections (a restart, a
 * failover, a pooler's timeout) in the middle of a check-in storm from two
 * desks, then the desks sending every scan again with its nonce, as an
 * offline desk's sync does. A real api process, its own PostgreSQL cluster
 * (the terminations hit only this test's database) and Redis.
 */
describe('PostgreSQL backends terminated during a check-in storm', () => {
  const suffix = faultSuffix();
  const database = `td_test_${suffix}`;
  let pg: TestPostgres;
  let redis: TestRedis;
  let api: AppProcess;

  beforeAll(async () => {
    [pg, redis] = await Promise.all([TestPostgres.create(), TestRedis.start()]);
    api = await AppProcess.start({ ...faultEnv(pg.url(database), suffix, 'smtp://127.0.0.1:9'), REDIS_URL: redis.url, APP_ROLE: 'api' });
  }, 150_000);

  afterAll(async () => {
    if (api && !api.alive) console.error(`the api died during the test\n${api.output()}`);
    await api?.stop();
    await redis?.stop();
    await pg?.destroy();
  });

  it('every answer is 201, 200 or a retryable 503; sending the same scans again converges to one check-in per code, the first scan\'s', async () => {
    const { token, eventId } = await publishedEvent(api.url, null);
    const registered = await storm(400, 20, () => call(api.url, 'POST', `/api/v1/events/${eventId}/registrations`, delegate()));
    expect(tally(registered.map((r) => r.status))).toEqual({ 201: 400 });
    const codes = registered.map((r) => r.body.code as string);

    // Desk 1 scans every code once; desk 2 scans every fourth code too, at the same time. Each scan has
    // its nonce and its own scan time, so the stored row says which scan it came from.
    const base = Date.now() - 3_600_000;
    const scans = [
      ...codes.map((code, i) => ({ code, nonce: `desk1-${i}`, scannedAt: new Date(base + i * 1000).toISOString() })),
      ...codes.filter((_, i) => i % 4 === 0).map((code, i) => ({ code, nonce: `desk2-${i}`, scannedAt: new Date(base + 1_800_000 + i * 1000).toISOString() })),
    ].sort((a, b) => (a.code < b.code ? -1 : 1)); // the two desks' scans of a code close together
    const scan = async (s: (typeof scans)[number]): Promise<Answer> => {
      try {
        return await call(api.url, 'POST', `/api/v1/events/${eventId}/check-ins`, s, token);
      } catch (err) {
        throw new Error(`no answer to ${s.nonce} (${(err as Error).message}); the api ${api.alive ? 'still runs' : 'died'}\n${api.output()}`);
      }
    };

    const first = new Map<string, Answer>();
    let terminations = 0;
    let terminated = 0;
    // The storm itself starts each termination as it crosses a share (a poll could see the storm end
    // first on a slow machine), and starts no new scan until that termination has run: the scans in
    // flight are the ones it hits.
    const shares = [0.1, 0.25, 0.4, 0.55, 0.7, 0.85];
    let killing: Promise<void> | null = null;
    const kill = async () => {
      terminated += await terminateBackends(pg.url('postgres'), database);
      terminations++;
    };
    await storm(scans.length, 32, async (i) => {
      if (killing) await killing;
      first.set(scans[i].nonce, await scan(scans[i]));
      if (!killing && terminations < shares.length && first.size >= scans.length * shares[terminations]) {
        killing = kill().finally(() => (killing = null));
      }
    });
    if (killing) await killing;
    expect(api.alive).toBe(true);
    expect(terminations).toBe(6);
    expect(terminated).toBeGreaterThan(6);

    const firstStatuses = tally([...first.values()].map((a) => a.status));
    const unexpected = [...first.entries()].filter(([, a]) => ![200, 201, 503].includes(a.status) || (a.status === 503 && !a.headers.get('retry-after')));
    expect(unexpected.map(([nonce, a]) => `${nonce}: ${a.status} ${JSON.stringify(a.body)}`)).toEqual([]);

    // The desks send every scan again, the same nonce and time, until none is answered 503.
    const last = new Map<string, Answer>();
    let rounds = 0;
    let pending = scans;
    while (pending.length && rounds < 5) {
      rounds++;
      await storm(pending.length, 16, async (i) => {
        last.set(pending[i].nonce, await scan(pending[i]));
      });
      pending = pending.filter((s) => last.get(s.nonce)!.status === 503);
    }
    expect(pending).toEqual([]);
    const againStatuses = tally([...last.values()].map((a) => a.status));

    // An answer given during the storm is the answer given again: the same check-in, new or duplicate alike.
    const changed = scans.filter((s) => {
      const a = first.get(s.nonce)!;
      const b = last.get(s.nonce)!;
      return a.status !== 503 && (a.status !== b.status || a.body.checkIn.id !== b.body.checkIn.id);
    });
    expect(changed.map((s) => s.nonce)).toEqual([]);

    // One check-in per code, written whole by one scan: its nonce, and that scan's time.
    const rows = await sql<{ code: string; n: number; nonce: string; checkedInAt: Date }>(
      pg.url(database),
      `SELECT r.code, count(c.id)::int AS n, min(c.nonce) AS nonce, min(c.checked_in_at) AS "checkedInAt"
         FROM registration r LEFT JOIN check_in c ON c.registration_id = r.id
        WHERE r.event_id = $1 GROUP BY r.code`,
      [eventId],
    );
    const lost = rows.filter((r) => r.n === 0).length;
    const doubled = rows.filter((r) => r.n > 1).length;
    const byNonce = new Map(scans.map((s) => [s.nonce, s]));
    const mismatched = rows.filter((r) => r.n === 1 && new Date(r.checkedInAt).toISOString() !== byNonce.get(r.nonce)?.scannedAt).length;
    // The winner of each code: its scan is answered 201 (a new check-in, or its own replayed), every other 200.
    const winners = new Set(rows.map((r) => r.nonce));
    const wrongAnswer = scans.filter((s) => last.get(s.nonce)!.status !== (winners.has(s.nonce) ? 201 : 200)).length;
    printFigures('pg terminate / check-in storm', {
      scans: scans.length,
      terminations,
      backendsTerminated: terminated,
      statuses: firstStatuses,
      resent: againStatuses,
      rounds,
      checkIns: rows.reduce((n, r) => n + r.n, 0),
      lost,
      doubled,
      mismatched,
    });
    expect({ rows: rows.length, lost, doubled, mismatched, wrongAnswer }).toEqual({ rows: 400, lost: 0, doubled: 0, mismatched: 0, wrongAnswer: 0 });
    expect((await call(api.url, 'GET', '/health')).status).toBe(200);
  }, 120_000);
});
