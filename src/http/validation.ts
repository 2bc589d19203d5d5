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

/** Refuses a JSON array sent where a DTO object is expected (class-transformer would map it element by element). */
class BodyValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const t = metadata.metatype;
    if (metadata.type === 'body' && Array.isArray(value) && t && t !== Array && t !== Object) {
      throw new BadRequestException(['body must be a JSON object']);
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
