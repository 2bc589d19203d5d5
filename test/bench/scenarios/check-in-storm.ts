import { randomBytes, randomInt } from 'node:crypto';
import { BenchContext, machineNote, Scenario, startLimitServer } from '../harness';

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
 * design.md: 10,000 scans at 64 concurrent → exactly 10,000 check-ins, ≥ 60 % of the raw
 * node:http + pg server's check-ins/s, p99 ≤ 2× the raw server's p99. Each scan is a different
 * code, typed the way a person would (lower case, dashes), by a staff member of the event's unit.
 */
export const checkInStorm: Scenario = {
  name: 'check-in-storm',
  bothShapes: true,
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
      await ctx.load({ baseUrl: limit.baseUrl, pid: limit.pid, path: `/events/${warm.id}/check-ins`, method: 'POST', headers, connections: CONNECTIONS, duration: 1, warmup: false, allowNon2xx: true, setupRequest: scans(warm.codes) });
      raw = await ctx.load({ baseUrl: limit.baseUrl, pid: limit.pid, path: `/events/${rawEvent.id}/check-ins`, method: 'POST', headers, connections: CONNECTIONS, amount: SCANS, warmup: false, setupRequest: scans(rawEvent.codes) });
    } finally {
      await limit.stop();
    }
    const rawRps = raw.requests / raw.durationS;
    const scenario = this.name;
    const machine = machineNote(load.machine, raw.machine);
    return [
      ctx.row({ scenario, metric: 'check-ins recorded', unit: 'rows', value: n, limit: SCANS, target: 'exactly one per scan', pass: n === SCANS }),
      ctx.row({ scenario, metric: 'check-ins/s vs raw node:http + pg', unit: 'req/s', value: rps, limit: rawRps, target: '≥ 60 % of raw', pass: rps >= 0.6 * rawRps, machine }),
      ctx.row({ scenario, metric: 'check-in p99 vs raw', unit: 'ms', value: load.p99, limit: raw.p99, target: '≤ 200 % of raw', pass: load.p99 <= 2 * raw.p99, machine }),
      ctx.row({ scenario, metric: 'server CPU per check-in vs raw', unit: 'µs', value: 1000 * load.cpuMsPerRequest, limit: 1000 * raw.cpuMsPerRequest, target: '', pass: null }),
      ctx.row({ scenario, metric: 'check-in p50 vs raw', unit: 'ms', value: load.p50, limit: raw.p50, target: '', pass: null, machine }),
      ctx.row({ scenario, metric: 'check-ins/s vs bare /health/live', unit: 'req/s', value: rps, limit: bare.rps, target: '', pass: null, machine: machineNote(bare.machine) }),
      ctx.row({ scenario, metric: 'API RSS, peak during the storm', unit: 'MB', value: load.rssPeakMb, limit: 250, target: '≤ 250 MB', pass: load.rssPeakMb <= 250 }),
    ];
  },
};
