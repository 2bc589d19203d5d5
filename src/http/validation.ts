import { ArgumentMetadata, BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

/**
 * One message per field, as api.md promises. class-validator runs a
 * property's decorators bottom-up, so the last failed constraint is the
 * topmost decorator — by our convention the type check (`@IsString()` above
 * `@MinLength()`), whose message is the most useful when a field is missing.
 */
function messageOf(e: ValidationError, path: string): string | undefined {
  const constraints = e.constraints ?? {};
  if (constraints.whitelistValidation) return `${path} is not an allowed field`;
  const messages = Object.values(constraints);
  const m = messages[messages.length - 1];
  if (m === undefined) return undefined;
  // Messages start with the property name; nested ones get the full path (`speakers[0].role must ...`).
  return m.startsWith(e.property) ? path + m.slice(e.property.length) : `${path}: ${m}`;
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const path = parent ? (/^\d+$/.test(e.property) ? `${parent}[${e.property}]` : `${parent}.${e.property}`) : e.property;
    const own = messageOf(e, path);
    return (own === undefined ? [] : [own]).concat(flattenValidationErrors(e.children ?? [], path));
  });
}

/** The largest value of a PostgreSQL integer column: a larger number is a 400 naming the field, not a database error. */
export const INT4_MAX = 2_147_483_647;

// Keys that class-validator's whitelist lets through (it looks them up on a plain object, where they are inherited).
const INHERITED_KEYS = new Set(['constructor', '__proto__', 'prototype']);

/** Messages for what no DTO decorator sees: inherited-name keys, and NUL characters (PostgreSQL text cannot hold them). */
function rawInputProblems(value: unknown, path: string, out: string[], depth = 0): string[] {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) out.push(`${path || 'value'} must not contain NUL characters`);
  } else if (value !== null && typeof value === 'object' && depth < 32) {
    for (const key of Object.keys(value)) {
      const child = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (INHERITED_KEYS.has(key)) out.push(`${child} is not an allowed field`);
      else rawInputProblems((value as Record<string, unknown>)[key], child, out, depth + 1);
    }
  }
  return out;
}

/** Refuses a JSON array sent where a DTO object is expected (class-transformer would map it element by element). */
class BodyValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const t = metadata.metatype;
    if (metadata.type === 'body' && Array.isArray(value) && t && t !== Array && t !== Object) {
      throw new BadRequestException(['body must be a JSON object']);
    }
    if (metadata.type === 'body' || metadata.type === 'query') {
      const problems = rawInputProblems(value, '', []);
      if (problems.length) throw new BadRequestException(problems);
    }
    return super.transform(value, metadata);
  }
}

/** Global validation: whitelist, unknown fields refused, types transformed; one message per field. */
export function createValidationPipe(): ValidationPipe {
  return new BodyValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => new BadRequestException(flattenValidationErrors(errors)),
  });
}
