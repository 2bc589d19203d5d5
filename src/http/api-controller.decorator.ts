import { applyDecorators, Controller } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';

export const API_PREFIX = 'api/v1';

/** A REST controller under /api/v1 (pages and /health live outside it). */
export function ApiController(path: string, tag = path.split('/')[0]): ClassDecorator {
  return applyDecorators(Controller(`${API_PREFIX}/${path}`.replace(/\/$/, '')), ApiTags(tag), ApiBearerAuth());
}
