import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { hashPassword } from '../auth/password';
import { constraintError } from '../database/constraint-errors';
import { runInTransaction } from '../database/transaction';
import { ConflictError, NotFoundError } from '../http/domain-errors';
import { OrganizationsService } from '../organizations/organizations.service';
import { CreateUserDto, UserDto } from './dto/user.dto';
import { User } from './user.entity';

// Any fixed 64-bit number, distinct from the migration lock.
const FIRST_ADMIN_LOCK = 7_414_021_612;

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly organizations: OrganizationsService,
  ) {}

  findForLogin(email: string): Promise<User | null> {
    return this.users.findOneBy({ email: email.trim().toLowerCase() });
  }

  async get(id: string): Promise<UserDto> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw new NotFoundError('User', id);
    return UserDto.from(user);
  }

  async create(dto: CreateUserDto): Promise<UserDto> {
    await this.organizations.mustExist(dto.organizationId);
    const taken = () => new ConflictError(`a user with the e-mail ${dto.email} already exists`, { field: 'email' });
    if (await this.users.existsBy({ email: dto.email })) throw taken();
    const user = this.users.create({
      email: dto.email,
      fullName: dto.fullName.trim(),
      role: dto.role,
      organizationId: dto.organizationId,
      passwordHash: await hashPassword(dto.password),
    });
    try {
      return UserDto.from(await this.users.save(user));
    } catch (err) {
      // Two requests with one e-mail at once: the unique index decides, the loser gets the same 409.
      throw constraintError(err, { email: dto.email }) ?? err;
    }
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
