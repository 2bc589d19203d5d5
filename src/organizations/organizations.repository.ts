import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { runInTransaction } from '../database/transaction';
import { Organization } from './organization.entity';
import { viTextOrder } from '../database/vietnamese-order';

// Any fixed 64-bit number shared by every replica: the advisory lock of the tree's shape.
const TREE_LOCK = 7_414_021_620;

@Injectable()
export class OrganizationsRepository {
  constructor(@InjectRepository(Organization) private readonly repo: Repository<Organization>) {}

  findById(id: string, manager?: EntityManager): Promise<Organization | null> {
    return (manager ?? this.repo.manager).findOneBy(Organization, { id });
  }

  /** The row, locked until the transaction ends (partial updates must not overwrite each other). */
  findByIdForUpdate(manager: EntityManager, id: string): Promise<Organization | null> {
    return manager.findOne(Organization, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Units of `rootId`'s subtree (itself included), optionally only the children of `parentId`; shallowest first, then by name. */
  findInSubtree(rootId: string | null, parentId?: string): Promise<Organization[]> {
    const q = this.repo
      .createQueryBuilder('o')
      .orderBy('cardinality(o.path)', 'ASC')
      .addOrderBy(viTextOrder('o.name'))
      .addOrderBy('o.id', 'ASC');
    if (rootId) q.andWhere('(o.id = :rootId OR o.path @> ARRAY[:rootId]::uuid[])', { rootId });
    if (parentId) q.andWhere('o.parent_id = :parentId', { parentId });
    return q.getMany();
  }

  /** Whether `id` is `rootId` or one of its descendants. */
  async isInSubtree(id: string, rootId: string): Promise<boolean> {
    const rows: unknown[] = await this.repo.query('SELECT 1 FROM organization WHERE id = $1 AND (id = $2 OR path @> ARRAY[$2]::uuid[])', [id, rootId]);
    return rows.length > 0;
  }

  create(fields: Partial<Organization>): Organization {
    return this.repo.create(fields);
  }

  save(org: Organization, manager?: EntityManager): Promise<Organization> {
    return (manager ?? this.repo.manager).save(Organization, org);
  }

  /**
   * Moves change many paths at once and must see a tree nobody else is
   * reshaping: without this, "x under y" and "y under x" at the same moment
   * would each pass the cycle check. Exclusive for moves, shared for inserts
   * (which read their parent's path), held until the transaction ends.
   */
  async lockTreeForMove(manager: EntityManager): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [TREE_LOCK]);
  }

  async lockTreeForInsert(manager: EntityManager): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock_shared($1)', [TREE_LOCK]);
  }

  /** Rewrites descendants' paths after `orgId` moved: the old prefix (up to and including it) becomes `newPrefix`. */
  async repathDescendants(manager: EntityManager, orgId: string, oldPrefixLength: number, newPrefix: string[]): Promise<void> {
    await manager.query(`UPDATE organization SET path = $2::uuid[] || path[$3:] WHERE path @> ARRAY[$1]::uuid[]`, [orgId, newPrefix, oldPrefixLength + 1]);
  }

  /** A transaction retried on deadlock / serialization failure (see runInTransaction): `work` may run more than once. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return runInTransaction(this.repo.manager, work);
  }
}
