import { Injectable, OnModuleInit } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { UnauthorizedError } from '../http/domain-errors';
import { UsersService } from '../users/users.service';
import { UserDto } from '../users/dto/user.dto';
import { AuthUser } from './auth-user';
import { LoginAttemptsService } from './login-attempts.service';
import { hashPassword, verifyPassword } from './password';

/**
 * The token carries the principal (role and unit), so the guard answers
 * without a database read: check-in scans (thousands a minute at the door)
 * and every other request stay one round trip cheaper. The price: a role
 * change or a disabled account takes effect when the token expires, which is
 * why tokens live 12 hours (one working day) and not longer.
 */
export const TOKEN_TTL = '12h';

interface Claims {
  sub: string;
  email: string;
  name: string;
  role: AuthUser['role'];
  org: string | null;
}

const WRONG = 'email or password is wrong';

@Injectable()
export class AuthService implements OnModuleInit {
  // Verified when the e-mail is unknown, so that the response time does not reveal which accounts exist.
  private dummyHash = '';

  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly attempts: LoginAttemptsService,
  ) {}

  async onModuleInit(): Promise<void> {
    this.dummyHash = await hashPassword('not-a-real-password');
  }

  /**
   * Pass the client address: failures are counted per (address, e-mail).
   * Without it, an e-mail's failures from every address count together.
   * The attempt is counted before the password is verified, so parallel
   * guesses cannot outrun the limit; a correct login clears the count.
   */
  async login(email: string, password: string, clientIp = 'any-address'): Promise<{ accessToken: string; user: UserDto }> {
    await this.attempts.consume(clientIp, email);
    const user = await this.users.findForLogin(email);
    const ok = await verifyPassword(user?.passwordHash ?? this.dummyHash, password);
    if (!user || !ok) {
      throw new UnauthorizedError(WRONG);
    }
    await this.attempts.clear(clientIp, email);
    const dto = UserDto.from(user);
    return { accessToken: await this.issueToken(dto), user: dto };
  }

  issueToken(user: UserDto): Promise<string> {
    const claims: Claims = { sub: user.id, email: user.email, name: user.fullName, role: user.role, org: user.organizationId };
    return this.jwt.signAsync(claims);
  }

  /** Returns the principal of a valid token, or null. */
  async verify(token: string): Promise<AuthUser | null> {
    try {
      const c = await this.jwt.verifyAsync<Claims>(token, { algorithms: ['HS256'] });
      if (typeof c.sub !== 'string' || typeof c.role !== 'string') return null;
      return { id: c.sub, email: c.email, fullName: c.name, role: c.role, organizationId: c.org ?? null };
    } catch {
      return null;
    }
  }
}
