import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { runInTransaction } from '../database/transaction';
import { QuotaDto } from './dto/quota.dto';
import { EventQuota } from './event-quota.entity';

@Injectable()
export class QuotasRepository {
  constructor(@InjectRepository(EventQuota) private readonly repo: Repository<EventQuota>) {}

  /** The event's quotas with unit names, by name. */
  findByEvent(eventId: string, manager?: EntityManager): Promise<QuotaDto[]> {
    return (manager ?? this.repo.manager).query(
      `SELECT q.organization_id AS "organizationId", o.name AS "organizationName", q.seats
         FROM event_quota q JOIN organization o ON o.id = q.organization_id
        WHERE q.event_id = $1 ORDER BY o.name COLLATE vi, o.id`,
      [eventId],
    );
  }

  /** For each existing id: whether it is `rootId` or one of its descendants. */
  async subtreeMembership(ids: string[], rootId: string): Promise<Map<string, boolean>> {
    const rows: { id: string; inside: boolean }[] = await this.repo.query(
      'SELECT id, (id = $2 OR path @> ARRAY[$2]::uuid[]) AS inside FROM organization WHERE id = ANY($1::uuid[])',
      [ids, rootId],
    );
    return new Map(rows.map((r) => [r.id, r.inside]));
  }

  async replaceAll(manager: EntityManager, eventId: string, items: { organizationId: string; seats: number }[]): Promise<void> {
    await manager.delete(EventQuota, { eventId });
    if (items.length) await manager.insert(EventQuota, items.map((i) => ({ eventId, organizationId: i.organizationId, seats: i.seats })));
  }

  /** A transaction retried on deadlock / serialization failure (see runInTransaction): `work` may run more than once. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return runInTransaction(this.repo.manager, work);
  }
}
