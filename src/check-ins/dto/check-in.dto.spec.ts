import { ArgumentMetadata, BadRequestException } from '@nestjs/common';
import { createValidationPipe } from '../../http/validation';
import { CreateCheckInDto } from './check-in.dto';

// The same rules without the fast path: the full validation (class-transformer, class-validator, rawInputProblems).
class FullyValidatedCheckInDto extends CreateCheckInDto {}
Object.defineProperty(FullyValidatedCheckInDto, 'acceptAsIs', { value: undefined });

const pipe = createValidationPipe();
// As Nest calls a pipe (from an async function): what it throws at once is a rejection too.
const full = async (body: unknown) => pipe.transform(body, { type: 'body', metatype: FullyValidatedCheckInDto } as ArgumentMetadata);
const viaPipe = async (body: unknown) => pipe.transform(body, { type: 'body', metatype: CreateCheckInDto } as ArgumentMetadata);

const UUID = '3f2a1c3e-9b1d-4c55-8f0e-2a6b3c4d5e6f';
const X40 = 'x'.repeat(40);

describe('CreateCheckInDto.acceptAsIs (the check-in fast path)', () => {
  // What a scanner sends: taken as is, with the same instance the full validation gives.
  it.each([
    [{ code: '7kq2-9mxd-4f', nonce: 'bench-1' }],
    [{ code: '  7KQ2 9MXD 4F \t' }],
    [{ code: '' }],
    [{ code: X40 }],
    [{ code: `  ${X40}  ` }],
    [{ code: 'a', nonce: '~' }],
    [{ code: 'a', nonce: 'n'.repeat(100) }],
  ])('accepts %j as the full validation does', async (body) => {
    const fast = CreateCheckInDto.acceptAsIs(structuredClone(body));
    expect(fast).toBeInstanceOf(CreateCheckInDto);
    const expected = await full(structuredClone(body));
    expect({ ...fast }).toEqual({ ...(expected as object) });
    // Through the global pipe, the fast path's instance is what the handler gets.
    expect(await viaPipe(structuredClone(body))).toEqual(fast);
  });

  // Everything else is left to the full validation, which words the errors (or accepts the other fields).
  it.each([
    [{ code: 'x'.repeat(41) }, 'code must be shorter than or equal to 40 characters'],
    [{ code: 5 }, 'code must be a string'],
    [{ code: 'a\u0000b' }, 'code must not contain NUL characters'],
    [{ code: 'a', nonce: '' }, 'nonce must be 1 to 100 printable ASCII characters'],
    [{ code: 'a', nonce: 'has space' }, 'nonce must be 1 to 100 printable ASCII characters'],
    [{ code: 'a', nonce: 'é' }, 'nonce must be 1 to 100 printable ASCII characters'],
    [{ code: 'a', nonce: 'n'.repeat(101) }, 'nonce must be 1 to 100 printable ASCII characters'],
    [{ code: 'a', nonce: 7 }, 'nonce must be a string'],
    [{ code: 'a', extra: 1 }, 'extra is not an allowed field'],
    [JSON.parse('{"code":"a","__proto__":{"x":1}}'), '__proto__ is not an allowed field'],
    [[{ code: 'a' }], 'body must be a JSON object'],
  ])('leaves %j to the full validation (%s)', async (body, message) => {
    expect(CreateCheckInDto.acceptAsIs(body)).toBeUndefined();
    const err = await viaPipe(body).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestException);
    expect(((err as BadRequestException).getResponse() as { message: string[] }).message).toContain(message);
  });

  it.each([[{ code: null }], [{ code: 'a', nonce: null }], [{ registrationId: UUID }], [{ code: 'a', sessionId: UUID }], [{ code: 'a', scannedAt: '2026-01-01T08:00:00+07:00' }]])(
    'leaves %j, which the full validation accepts, to it',
    async (body) => {
      expect(CreateCheckInDto.acceptAsIs(body)).toBeUndefined();
      expect(await viaPipe(structuredClone(body))).toEqual(await full(structuredClone(body)));
    },
  );
});
