import sjson from 'secure-json-parse';

/**
 * The JSON body parser (replaces Fastify's default, whose error drops the parser's message): a
 * malformed body is a 400 that says where it broke ("body is not valid JSON (... position 19)",
 * worded by HttpExceptionFilter); `__proto__` and `constructor.prototype` keys are refused as
 * Fastify does; an empty body is `{}`, as Express's body-parser read it.
 */
export function parseJsonBody(_req: unknown, body: Buffer, done: (err: Error | null, value?: unknown) => void): void {
  if (body.length === 0) return done(null, {});
  try {
    done(null, sjson.parse(body.toString('utf8'), null, { protoAction: 'error', constructorAction: 'error' }));
  } catch (err) {
    done(Object.assign(err as Error, { statusCode: 400 }));
  }
}
