import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';
import type { onRequestAsyncHookHandler } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { SESSION_COOKIE } from '../auth/auth.guard';
import { AuthService } from '../auth/auth.service';
import { signedCookie } from '../http/request';
import { QUEUES } from './jobs';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * bull-board at /admin/queues, for admins only. It is a plain Fastify plugin
 * (no @bull-board/nestjs), so Nest's global guard does not see it: the hook
 * below applies the same rule (Bearer token or the signed session cookie) and
 * demands the admin role. Registered after @fastify/cookie and before the page
 * hooks of configureWeb, so that, as with Express before, the page language and
 * the CSRF check (the board's own scripts send no token) do not apply to it.
 */
export async function mountQueueDashboard(app: NestFastifyApplication): Promise<void> {
  const serverAdapter = new FastifyAdapter().setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: Object.values(QUEUES).map((name) => new BullMQAdapter(app.get<Queue>(getQueueToken(name), { strict: false }))),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'TrainingDesk queues' } },
  });
  const adminCheck = adminOnly(app.get(AuthService));
  await app.getHttpAdapter().getInstance().register(
    async (scope) => {
      scope.addHook('onRequest', adminCheck);
      await scope.register(serverAdapter.registerPlugin());
    },
    { prefix: QUEUE_DASHBOARD_PATH },
  );
}

function adminOnly(auth: AuthService): onRequestAsyncHookHandler {
  return async (req, reply) => {
    const header = req.headers.authorization;
    const bearer = header?.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : undefined;
    const token = bearer || signedCookie(req, SESSION_COOKIE);
    const refuse = (status: number, message: string) => reply.status(status).send({ statusCode: status, message, error: STATUS_CODES[status] });
    if (!token) return refuse(401, 'log in first: send Authorization: Bearer <token> or sign in');
    const user = await auth.verify(token);
    if (!user) return refuse(401, 'the token is invalid or has expired; log in again');
    if (user.role !== 'admin') return refuse(403, `the queue dashboard is for admins; you are ${user.role}`);
  };
}
