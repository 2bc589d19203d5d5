import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditActor, AuditService, auditActor } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth-user';
import { hashPassword } from '../auth/password';
import { constraintError } from '../database/constraint-errors';
import { runInTransaction } from '../database/transaction';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../http/domain-errors';
import { Page } from '../http/pagination';
import { OrganizationScopeService } from '../organizations/organization-scope.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { CreateUserDto, ListUsersQueryDto, ManagedUserDto, UpdateUserDto, UserDto } from './dto/user.dto';
import type { Role } from './user.entity';
import { User } from './user.entity';
import { UsersRepository } from './users.repository';
import { UserState, UserStateCache } from './user-state-cache';

// Any fixed 64-bit number, distinct from the migration lock.
const FIRST_ADMIN_LOCK = 7_414_021_612;

/** The roles an organizer may give and manage: the people of their units' desks and reports. */
const ORGANIZER_GRANTS: readonly Role[] = ['leader', 'staff'];


/**
 * Staff accounts. Rules, stated once here:
 * - an admin manages everyone; an organizer manages only the leaders and staff of their own
 *   subtree, and may give only those roles and units of that subtree (nobody gives a role
 *   above their own or a unit outside their subtree); leaders and staff manage nobody;
 * - the last active admin cannot be deactivated or demoted;
 * - a deactivation ends every session (session_version), and so do a password change or reset
 *   and "sign out everywhere"; a role or unit change is seen on the next request, because every
 *   request reads the user's current state (UserStateCache), not the token's copy;
 * - every change is written to the audit log in its transaction.
 */
