import { Injectable, OnModuleInit } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { runInTransaction } from '../database/transaction';
import { InvalidInputError, UnauthorizedError } from '../http/domain-errors';
import { UsersService } from '../users/users.service';
import { UserDto } from '../users/dto/user.dto';
import { DataSource } from 'typeorm';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuthUser } from './auth-user';
import { LoginAttemptsService } from './login-attempts.service';
import { hashPassword, verifyPassword } from './password';

/**
 * Tokens live 12 hours (one working day). They name the user and their session version; the
 * role and unit they carry are informational: every request reads the user's current state
 * (UsersService.currentState, cached and invalidated through Redis, see UserStateCache), so a
 * deactivation, a role or unit change, a password change or "sign out everywhere" takes effect
 * on the next request instead of at expiry.
 */
export const TOKEN_TTL = '12h';

interface Claims {
  sub: string;
  email: string;
  name: string;
  role: AuthUser['role'];
  org: string | null;
  /** The user's session_version when issued; tokens from before versions existed count as 0. */
  ver?: number;
}

/** What a token is issued for. */
export interface TokenSubject extends UserDto {
  sessionVersion: number;
}

const WRONG = 'email or password is wrong';

/** Tokens whose signature was checked, kept so a desk's next scans skip the HMAC and JSON parsing. */
const VERIFIED_MAX = 10_000;

@Injectable()
export class AuthService implements OnModuleInit {
  // Verified when the e-mail is unknown, so that the response time does not reveal which accounts exist.
  private dummyHash = '';
  /**
   * token → its claims and expiry (ms), for tokens this process verified. Verifying the signature is a
   * few percent of a check-in's CPU, and a desk sends the same token with every scan. A token's claims
   * never change, so keeping them is safe; what can change (active, role, unit, session version) is
   * read from the user's state on every request below, and the expiry is checked on every use.
   */
  private readonly verified = new Map<string, { claims: Claims; expiresAt: number }>();

  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly attempts: LoginAttemptsService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    this.dummyHash = await hashPassword('not-a-real-password');
  }

  /**
   * Pass the client address: failures are counted per (address, e-mail).
   * Without it, an e-mail's failures from every address count together.
   * The attempt is counted before the password is verified, so parallel
   * guesses cannot outrun the limit; a correct login clears the count.
   * A deactivated account gets the same answer as a wrong password.
   */
  async login(email: string, password: string, clientIp = 'any-address'): Promise<{ accessToken: string; user: UserDto }> {
    await this.attempts.consume(clientIp, email);
    const user = await this.users.findForLogin(email);
    const ok = await verifyPassword(user?.passwordHash ?? this.dummyHash, password);
    if (!user || !ok) {
      if (user) this.users.recordFailedLogin(user);
      throw new UnauthorizedError(WRONG);
    }
    await this.attempts.clear(clientIp, email);
    await this.users.recordLogin(user);
    const dto = UserDto.from(user);
    return { accessToken: await this.issueToken({ ...dto, sessionVersion: user.sessionVersion ?? 0 }), user: dto };
  }

  issueToken(user: TokenSubject): Promise<string> {
    const claims: Claims = { sub: user.id, email: user.email, name: user.fullName, role: user.role, org: user.organizationId, ver: user.sessionVersion };
    return this.jwt.signAsync(claims);
  }

  /**
   * The principal of a valid token whose user is active and whose session version is current,
   * with the user's current role and unit; null otherwise.
   */
  async verify(token: string): Promise<AuthUser | null> {
    const c = await this.claimsOf(token);
    if (!c) return null;
    if (typeof c.sub !== 'string' || typeof c.role !== 'string') return null;
    const state = await this.users.currentState(c.sub);
    if (!state || !state.active || state.sessionVersion !== (typeof c.ver === 'number' ? c.ver : 0)) return null;
    return { id: state.id, email: state.email, fullName: state.fullName, role: state.role, organizationId: state.organizationId };
  }

  private async claimsOf(token: string): Promise<Claims | null> {
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAt > Date.now()) return known.claims;
      this.verified.delete(token);
      return null;
    }
    let c: Claims & { exp?: number };
    try {
      c = await this.jwt.verifyAsync<Claims & { exp?: number }>(token, { algorithms: ['HS256'] });
    } catch {
      return null;
    }
    if (typeof c.exp === 'number') {
      // Oldest first out: a Map iterates in insertion order.
      if (this.verified.size >= VERIFIED_MAX) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, { claims: c, expiresAt: c.exp * 1000 });
    }
    return c;
  }

  /**
   * Changes the user's own password (the current one required) and ends all their sessions;
   * returns a fresh token for the session that asked, so that only the others end.
   */
  async changePassword(user: AuthUser, currentPassword: string, newPassword: string): Promise<string> {
    const account = await this.users.findById(user.id);
    if (!account || !(await verifyPassword(account.passwordHash, currentPassword))) {
      throw new InvalidInputError('currentPassword', 'is wrong');
    }
    if (currentPassword === newPassword) throw new InvalidInputError('newPassword', 'must differ from the current password');
    const version = await runInTransaction(this.db, (manager) => this.users.setPassword(manager, account, newPassword, { id: user.id, email: user.email }, 'user.password-change'));
    await this.users.passwordCommitted(user.id);
    return this.issueToken({ ...UserDto.from(account), sessionVersion: version });
  }
}
