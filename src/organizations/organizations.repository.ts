import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Organization } from './organization.entity';

@Injectable()
export class OrganizationsRepository {
  constructor(@InjectRepository(Organization) private readonly repo: Repository<Organization>) {}

  findById(id: string): Promise<Organization | null> {
    return this.repo.findOneBy({ id });
  }

  /** Units of `rootId`'s subtree (itself included), optionally only the children of `parentId`. */
  findInSubtree(rootId: string | null, parentId?: string): Promise<Organization[]> {
    const q = this.repo.createQueryBuilder('o').orderBy('array_length(o.path, 1)', 'ASC', 'NULLS FIRST').addOrderBy('o.name', 'ASC');
    if (rootId) q.andWhere('(o.id = :rootId OR :rootId = ANY(o.path))', { rootId });
    if (parentId) q.andWhere('o.parent_id = :parentId', { parentId });
    return q.getMany();
  }

  /** Whether `id` is `rootId` or one of its descendants. */
  async isInSubtree(id: string, rootId: string): Promise<boolean> {
    const rows: unknown[] = await this.repo.query(
      'SELECT 1 FROM organization WHERE id = $1 AND (id = $2 OR $2 = ANY(path))',
      [id, rootId],
    );
    return rows.length > 0;
  }

  save(org: Organization, manager?: EntityManager): Promise<Organization> {
    return (manager ?? this.repo.manager).save(Organization, org);
  }

  create(fields: Partial<Organization>): Organization {
    return this.repo.create(fields);
  }

  /** Rewrites descendants' paths after `org` moved: old prefix (through org) → new prefix. */
  async repathDescendants(manager: EntityManager, orgId: string, oldPrefixLength: number, newPrefix: string[]): Promise<void> {
    await manager.query(
      `UPDATE organization SET path = $2::uuid[] || path[$3:] WHERE $1 = ANY(path)`,
      [orgId, newPrefix, oldPrefixLength + 1],
    );
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.repo.manager.transaction(work);
  }
}
