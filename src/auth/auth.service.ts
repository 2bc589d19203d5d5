import { Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { UsersService } from '../users/users.service';
import { UserDto } from '../users/dto/user.dto';
import { AuthUser } from './auth-user';
import { verifyPassword } from './password';

interface Claims {
  sub: string;
  email: string;
  name: string;
  role: AuthUser['role'];
  org: string | null;
}

// A fixed argon2 hash, verified when the e-mail is unknown so that timing does not reveal accounts.
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0gkJ8J2bMpXQ3m1m1k8S9y2m0V8cE0u1yX7H4bqkP7E';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
  ) {}

  async login(email: string, password: string): Promise<{ accessToken: string; user: UserDto }> {
    const user = await this.users.findForLogin(email);
    const ok = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, password);
    if (!user || !ok) throw new UnauthorizedException('email or password is wrong');
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
      const c = await this.jwt.verifyAsync<Claims>(token);
      return { id: c.sub, email: c.email, fullName: c.name, role: c.role, organizationId: c.org };
    } catch {
      return null;
    }
  }
}
