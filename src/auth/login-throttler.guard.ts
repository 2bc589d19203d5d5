import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { LoginAttemptsService } from './login-attempts.service';

/**
 * Refuses a login (429) before the handler runs while the client address has
 * too many recent failures for the posted e-mail. AuthService.login checks
 * and counts too; this guard only answers early, for any login route.
 */
@Injectable()
export class LoginThrottlerGuard implements CanActivate {
  constructor(private readonly attempts: LoginAttemptsService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<Request>();
    const email = typeof req.body?.email === 'string' ? req.body.email : '';
    if (email) await this.attempts.assertAllowed(req.ip ?? '', email);
    return true;
  }
}
