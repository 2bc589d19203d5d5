import { randomBytes } from 'node:crypto';
import { BenchContext, machineNote, Scenario, startLimitServer } from '../harness';

const TOTAL = 5_000;
const CONNECTIONS = 100;
const SEATS = 1_000;

/** The event's seat counter, its confirmed registrations and their mails, after a storm. */
async function seatsOf(ctx: BenchContext, eventId: string): Promise<{ counter: number; confirmed: number; mails: number }> {
  const [seats] = await ctx.sql<{ counter: number; confirmed: number; mails: number }>(
    `SELECT e.confirmed_count AS counter,
            (SELECT count(*)::int FROM registration r WHERE r.event_id = e.id AND r.status = 'confirmed') AS confirmed,
            (SELECT count(*)::int FROM mail_message m JOIN registration r ON r.id = m.registration_id WHERE r.event_id = e.id) AS mails
       FROM event e WHERE e.id = $1`,
    [eventId],
  );
  return seats;
}

/**
 * design.md: 5,000 self-registrations at 100 concurrent for 1,000 seats → exactly 1,000
 * confirmed, ≥ 50 % of the raw node:http + pg server's registrations/s. Every request is a new
 * person (unique e-mail); after the seats are gone the answer is 409 (no waiting list). The raw
 * server (test/bench/limit-server.ts) runs the product's own statements for the same storm on
 * another event of the same database.
 */
export const registrationStorm: Scenario = {
  name: 'registration-storm',
  bothShapes: true,
  description: `${TOTAL} POST /events/:id/registrations at ${CONNECTIONS} concurrent for ${SEATS} seats, and the same through the raw server`,
  async run(ctx) {
    const org = await ctx.createOrganization();
    const run = randomBytes(3).toString('hex');
    const storm = async (baseUrl: string | undefined, pid: number | undefined, prefix: string, label: string) => {
      const event = await ctx.createEvent(org.id, { capacity: SEATS });
      await ctx.api('POST', `/api/v1/events/${event.id}/publish`);
      let n = 0;
      const load = await ctx.load({
        baseUrl,
        pid,
        path: `${prefix}/events/${event.id}/registrations`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        connections: CONNECTIONS,
        amount: TOTAL,
        warmup: false,
        allowNon2xx: true,
        setupRequest: (req) => {
          const i = n++;
          return { ...req, body: JSON.stringify({ fullName: `Đại biểu ${i}`, email: `storm-${run}-${label}-${i}@bench.local`, language: i % 2 ? 'vi' : 'en' }) };
        },
      });
      return { load, rps: load.requests / load.durationS, seats: await seatsOf(ctx, event.id) };
    };
    const bare = await ctx.bare(CONNECTIONS);
    const app = await storm(undefined, undefined, '/api/v1', 'app');
    const limit = await startLimitServer(ctx.databaseUrl, {});
    let raw;
    try {
      raw = await storm(limit.baseUrl, limit.pid, '', 'raw');
    } finally {
      await limit.stop();
    }
    const over = Math.max(0, app.seats.confirmed - SEATS);
    const scenario = this.name;
    const machine = machineNote(app.load.machine, raw.load.machine);
    return [
      ctx.row({ scenario, metric: 'confirmed beyond capacity', unit: 'regs', value: over, limit: null, target: '0 over capacity', pass: over === 0 && app.seats.counter === app.seats.confirmed }),
      ctx.row({ scenario, metric: 'seats filled (confirmed / mails written)', unit: 'regs', value: app.seats.confirmed, limit: SEATS, target: `exactly ${SEATS} confirmed, one mail each`, pass: app.seats.confirmed === SEATS && app.seats.mails === SEATS }),
      ctx.row({ scenario, metric: 'registrations/s vs raw node:http + pg', unit: 'req/s', value: app.rps, limit: raw.rps, target: '≥ 50 % of raw', pass: app.rps >= 0.5 * raw.rps, machine }),
      ctx.row({ scenario, metric: 'registration p99 vs raw', unit: 'ms', value: app.load.p99, limit: raw.load.p99, target: '', pass: null, machine }),
      ctx.row({ scenario, metric: 'server CPU per request vs raw', unit: 'µs', value: 1000 * app.load.cpuMsPerRequest, limit: 1000 * raw.load.cpuMsPerRequest, target: '', pass: null }),
      ctx.row({ scenario, metric: 'registrations/s vs bare /health/live', unit: 'req/s', value: app.rps, limit: bare.rps, target: '', pass: null, machine: machineNote(bare.machine) }),
      ctx.row({ scenario, metric: 'raw server: seats filled', unit: 'regs', value: raw.seats.confirmed, limit: SEATS, target: '', pass: null }),
      ctx.row({ scenario, metric: 'API RSS, peak during the storm', unit: 'MB', value: app.load.rssPeakMb, limit: 250, target: '≤ 250 MB', pass: app.load.rssPeakMb <= 250 }),
    ];
  },
};
