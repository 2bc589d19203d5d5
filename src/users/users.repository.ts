import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { Role } from './user.entity';
import { User } from './user.entity';

export interface UserFilter {
  /** Units whose users to list (a subtree); undefined = every user. */
  unitIds?: string[];
  q?: string;
  role?: Role;
  active?: boolean;
}

/** TypeORM answers an UPDATE ... RETURNING with [rows, affected count]. */
function versionOf(result: unknown): number {
  const rows = (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as { session_version: number }[];
  return rows[0].session_version;
}

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(User) private readonly repo: Repository<User>) {}

  get manager(): EntityManager {
    return this.repo.manager;
  }

  findById(id: string): Promise<User | null> {
    return this.repo.findOneBy({ id });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.repo.findOneBy({ email: email.trim().toLowerCase() });
  }

  existsByEmail(email: string): Promise<boolean> {
    return this.repo.existsBy({ email });
  }

  findForUpdate(manager: EntityManager, id: string): Promise<User | null> {
    return manager.getRepository(User).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * Locks every active admin's row and counts them, so that two admins demoting or deactivating
   * each other at once cannot both pass "another admin remains": the second waits for the first,
   * then re-reads the rows (READ COMMITTED re-checks `active` after the wait).
   */
  async lockActiveAdmins(manager: EntityManager): Promise<string[]> {
    const rows: { id: string }[] = await manager.query(`SELECT id FROM user_account WHERE role = 'admin' AND active ORDER BY id FOR UPDATE`);
    return rows.map((r) => r.id);
  }

  /** Ends every session of the user: their tokens carry the old version. Returns the new version. */
  async bumpSessionVersion(manager: EntityManager, id: string): Promise<number> {
    return versionOf(await manager.query(`UPDATE user_account SET session_version = session_version + 1 WHERE id = $1 RETURNING session_version`, [id]));
  }

  async setPasswordHash(manager: EntityManager, id: string, passwordHash: string): Promise<number> {
    return versionOf(
      await manager.query(`UPDATE user_account SET password_hash = $2, session_version = session_version + 1 WHERE id = $1 RETURNING session_version`, [id, passwordHash]),
    );
  }

  save(manager: EntityManager, user: User): Promise<User> {
    return manager.getRepository(User).save(user);
  }

  create(fields: Partial<User>): User {
    return this.repo.create(fields);
  }

  /** A page by name then e-mail. Each word of `q` must occur in the accent-folded name or e-mail. */
  async search(f: UserFilter, page: number, pageSize: number): Promise<[User[], number]> {
    const qb = this.repo.createQueryBuilder('u');
    if (f.unitIds) qb.andWhere('u.organization_id = ANY(:unitIds)', { unitIds: f.unitIds });
    if (f.role) qb.andWhere('u.role = :role', { role: f.role });
    if (f.active !== undefined) qb.andWhere('u.active = :active', { active: f.active });
    const words = (f.q ?? '').split(/\s+/).filter(Boolean).slice(0, 8);
    words.forEach((w, i) => {
      qb.andWhere(`(td_search_fold(u.full_name) LIKE '%' || td_search_fold(:w${i}) || '%' OR u.email LIKE '%' || lower(:w${i}) || '%')`, {
        [`w${i}`]: w.replace(/[\\%_]/g, (c) => '\\' + c),
      });
    });
    return qb
      .orderBy('u.full_name', 'ASC')
      .addOrderBy('u.email', 'ASC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
  }
}
