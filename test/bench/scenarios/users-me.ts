import { Scenario } from '../harness';

/**
 * The cost of the authenticated request path (JWT check, guard, one user lookup, DTO) against the bare
 * `GET /health/live` of the same process: the floor under every authenticated endpoint.
 */
export const usersMe: Scenario = {
  name: 'users-me',
  description: 'authenticated GET /api/v1/users/me vs the bare GET /health/live',
  async run(ctx) {
    const bare = await ctx.bare();
    const me = await ctx.load({ path: '/api/v1/users/me', headers: ctx.adminAuth });
    const rss = ctx.rssMb();
    const scenario = this.name;
    return [
      ctx.row({ scenario, metric: 'GET /users/me throughput', unit: 'req/s', value: me.rps, limit: bare.rps, target: '', pass: null }),
      ctx.row({ scenario, metric: 'GET /users/me p50', unit: 'ms', value: me.p50, limit: bare.p50, target: '', pass: null }),
      ctx.row({ scenario, metric: 'GET /users/me p99', unit: 'ms', value: me.p99, limit: bare.p99, target: '', pass: null }),
      ctx.row({ scenario, metric: 'API RSS, peak', unit: 'MB', value: rss.peak, limit: 250, target: '≤ 250 MB', pass: rss.peak <= 250 }),
    ];
  },
};
