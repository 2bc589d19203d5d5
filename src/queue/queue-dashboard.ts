import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { getQueueToken } from '@nestjs/bullmq';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { SESSION_COOKIE } from '../auth/auth.guard';
import { AuthService } from '../auth/auth.service';
import { QUEUES } from './jobs';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * bull-board at /admin/queues, for admins only. It is a plain Express router
 * (no @bull-board/nestjs), so Nest's global guard does not see it: the
 * middleware below applies the same rule (Bearer token or the signed
 * session cookie) and demands the admin role.
 */
export function mountQueueDashboard(app: NestExpressApplication): void {
  const serverAdapter = new ExpressAdapter().setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: Object.values(QUEUES).map((name) => new BullMQAdapter(app.get<Queue>(getQueueToken(name), { strict: false }))),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'TrainingDesk queues' } },
  });
  app.use(QUEUE_DASHBOARD_PATH, adminOnly(app.get(AuthService)), serverAdapter.getRouter());
}

function adminOnly(auth: AuthService) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.headers.authorization;
    const bearer = header?.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : undefined;
    const token = bearer || (req.signedCookies?.[SESSION_COOKIE] as string | undefined);
    const refuse = (status: number, message: string) => {
      res.status(status).json({ statusCode: status, message, error: STATUS_CODES[status] });
    };
    if (!token) return refuse(401, 'log in first: send Authorization: Bearer <token> or sign in');
    auth.verify(token).then(
      (user) => {
        if (!user) refuse(401, 'the token is invalid or has expired; log in again');
        else if (user.role !== 'admin') refuse(403, `the queue dashboard is for admins; you are ${user.role}`);
        else next();
      },
      (err: unknown) => next(err),
    );
  };
}
