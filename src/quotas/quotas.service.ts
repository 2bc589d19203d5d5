import { Injectable } from '@nestjs/common';
import { AuditService, auditActor } from '../audit/audit.service';
import { AuthUser } from '../auth/auth-user';
import { EDITABLE_STATUSES, EventsService } from '../events/events.service';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../http/domain-errors';
import { QuotaDto, QuotaItemDto } from './dto/quota.dto';
import { QuotasRepository } from './quotas.repository';

/** Unit quotas: how many delegates each unit of the organizer's subtree is asked to send. */
@Injectable()
export class QuotasService {
  constructor(
    private readonly quotas: QuotasRepository,
    private readonly events: EventsService,
    private readonly audit: AuditService,
  ) {}

  async list(user: AuthUser, eventId: string): Promise<QuotaDto[]> {
    await this.events.assertReadable(user, eventId);
    return this.quotas.findByEvent(eventId);
  }

  /** Replaces the whole set in one transaction: nothing is written unless every item is valid. */
  async replace(user: AuthUser, eventId: string, items: QuotaItemDto[]): Promise<QuotaDto[]> {
    const event = await this.events.assertManageable(user, eventId);
    const seen = new Set<string>();
    items.forEach((item, i) => {
      if (seen.has(item.organizationId)) throw new InvalidInputError(`[${i}].organizationId`, `repeats unit ${item.organizationId}; give each unit once`, { code: 'quota.repeatedUnit' });
      seen.add(item.organizationId);
    });
    const membership = await this.quotas.subtreeMembership([...seen], event.organizationId);
    for (const item of items) {
      const inside = membership.get(item.organizationId);
      if (inside === undefined) throw new NotFoundError('Organization', item.organizationId);
      if (!inside) throw new ForbiddenError(`organization ${item.organizationId} is not in the subtree of the event's organizer unit`, {}, { code: 'quota.outsideSubtree' });
    }
    return this.quotas.transaction(async (manager) => {
      const locked = await this.events.getForShare(manager, eventId);
      if (!EDITABLE_STATUSES.includes(locked.status)) {
        throw new ConflictError(`event ${eventId} is ${locked.status}; its quotas can no longer change`, { status: locked.status }, { code: 'quota.locked', params: { eventStatus: locked.status } });
      }
      // Quotas share out the seats: more than the event has is a typo (500 for 60), not a plan.
      const total = items.reduce((sum, item) => sum + item.seats, 0);
      if (locked.capacity !== null && total > locked.capacity) {
        throw new InvalidInputError('seats', `add up to ${total}, more than the event's ${locked.capacity} seats`, { code: 'quota.overCapacity', params: { total, capacity: locked.capacity } });
      }
      const before = new Map((await this.quotas.findByEvent(eventId, manager)).map((q) => [q.organizationId, q.seats]));
      await this.quotas.replaceAll(manager, eventId, items);
      // One entry per unit whose quota was set, changed or removed (entityId: the event; the unit in changes.unitId).
      const after = new Map(items.map((i) => [i.organizationId, i.seats]));
      for (const unitId of new Set([...before.keys(), ...after.keys()])) {
        const from = before.get(unitId) ?? null;
        const to = after.get(unitId) ?? null;
        if (from === to) continue;
        const action = from === null ? 'quota.set' : to === null ? 'quota.delete' : 'quota.change';
        await this.audit.record(manager, { actor: auditActor(user), action, entity: 'quota', entityId: eventId, organizationId: locked.organizationId, changes: { unitId, seats: { from, to } } });
      }
      return this.quotas.findByEvent(eventId, manager);
    });
  }
}
