import { randomBytes } from 'node:crypto';
import { Scenario } from '../harness';

const TOTAL = 5_000;
const CONNECTIONS = 100;
const SEATS = 1_000;

/**
 * design.md: 5,000 self-registrations at 100 concurrent for 1,000 seats →
 * 0 over capacity, ≥ 1,500 registrations/s. Every request is a new person
 * (unique e-mail); after the seats are gone the answer is 409 (no waiting
 * list), which still runs the whole transaction up to the seat.
 */
export const registrationStorm: Scenario = {
  name: 'registration-storm',
  description: `${TOTAL} POST /events/:id/registrations at ${CONNECTIONS} concurrent for ${SEATS} seats`,
  async run(ctx) {
    const org = await ctx.createOrganization();
    const event = await ctx.createEvent(org.id, { capacity: SEATS });
    await ctx.api('POST', `/api/v1/events/${event.id}/publish`);
    const run = randomBytes(3).toString('hex');
    let n = 0;
    const bare = await ctx.bare(CONNECTIONS);
    const load = await ctx.load({
      path: `/api/v1/events/${event.id}/registrations`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      connections: CONNECTIONS,
      amount: TOTAL,
      warmup: false,
      allowNon2xx: true,
      setupRequest: (req) => {
        const i = n++;
        return { ...req, body: JSON.stringify({ fullName: `Đại biểu ${i}`, email: `storm-${run}-${i}@bench.local`, language: i % 2 ? 'vi' : 'en' }) };
      },
    });
    const [seats] = await ctx.sql<{ counter: number; confirmed: number; mails: number }>(
      `SELECT e.confirmed_count AS counter,
              (SELECT count(*)::int FROM registration r WHERE r.event_id = e.id AND r.status = 'confirmed') AS confirmed,
              (SELECT count(*)::int FROM mail_message m JOIN registration r ON r.id = m.registration_id WHERE r.event_id = e.id) AS mails
         FROM event e WHERE e.id = $1`,
      [event.id],
    );
    const rps = load.requests / load.durationS;
    const over = Math.max(0, seats.confirmed - SEATS);
    const scenario = this.name;
    const rss = ctx.rssMb();
    return [
      ctx.row({ scenario, metric: 'confirmed beyond capacity', unit: 'regs', value: over, limit: null, target: '0 over capacity', pass: over === 0 && seats.counter === seats.confirmed }),
      ctx.row({ scenario, metric: 'seats filled (confirmed / mails written)', unit: 'regs', value: seats.confirmed, limit: SEATS, target: `all ${SEATS} seats, one mail each`, pass: seats.confirmed === SEATS && seats.mails === SEATS }),
      ctx.row({ scenario, metric: 'registrations handled', unit: 'req/s', value: rps, limit: bare.rps, target: '≥ 1,500 registrations/s', pass: rps >= 1500 }),
      ctx.row({ scenario, metric: 'registration p99', unit: 'ms', value: load.p99, limit: bare.p99, target: '', pass: null }),
      ctx.row({ scenario, metric: 'API RSS, peak', unit: 'MB', value: rss.peak, limit: 250, target: '≤ 250 MB', pass: rss.peak <= 250 }),
    ];
  },
};
