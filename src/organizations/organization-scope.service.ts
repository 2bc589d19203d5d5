import { Injectable } from '@nestjs/common';
import { AuthUser } from '../auth/auth-user';
import { ForbiddenError, NotFoundError } from '../http/domain-errors';
import { OrganizationsRepository } from './organizations.repository';

/**
 * The organization-subtree rule of api.md: a non-admin acts only on their unit
 * and its descendants. Every domain service asks here before touching a
 * resource that belongs to a unit.
 */
@Injectable()
export class OrganizationScopeService {
  constructor(private readonly organizations: OrganizationsRepository) {}

  /** The root of what `user` may see; null means everything (admin). */
  scopeRoot(user: AuthUser): string | null {
    if (user.role === 'admin') return null;
    // A non-admin without a unit sees nothing; a random uuid matches no row.
    return user.organizationId ?? '00000000-0000-0000-0000-000000000000';
  }

  async isInScope(user: AuthUser, organizationId: string): Promise<boolean> {
    const root = this.scopeRoot(user);
    return root === null || this.organizations.isInSubtree(organizationId, root);
  }

  /** 404 when the unit does not exist, 403 when it lies outside the user's subtree. */
  async assertInScope(user: AuthUser, organizationId: string): Promise<void> {
    const root = this.scopeRoot(user);
    if (root === null) {
      if (!(await this.organizations.findById(organizationId))) throw new NotFoundError('Organization', organizationId);
      return;
    }
    if (await this.organizations.isInSubtree(organizationId, root)) return;
    if (!(await this.organizations.findById(organizationId))) throw new NotFoundError('Organization', organizationId);
    throw new ForbiddenError(`organization ${organizationId} is outside your unit's subtree`, {}, { code: 'unitOutsideSubtree' });
  }

  /**
   * SQL condition limiting `column` (a unit id) to the user's subtree, for list
   * queries; returns null for admins. Bind the parameter `scopeRoot`.
   */
  subtreeCondition(user: AuthUser, column: string): { sql: string; params: { scopeRoot: string } } | null {
    const root = this.scopeRoot(user);
    if (root === null) return null;
    return {
      sql: `${column} IN (SELECT so.id FROM organization so WHERE so.id = :scopeRoot OR so.path @> ARRAY[:scopeRoot]::uuid[])`,
      params: { scopeRoot: root },
    };
  }
}
