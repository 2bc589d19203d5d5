import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyRequest, signedCookie } from '../http/request';
import { AuthService } from './auth.service';
import { IS_PUBLIC, ROLES_KEY } from './auth-user';
import type { Role } from '../users/user.entity';

export const SESSION_COOKIE = 'td_session';

/**
 * Global guard: a bearer token (API) or the signed httpOnly session cookie
 * (pages; CSRF-checked by the web module) identifies the user; @Roles limits
 * who may call. Organization scope is checked by services, which know the
 * resource's unit.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    const targets = [ctx.getHandler(), ctx.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets);
    const token = bearer(req) ?? signedCookie(req, SESSION_COOKIE);
    if (token) {
      const user = await this.auth.verify(token);
      if (user) req.user = user;
      else if (!isPublic) throw new UnauthorizedException('the token is invalid or has expired; log in again');
    }
    if (isPublic) return true;
    if (!req.user) throw new UnauthorizedException('log in first: send Authorization: Bearer <token>');
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && req.user.role !== 'admin' && !roles.includes(req.user.role)) {
      throw new ForbiddenException(`this needs the role ${roles.join(' or ')}; you are ${req.user.role}`);
    }
    return true;
  }
}

function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const [scheme, value] = h.split(' ');
  return scheme?.toLowerCase() === 'bearer' && value ? value : undefined;
}
