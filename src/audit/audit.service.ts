import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { AuthUser } from '../auth/auth-user';
import { OrganizationsService } from '../organizations/organizations.service';
import { InvalidInputError } from '../http/domain-errors';
import { Page } from '../http/pagination';
import { AuditLog } from './audit-log.entity';
import { AuditEntryDto, ListAuditQueryDto } from './dto/audit.dto';

/** Who acted: a signed-in user, or null for the system or an anonymous visitor (a reset by link). */
export interface AuditActor {
  id: string;
  email: string;
}

/** The signed-in user as an audit actor. */
export const auditActor = (u: Pick<AuthUser, 'id' | 'email'>): AuditActor => ({ id: u.id, email: u.email });

/**
 * One change to record. `action` is `<entity>.<verb>` (e.g. `user.update`, `event.publish`);
 * `changes` says what changed, e.g. `{ role: { from: 'organizer', to: 'staff' } }` — never a
 * secret (no passwords, tokens or hashes).
 */
export interface AuditEntry {
  actor: AuditActor | null;
  action: string;
  entity: string;
  entityId?: string | null;
  /** The unit the changed thing belongs to, so an audit view can be limited to a subtree. */
  organizationId?: string | null;
  changes?: Record<string, unknown>;
}

/**
 * The audit log. Domains call `record(manager, entry)` inside the transaction of the change, so
 * an entry exists exactly when its change does (a rolled-back change leaves no entry).
 */
@Injectable()
export class AuditService {
  constructor(
    @InjectRepository(AuditLog) private readonly logs: Repository<AuditLog>,
    private readonly organizations: OrganizationsService,
  ) {}

  async record(manager: EntityManager, entry: AuditEntry): Promise<void> {
    await manager.insert(AuditLog, {
      actorId: entry.actor?.id ?? null,
      actorEmail: entry.actor?.email ?? null,
      action: entry.action,
      entity: entry.entity,
      entityId: entry.entityId ?? null,
      organizationId: entry.organizationId ?? null,
      changes: (entry.changes ?? {}) as object,
    } as never);
  }

  /** Newest first. `organizationId` covers the unit's whole subtree. Admins only (the controller says so). */
  async list(q: ListAuditQueryDto): Promise<Page<AuditEntryDto>> {
    const qb = this.logs.createQueryBuilder('a');
    if (q.actorId) qb.andWhere('a.actor_id = :actorId', { actorId: q.actorId });
    if (q.entity) qb.andWhere('a.entity = :entity', { entity: q.entity });
    if (q.entityId) qb.andWhere('a.entity_id = :entityId', { entityId: q.entityId });
    if (q.action) qb.andWhere('a.action = :action', { action: q.action });
    if (q.organizationId) {
      await this.organizations.mustExist(q.organizationId);
      const units = (await this.organizations.unitsInSubtree(q.organizationId)).map((u) => u.id);
      qb.andWhere('a.organization_id = ANY(:units)', { units });
    }
    for (const [key, op] of [['from', '>='], ['to', '<=']] as const) {
      const value = q[key];
      if (!value) continue;
      const at = new Date(value);
      // The pattern bounds each field; a day that does not exist (31 February) still parses to NaN.
      if (Number.isNaN(at.getTime())) throw new InvalidInputError(key, 'is not a time that exists');
      qb.andWhere(`a.at ${op} :${key}`, { [key]: at });
    }
    const [rows, total] = await qb
      .orderBy('a.at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize)
      .getManyAndCount();
    return { items: rows.map(AuditEntryDto.from), total, page: q.page, pageSize: q.pageSize };
  }
}