@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly organizations: OrganizationsService,
    private readonly scope: OrganizationScopeService,
    private readonly audit: AuditService,
    private readonly state: UserStateCache,
  ) {}

  /** An active account with this e-mail (a deactivated one cannot log in). */
  async findForLogin(email: string): Promise<User | null> {
    const user = await this.users.findByEmail(email);
    return user?.active ? user : null;
  }

  /** For the password reset: the account, whether active or not (the caller decides). */
  findByEmail(email: string): Promise<User | null> {
    return this.users.findByEmail(email);
  }

  findById(id: string): Promise<User | null> {
    return this.users.findById(id);
  }

  /** The user's current state for the per-request check (cached, see UserStateCache). */
  currentState(id: string): Promise<UserState | null> {
    return this.state.get(id);
  }

  async get(id: string): Promise<UserDto> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundError('User', id);
    return UserDto.from(user);
  }

  /** Admin: everyone; organizer: the users of their subtree (a unit filter is a subtree too). */
  async list(actor: AuthUser, q: ListUsersQueryDto): Promise<Page<ManagedUserDto>> {
    let unitIds: string[] | undefined;
    if (q.organizationId) {
      await this.scope.assertInScope(actor, q.organizationId);
      unitIds = (await this.organizations.unitsInSubtree(q.organizationId)).map((o) => o.id);
    } else if (actor.role !== 'admin') {
      unitIds = (await this.organizations.unitsInSubtree(this.scope.scopeRoot(actor))).map((o) => o.id);
    }
    const [rows, total] = await this.users.search({ unitIds, q: q.q, role: q.role, active: q.active }, q.page, q.pageSize);
    return { items: rows.map(ManagedUserDto.from), total, page: q.page, pageSize: q.pageSize };
  }

  /** One user the actor may see: 404 for one outside their subtree (accounts are not revealed). */
  async getVisible(actor: AuthUser, id: string): Promise<ManagedUserDto> {
    const user = await this.users.findById(id);
    if (!user || !(await this.isVisible(actor, user))) throw new NotFoundError('User', id);
    return ManagedUserDto.from(user);
  }

  async create(actor: AuthUser, dto: CreateUserDto): Promise<ManagedUserDto> {
    await this.assertMayGrant(actor, dto.role, dto.organizationId);
    const taken = () => new ConflictError(`a user with the e-mail ${dto.email} already exists`, { field: 'email' });
    if (await this.users.existsByEmail(dto.email)) throw taken();
    const passwordHash = await hashPassword(dto.password);
    try {
      return await runInTransaction(this.users.manager, async (manager) => {
        const user = await this.users.save(
          manager,
          this.users.create({ email: dto.email, fullName: dto.fullName.trim(), role: dto.role, organizationId: dto.organizationId, passwordHash }),
        );
        await this.audit.record(manager, {
          actor: auditActor(actor),
          action: 'user.create',
          entity: 'user',
          entityId: user.id,
          organizationId: user.organizationId,
          changes: { email: user.email, fullName: user.fullName, role: user.role, organizationId: user.organizationId },
        });
        return ManagedUserDto.from(user);
      });
    } catch (err) {
      // Two requests with one e-mail at once: the unique index decides, the loser gets the same 409.
      throw constraintError(err, { email: dto.email }) ?? err;
    }
  }

  async update(actor: AuthUser, id: string, dto: UpdateUserDto): Promise<ManagedUserDto> {
    if (dto.role !== undefined || dto.organizationId !== undefined) {
      // Checked before the transaction for the clear 403/404; checked again below against the locked row.
      const current = await this.users.findById(id);
      if (!current || !(await this.isVisible(actor, current))) throw new NotFoundError('User', id);
      this.assertMayManage(actor, current);
      await this.assertMayGrant(actor, dto.role ?? current.role, dto.organizationId ?? current.organizationId);
    }
    const updated = await runInTransaction(this.users.manager, async (manager) => {
      const user = await this.users.findForUpdate(manager, id);
      if (!user || !(await this.isVisible(actor, user))) throw new NotFoundError('User', id);
      this.assertMayManage(actor, user);
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      const next = { fullName: dto.fullName ?? user.fullName, role: dto.role ?? user.role, organizationId: dto.organizationId ?? user.organizationId, active: dto.active ?? user.active };
      for (const key of ['fullName', 'role', 'organizationId', 'active'] as const) {
        if (next[key] !== user[key]) changes[key] = { from: user[key], to: next[key] };
      }
      if (!Object.keys(changes).length) return { user, changes };
      if (changes.role || changes.organizationId) await this.assertMayGrant(actor, next.role, next.organizationId);
      if (next.role !== 'admin' && !next.organizationId) throw new InvalidInputError('organizationId', 'is required for the role ' + next.role);
      if (user.role === 'admin' && user.active && (next.role !== 'admin' || !next.active)) {
        const admins = await this.users.lockActiveAdmins(manager);
        if (admins.filter((a) => a !== user.id).length === 0) {
          throw new ConflictError('this is the last active admin: make another user admin first, then change this one');
        }
      }
      Object.assign(user, next);
      // A deactivated user's tokens must not come back to life if the account is reactivated.
      if (changes.active && !next.active) user.sessionVersion += 1;
      const saved = await this.users.save(manager, user);
      const action = changes.active ? (next.active ? 'user.reactivate' : 'user.deactivate') : 'user.update';
      await this.audit.record(manager, { actor: auditActor(actor), action, entity: 'user', entityId: user.id, organizationId: saved.organizationId, changes });
      return { user: saved, changes };
    });
    if (Object.keys(updated.changes).length) await this.state.changed(id);
    return ManagedUserDto.from(updated.user);
  }

  /** Ends every session of `id` (API tokens and page sessions): the user themself, or an admin for anyone. */
  async signOutEverywhere(actor: AuthUser, id: string): Promise<void> {
    if (actor.id !== id && actor.role !== 'admin') throw new ForbiddenError('only an admin can sign out another user');
    await runInTransaction(this.users.manager, async (manager) => {
      const user = await this.users.findForUpdate(manager, id);
      if (!user) throw new NotFoundError('User', id);
      await this.users.bumpSessionVersion(manager, id);
      await this.audit.record(manager, { actor: auditActor(actor), action: 'user.sign-out-everywhere', entity: 'user', entityId: id, organizationId: user.organizationId });
    });
    await this.state.changed(id);
  }

  /**
   * Sets a new password inside the caller's transaction and ends every session of the user;
   * returns the new session version (for the caller's own fresh token). The caller calls
   * `passwordCommitted(id)` after the commit.
   */
  async setPassword(manager: EntityManager, user: Pick<User, 'id' | 'email' | 'organizationId'>, newPassword: string, actor: AuditActor | null, action: 'user.password-change' | 'user.password-reset'): Promise<number> {
    const version = await this.users.setPasswordHash(manager, user.id, await hashPassword(newPassword));
    await this.audit.record(manager, { actor, action, entity: 'user', entityId: user.id, organizationId: user.organizationId });
    return version;
  }

  /** After a password change committed: every replica forgets the old session version. */
  passwordCommitted(id: string): Promise<void> {
    return this.state.changed(id);
  }

  /** Records a login (same transaction helper; a login changes nothing else). */
  async recordLogin(user: Pick<User, 'id' | 'email' | 'organizationId'>): Promise<void> {
    await this.audit.record(this.users.manager, { actor: auditActor(user), action: 'user.login', entity: 'user', entityId: user.id, organizationId: user.organizationId });
  }

  /**
   * Records a wrong password for an active account (nobody is signed in: no actor). Not awaited by
   * the login, so that a known e-mail answers no slower than an unknown one; a failure to write is logged.
   */
  recordFailedLogin(user: Pick<User, 'id' | 'organizationId'>): void {
    this.audit
      .record(this.users.manager, { actor: null, action: 'user.login-failed', entity: 'user', entityId: user.id, organizationId: user.organizationId })
      .catch((err: unknown) => this.logger.warn(`failed login of user ${user.id} not recorded: ${err instanceof Error ? err.message : String(err)}`));
  }

  /** Whether the actor may manage (edit, deactivate, reset) this user: see the class comment. */
  mayManage(actor: AuthUser, user: Pick<User, 'role'>): boolean {
    return actor.role === 'admin' || (actor.role === 'organizer' && ORGANIZER_GRANTS.includes(user.role));
  }

  /** The roles the actor may give. */
  grantableRoles(actor: AuthUser): Role[] {
    return actor.role === 'admin' ? ['admin', 'organizer', 'leader', 'staff'] : actor.role === 'organizer' ? [...ORGANIZER_GRANTS] : [];
  }

  private async isVisible(actor: AuthUser, user: Pick<User, 'organizationId'>): Promise<boolean> {
    if (actor.role === 'admin') return true;
    return !!user.organizationId && (await this.scope.isInScope(actor, user.organizationId));
  }

  private assertMayManage(actor: AuthUser, user: Pick<User, 'role'>): void {
    if (!this.mayManage(actor, user)) throw new ForbiddenError(`you cannot change a user with the role ${user.role}; an organizer manages leaders and staff only`);
  }

  /** Nobody gives a role above their own or a unit outside their subtree (404 for an unknown unit). */
  private async assertMayGrant(actor: AuthUser, role: Role, organizationId: string | null): Promise<void> {
    if (!this.grantableRoles(actor).includes(role)) {
      throw new ForbiddenError(`you cannot give the role ${role}; you may give ${this.grantableRoles(actor).join(' or ') || 'no role'}`);
    }
    if (organizationId) await this.scope.assertInScope(actor, organizationId);
    else if (role !== 'admin') throw new InvalidInputError('organizationId', 'is required for the role ' + role);
  }

  /** The first admin from ADMIN_EMAIL/ADMIN_PASSWORD, only while there are no users at all. */
  async ensureFirstAdmin(email: string | undefined, password: string | undefined): Promise<void> {
    if (!email || !password) return;
    const passwordHash = await hashPassword(password);
    // Replicas starting together could each see "no users" and insert their own admin (READ COMMITTED);
    // a transaction-scoped advisory lock makes the check-and-insert one at a time.
    const inserted = await runInTransaction(this.users.manager, async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [FIRST_ADMIN_LOCK]);
      const rows: unknown[] = await manager.query(
        `INSERT INTO user_account (email, password_hash, full_name, role)
         SELECT $1, $2, 'Administrator', 'admin' WHERE NOT EXISTS (SELECT 1 FROM user_account)
         RETURNING id`,
        [email.trim().toLowerCase(), passwordHash],
      );
      return rows.length > 0;
    });
    if (inserted) this.logger.log(`Created the first admin ${email}`);
  }
}
