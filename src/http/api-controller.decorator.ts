import { Controller } from '@nestjs/common';
import { ApiBearerAuth, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { IS_PUBLIC } from '../auth/auth-user';

export const API_PREFIX = 'api/v1';

/**
 * A REST controller under /api/v1 (pages and /health live outside it).
 * In the OpenAPI document every handler needs the bearer token, except those
 * marked @Public() (or a @Public() controller), which show no security: the
 * document then tells clients the truth about login and the public endpoints.
 * Apply @Public() below @ApiController so that it is visible here.
 */
export function ApiController(path: string, tag = path.split('/')[0]): ClassDecorator {
  return (target) => {
    Controller(`${API_PREFIX}/${path}`.replace(/\/$/, ''))(target);
    ApiTags(tag)(target);
    if (Reflect.getMetadata(IS_PUBLIC, target)) return;
    for (const name of Object.getOwnPropertyNames(target.prototype)) {
      const descriptor = Object.getOwnPropertyDescriptor(target.prototype, name);
      if (name === 'constructor' || typeof descriptor?.value !== 'function') continue;
      if (Reflect.getMetadata(IS_PUBLIC, descriptor.value)) continue;
      ApiBearerAuth()(target.prototype, name, descriptor);
      ApiUnauthorizedResponse({ description: 'no token, or an invalid or expired one' })(target.prototype, name, descriptor);
    }
  };
}
