import { randomBytes, randomInt } from 'node:crypto';
import { BenchContext, Scenario, startLimitServer } from '../harness';

const SCANS = 10_000;
const CONNECTIONS = 64;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

const code = () => Array.from({ length: 10 }, () => ALPHABET[randomInt(32)]).join('');

/** A published event with `n` confirmed registrations written by SQL (the storm measures check-in, not setup). */
async function eventWithRegistrations(ctx: BenchContext, organizationId: string, n: number): Promise<{ id: string; codes: string[] }> {
  const event = await ctx.createEvent(organizationId);
  await ctx.api('POST', `/api/v1/events/${event.id}/publish`);
  const codes = Array.from({ length: n }, code);
  await ctx.sql(
    `INSERT INTO registration (event_id, full_name, email, role, status, source, token_hash, code, confirmed_at)
     SELECT $1, 'Đại biểu ' || i, 'scan-' || i || '-' || $3 || '@bench.local', 'delegate', 'confirmed', 'import',
            decode(md5(random()::text) || md5(random()::text), 'hex'), c, now()
       FROM unnest($2::text[]) WITH ORDINALITY AS t(c, i)`,
    [event.id, codes, randomBytes(3).toString('hex')],
  );
  return { id: event.id, codes };
}

/**
 * design.md: 10,000 scans at 64 concurrent → p99 ≤ 25 ms, ≥ 3,000 check-ins/s,
 * ≥ 40 % of the bare endpoint. Each scan is a different code, typed the way
 * a person would (lower case, dashes), by a staff member of the event's unit.
 */
export const checkInStorm: Scenario = {
  name: 'check-in-storm',
  description: `${SCANS} POST /events/:id/check-ins at ${CONNECTIONS} concurrent, one code each`,
  async run(ctx) {
    const org = await ctx.createOrganization();
    const password = `bench-${randomBytes(6).toString('hex')}`;
    const staff = await ctx.api('POST', '/api/v1/users', { email: `staff-${randomBytes(3).toString('hex')}@bench.local`, password, fullName: 'Bàn điểm danh', role: 'staff', organizationId: org.id });
    const { accessToken } = await ctx.api('POST', '/api/v1/auth/login', { email: staff.email, password });
    const headers = { Authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
    const scans = (codes: string[]) => {
      let i = 0;
      return (req: any) => {
        const c = codes[i++ % codes.length];
        return { ...req, body: JSON.stringify({ code: `${c.slice(0, 4)}-${c.slice(4, 8)}-${c.slice(8)}`.toLowerCase(), nonce: `bench-${i}` }) };
      };
    };
    // Warm-up on its own event, so the measured scans are all first scans.
    const warm = await eventWithRegistrations(ctx, org.id, 3_000);
    await ctx.load({ path: `/api/v1/events/${warm.id}/check-ins`, method: 'POST', headers, connections: CONNECTIONS, duration: 1, warmup: false, allowNon2xx: true, setupRequest: scans(warm.codes) });
    const event = await eventWithRegistrations(ctx, org.id, SCANS);
    const bare = await ctx.bare(CONNECTIONS);
    const load = await ctx.load({
      path: `/api/v1/events/${event.id}/check-ins`,
      method: 'POST',
      headers,
      connections: CONNECTIONS,
      amount: SCANS,
      warmup: false,
      setupRequest: scans(event.codes),
    });
    const [{ n }] = await ctx.sql<{ n: number }>(`SELECT count(*)::int AS n FROM check_in WHERE event_id = $1`, [event.id]);
    const rps = load.requests / load.durationS;
    // The same scans through the raw node:http + pg server (same statement, same pool size): the
    // check-in's limit on this machine, of which the app's figure is a share.
    const rawEvent = await eventWithRegistrations(ctx, org.id, SCANS);
    const limit = await startLimitServer(ctx.databaseUrl, { USER_ID: staff.id, SCOPE_ROOT: org.id });
    let raw;
    try {
      await ctx.load({ baseUrl: limit.baseUrl, path: `/events/${warm.id}/check-ins`, method: 'POST', headers, connections: CONNECTIONS, duration: 1, warmup: false, allowNon2xx: true, setupRequest: scans(warm.codes) });
      raw = await ctx.load({ baseUrl: limit.baseUrl, path: `/events/${rawEvent.id}/check-ins`, method: 'POST', headers, connections: CONNECTIONS, amount: SCANS, warmup: false, setupRequest: scans(rawEvent.codes) });
    } finally {
      await limit.stop();
    }
    const rawRps = raw.requests / raw.durationS;
    const scenario = this.name;
    const rss = ctx.rssMb();
    return [
      ctx.row({ scenario, metric: 'check-ins recorded', unit: 'rows', value: n, limit: SCANS, target: 'one per scan', pass: n === SCANS }),
      ctx.row({ scenario, metric: 'check-in p99', unit: 'ms', value: load.p99, limit: 25, target: '≤ 25 ms', pass: load.p99 <= 25 }),
      ctx.row({ scenario, metric: 'check-in p50', unit: 'ms', value: load.p50, limit: bare.p50, target: '', pass: null }),
      ctx.row({ scenario, metric: 'check-ins/s', unit: 'req/s', value: rps, limit: 3000, target: '≥ 3,000 check-ins/s', pass: rps >= 3000 }),
      ctx.row({ scenario, metric: 'check-ins/s vs bare /health/live', unit: 'req/s', value: rps, limit: bare.rps, target: '≥ 40 % of bare', pass: rps >= 0.4 * bare.rps }),
      ctx.row({ scenario, metric: 'check-ins/s vs raw node:http + pg', unit: 'req/s', value: rps, limit: rawRps, target: '', pass: null }),
      ctx.row({ scenario, metric: 'raw node:http + pg p99', unit: 'ms', value: raw.p99, limit: null, target: '', pass: null }),
      ctx.row({ scenario, metric: 'API RSS, peak', unit: 'MB', value: rss.peak, limit: 250, target: '≤ 250 MB', pass: rss.peak <= 250 }),
    ];
  },
};
