import { Injectable } from '@nestjs/common';
import { AuthUser } from '../auth/auth-user';
import { ConflictError, ForbiddenError, NotFoundError } from '../http/domain-errors';
import { CreateOrganizationDto, OrganizationDto, UpdateOrganizationDto } from './dto/organization.dto';
import { Organization } from './organization.entity';
import { OrganizationScopeService } from './organization-scope.service';
import { OrganizationsRepository } from './organizations.repository';

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly organizations: OrganizationsRepository,
    private readonly scope: OrganizationScopeService,
  ) {}

  async mustExist(id: string): Promise<Organization> {
    const org = await this.organizations.findById(id);
    if (!org) throw new NotFoundError('Organization', id);
    return org;
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
    let path: string[] = [];
    if (dto.parentId) {
      await this.scope.assertInScope(user, dto.parentId);
      const parent = await this.mustExist(dto.parentId);
      path = [...parent.path, parent.id];
    } else if (user.role !== 'admin') {
      throw new ForbiddenError('only an admin can create a top-level organization; give a parentId inside your subtree');
    }
    const org = this.organizations.create({
      name: dto.name,
      abbreviation: dto.abbreviation ?? null,
      locality: dto.locality ?? null,
      shortName: dto.shortName ?? null,
      nameEn: dto.nameEn ?? null,
      parentId: dto.parentId ?? null,
      path,
    });
    return OrganizationDto.from(await this.organizations.save(org));
  }

  async update(user: AuthUser, id: string, dto: UpdateOrganizationDto): Promise<OrganizationDto> {
    await this.scope.assertInScope(user, id);
    return this.organizations.transaction(async (manager) => {
      const org = await manager.findOne(Organization, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!org) throw new NotFoundError('Organization', id);
      if (dto.parentId !== undefined && dto.parentId !== org.parentId) {
        if (user.role !== 'admin' && org.id === user.organizationId) {
          throw new ForbiddenError('you cannot move your own unit');
        }
        await this.scope.assertInScope(user, dto.parentId);
        const parent = await manager.findOneBy(Organization, { id: dto.parentId });
        if (!parent) throw new NotFoundError('Organization', dto.parentId);
        if (parent.id === org.id || parent.path.includes(org.id)) {
          throw new ConflictError('parentId cannot be the organization itself or one of its descendants');
        }
        const oldLength = org.path.length + 1;
        org.parentId = parent.id;
        org.path = [...parent.path, parent.id];
        await this.organizations.repathDescendants(manager, org.id, oldLength, [...org.path, org.id]);
      }
      for (const key of ['name', 'abbreviation', 'locality', 'shortName', 'nameEn'] as const) {
        if (dto[key] !== undefined) (org as unknown as Record<string, unknown>)[key] = dto[key];
      }
      return OrganizationDto.from(await this.organizations.save(org, manager));
    });
  }
}
