import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '../users/user.entity';

/** The authenticated principal attached to each request (from the JWT claims). */
export interface AuthUser {
  id: string;
  email: string;
  fullName: string;
  role: Role;
  organizationId: string | null;
}

export const IS_PUBLIC = 'td:public';
export const ROLES_KEY = 'td:roles';

/** No token needed (login, public registration, health). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Only these roles may call the handler; admin always may. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  return ctx.switchToHttp().getRequest().user;
});
