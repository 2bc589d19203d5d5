import { applyDecorators, Controller, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { WebExceptionFilter } from './web-exception.filter';

/** A server-rendered page controller: outside /api/v1, out of the OpenAPI document, 401 → login page. */
export function WebController(path = ''): ClassDecorator {
  return applyDecorators(Controller(path), UseFilters(WebExceptionFilter), ApiExcludeController());
}
