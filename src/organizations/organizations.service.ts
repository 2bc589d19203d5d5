import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuthUser } from '../auth/auth-user';
import { ConflictError, ForbiddenError, NotFoundError } from '../http/domain-errors';
import { CreateOrganizationDto, OrganizationDto, UpdateOrganizationDto } from './dto/organization.dto';
import { Organization } from './organization.entity';
import { OrganizationScopeService } from './organization-scope.service';
import { OrganizationsRepository } from './organizations.repository';

const TEXT_FIELDS = ['name', 'abbreviation', 'locality', 'shortName', 'nameEn'] as const;

/**
 * The organization tree. Rules: a non-admin acts only inside their subtree
 * (OrganizationScopeService); only an admin creates or makes top-level units;
 * nobody but an admin moves the unit their own scope hangs from; a unit never
 * becomes its own ancestor. `path` (ancestors' ids, root first) is kept right
 * by this service alone, under the tree lock.
 */
@Injectable()
export class OrganizationsService {
  constructor(
    private readonly organizations: OrganizationsRepository,
    private readonly scope: OrganizationScopeService,
  ) {}

  /** For other domains: the unit, or 404. Does not check scope (use OrganizationScopeService). */
  async mustExist(id: string): Promise<Organization> {
    const org = await this.organizations.findById(id);
    if (!org) throw new NotFoundError('Organization', id);
    return org;
  }

  /** For other domains: whether the unit exists (no scope check). */
  async exists(id: string): Promise<boolean> {
    return !!(await this.organizations.findById(id));
  }

  /** For other domains: the units of `rootId`'s subtree (itself included; every unit when null), without scope checks. */
  async unitsInSubtree(rootId: string | null): Promise<OrganizationDto[]> {
    return (await this.organizations.findInSubtree(rootId)).map(OrganizationDto.from);
  }

  async list(user: AuthUser, parentId?: string): Promise<OrganizationDto[]> {
    const rows = await this.organizations.findInSubtree(this.scope.scopeRoot(user), parentId);
    return rows.map(OrganizationDto.from);
  }

  async get(user: AuthUser, id: string): Promise<OrganizationDto> {
    await this.scope.assertInScope(user, id);
    return OrganizationDto.from(await this.mustExist(id));
  }

  async create(user: AuthUser, dto: CreateOrganizationDto): Promise<OrganizationDto> {
    if (dto.parentId) await this.scope.assertInScope(user, dto.parentId);
    else this.assertMayMakeTopLevel(user);
    return this.organizations.transaction(async (manager) => {
      // Shared with other inserts, exclusive of moves: the parent's path cannot change under us.
      await this.organizations.lockTreeForInsert(manager);
      const parent = dto.parentId ? await this.mustExistIn(manager, dto.parentId) : null;
      const org = this.organizations.create({
        name: dto.name,
        abbreviation: dto.abbreviation ?? null,
        locality: dto.locality ?? null,
        shortName: dto.shortName ?? null,
        nameEn: dto.nameEn ?? null,
        parentId: parent?.id ?? null,
        path: parent ? [...parent.path, parent.id] : [],
      });
      return OrganizationDto.from(await this.organizations.save(org, manager));
    });
  }

  async update(user: AuthUser, id: string, dto: UpdateOrganizationDto): Promise<OrganizationDto> {
    await this.scope.assertInScope(user, id);
    const moving = dto.parentId !== undefined;
    if (dto.parentId === null) this.assertMayMakeTopLevel(user);
    else if (dto.parentId !== undefined) await this.scope.assertInScope(user, dto.parentId);
    if (moving && user.role !== 'admin' && id === user.organizationId) throw new ForbiddenError('you cannot move your own unit; ask an admin', {}, { code: 'organization.ownUnit' });
    return this.organizations.transaction(async (manager) => {
      if (moving) await this.organizations.lockTreeForMove(manager);
      const org = await this.organizations.findByIdForUpdate(manager, id);
      if (!org) throw new NotFoundError('Organization', id);
      if (moving && dto.parentId !== org.parentId) await this.move(manager, org, dto.parentId ?? null);
      for (const key of TEXT_FIELDS) {
        const value = dto[key];
        if (value !== undefined) (org as Pick<Organization, typeof key>)[key] = value as string;
      }
      return OrganizationDto.from(await this.organizations.save(org, manager));
    });
  }

  /** Re-parents `org` and rewrites its descendants' paths; the caller holds the tree lock. */
  private async move(manager: EntityManager, org: Organization, parentId: string | null): Promise<void> {
    const parent = parentId ? await this.mustExistIn(manager, parentId) : null;
    if (parent && (parent.id === org.id || parent.path.includes(org.id))) {
      throw new ConflictError('parentId cannot be the organization itself or one of its descendants', {}, { code: 'organization.cycle' });
    }
    const oldPrefixLength = org.path.length + 1;
    org.parentId = parent?.id ?? null;
    org.path = parent ? [...parent.path, parent.id] : [];
    await this.organizations.repathDescendants(manager, org.id, oldPrefixLength, [...org.path, org.id]);
  }

  private assertMayMakeTopLevel(user: AuthUser): void {
    if (user.role !== 'admin') {
      throw new ForbiddenError('only an admin can create or move a top-level organization; give a parentId inside your subtree', {}, { code: 'organization.topLevel' });
    }
  }

  private async mustExistIn(manager: EntityManager, id: string): Promise<Organization> {
    const org = await this.organizations.findById(id, manager);
    if (!org) throw new NotFoundError('Organization', id);
    return org;
  }
}
