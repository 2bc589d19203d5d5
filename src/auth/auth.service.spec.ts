import { HttpException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { DomainError, UnauthorizedError } from '../http/domain-errors';
import { AuthService } from './auth.service';
import { hashPassword } from './password';

/** AuthService with the other services stubbed: the login's outcome is what is under test. */
async function authWith(user: { passwordHash: string } | null) {
  const users = {
    findForLogin: jest.fn(async () => (user ? { id: 'u1', email: 'an@test.local', fullName: 'An', role: 'organizer', organizationId: 'o1', sessionVersion: 0, ...user } : null)),
    recordLogin: jest.fn(async () => undefined),
    recordFailedLogin: jest.fn(),
  };
  const jwt = { signAsync: jest.fn(async () => 'signed-token') };
  // Whatever the counting API is called, it lets this attempt through.
  const attempts = { consume: jest.fn(async () => undefined), assertAllowed: jest.fn(async () => undefined), recordFailure: jest.fn(async () => undefined), clear: jest.fn(async () => undefined) };
  const auth = new AuthService(users as never, jwt as never, attempts as never, {} as never);
  await auth.onModuleInit();
  return auth;
}

describe('AuthService.login', () => {
  it('refuses a wrong password with the domain UnauthorizedError (401), not a Nest HttpException', async () => {
    const auth = await authWith({ passwordHash: await hashPassword('right-password-1') });
    const err = await auth.login('an@test.local', 'wrong-password-1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).not.toBeInstanceOf(HttpException);
    expect(err).toMatchObject({ status: 401, message: 'email or password is wrong' });
  });

  it('refuses an unknown e-mail with the same error', async () => {
    const auth = await authWith(null);
    await expect(auth.login('nobody@test.local', 'whatever-1')).rejects.toMatchObject({ status: 401, message: 'email or password is wrong' });
    await expect(auth.login('nobody@test.local', 'whatever-1')).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('issues a token for the right password', async () => {
    const auth = await authWith({ passwordHash: await hashPassword('right-password-1') });
    await expect(auth.login('an@test.local', 'right-password-1')).resolves.toMatchObject({ accessToken: 'signed-token', user: { email: 'an@test.local' } });
  });
});

describe('AuthService.verify', () => {
  const state = { id: 'u1', email: 'an@test.local', fullName: 'An', role: 'organizer', organizationId: 'o1', active: true, sessionVersion: 0 };
  async function verifier(jwt: JwtService) {
    const users = { currentState: jest.fn(async () => state) };
    return new AuthService(users as never, jwt, {} as never, {} as never);
  }
  const jwtWith = () => new JwtService({ secret: 'x'.repeat(32), signOptions: { algorithm: 'HS256' } });

  it('checks a token signature once, then remembers it: the next requests with the same token skip the HMAC', async () => {
    const jwt = jwtWith();
    const token = await jwt.signAsync({ sub: 'u1', role: 'organizer', ver: 0 }, { expiresIn: '1h' });
    const spy = jest.spyOn(jwt, 'verifyAsync');
    const auth = await verifier(jwt);
    for (let i = 0; i < 3; i++) await expect(auth.verify(token)).resolves.toMatchObject({ id: 'u1' });
    expect(spy).toHaveBeenCalledTimes(1);
    await expect(auth.verify(token.slice(0, -2) + 'xx')).resolves.toBeNull();
  });

  it('refuses a remembered token once it has expired', async () => {
    const jwt = jwtWith();
    const token = await jwt.signAsync({ sub: 'u1', role: 'organizer', ver: 0 }, { expiresIn: '1h' });
    const auth = await verifier(jwt);
    await expect(auth.verify(token)).resolves.toMatchObject({ id: 'u1' });
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 2 * 3600_000);
    try {
      await expect(auth.verify(token)).resolves.toBeNull();
    } finally {
      clock.mockRestore();
    }
  });
});
