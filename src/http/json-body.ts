import { BadRequestException } from '@nestjs/common';
import sjson from 'secure-json-parse';

/** Fastify's limit on a request body that is not multipart (a JSON body): a larger one is a 413 naming it. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

const PROTO_ONLY = { protoAction: 'error', constructorAction: 'ignore' } as const;
const CONSTRUCTOR_ONLY = { protoAction: 'ignore', constructorAction: 'error' } as const;

function refusesKey(value: unknown, options: typeof PROTO_ONLY | typeof CONSTRUCTOR_ONLY): boolean {
  try {
    if (value && typeof value === 'object') sjson.scan(value as Record<string, unknown>, options);
    return false;
  } catch {
    return true;
  }
}

/**
 * The JSON body parser (replaces Fastify's default, whose error drops the parser's message): a
 * malformed body is a 400 that says where it broke ("body is not valid JSON (... position 19)",
 * worded by HttpExceptionFilter); a `__proto__` or `constructor.prototype` key is a 400 naming it
 * (never copied onto an object); an empty body is `{}`, as Express's body-parser read it.
 */
export function parseJsonBody(_req: unknown, body: Buffer, done: (err: Error | null, value?: unknown) => void): void {
  if (body.length === 0) return done(null, {});
  const text = body.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return done(Object.assign(err as Error, { statusCode: 400 }));
  }
  if (text.includes('__proto__') && refusesKey(value, PROTO_ONLY)) return done(new BadRequestException('body must not contain a __proto__ key'));
  if (text.includes('constructor') && refusesKey(value, CONSTRUCTOR_ONLY)) return done(new BadRequestException('body must not contain a constructor.prototype key'));
  done(null, value);
}
