import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { OrganizationScopeService } from '../organizations/organization-scope.service';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { retryOnceIfConnectionLost } from '../database/connection-errors';
import { runInTransaction } from '../database/transaction';
import { AuthUser } from '../auth/auth-user';
import { EventStatus, TrainingEvent } from './event.entity';

// Every column of the event, named as the entity's properties. Exported for the bench's raw limit server.
export const EVENT_SQL = `SELECT id, slug, kind, title, title_en AS "titleEn", description, description_en AS "descriptionEn", audience, audience_en AS "audienceEn", organization_id AS "organizationId", venue, starts_at AS "startsAt", ends_at AS "endsAt", timezone, capacity, confirmed_count AS "confirmedCount", waitlist, registration_mode AS "registrationMode", registration_opens_at AS "registrationOpensAt", registration_closes_at AS "registrationClosesAt", reminder_hours_before AS "reminderHoursBefore", status, created_by_id AS "createdById", published_at AS "publishedAt", completed_at AS "completedAt", cancelled_at AS "cancelledAt", created_at AS "createdAt", updated_at AS "updatedAt" FROM event WHERE id = $1`;

export interface EventListFilter {
  status?: EventStatus;
  /** Events of this unit's subtree. */
  organizationId?: string;
  from?: Date;
  to?: Date;
  page: number;
  pageSize: number;
}

@Injectable()
export class EventsRepository {
  constructor(
    @InjectRepository(TrainingEvent) private readonly repo: Repository<TrainingEvent>,
    private readonly scope: OrganizationScopeService,
  ) {}

  findById(id: string, manager?: EntityManager): Promise<TrainingEvent | null> {
    return (manager ?? this.repo.manager).findOneBy(TrainingEvent, { id });
  }

  /** The event row locked FOR UPDATE until the transaction of `manager` ends. */
  findByIdForUpdate(manager: EntityManager, id: string): Promise<TrainingEvent | null> {
    return manager.findOne(TrainingEvent, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** The event row locked FOR SHARE until the transaction of `manager` ends. */
  findByIdForShare(manager: EntityManager, id: string): Promise<TrainingEvent | null> {
    return manager.findOne(TrainingEvent, { where: { id }, lock: { mode: 'pessimistic_read' } });
  }

  /**
   * The event as findById() reads it, outside any transaction, by a named prepared statement on
   * the pg pool: the first read of every registration request (and the only one of a refused one),
   * without TypeORM's query building and entity mapping.
   */
  async findByIdFast(id: string): Promise<TrainingEvent | null> {
    const pool = (this.repo.manager.connection.driver as PostgresDriver).master as { query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: object[] }> };
    // A read: run again on a fresh connection when the first one was lost under it.
    const { rows } = await retryOnceIfConnectionLost(() => pool.query({ name: 'td_event_by_id', text: EVENT_SQL, values: [id] }));
    return rows[0] ? Object.assign(new TrainingEvent(), rows[0]) : null;
  }

  findBySlug(slug: string): Promise<TrainingEvent | null> {
    return this.repo.findOneBy({ slug });
  }

  /** A page of the events `user` may see, soonest first. */
  async findPageVisibleTo(user: AuthUser, f: EventListFilter): Promise<[TrainingEvent[], number]> {
    const q = this.repo.createQueryBuilder('e');
    const scope = this.scope.subtreeCondition(user, 'e.organization_id');
    if (scope) q.andWhere(scope.sql, scope.params);
    if (f.status) q.andWhere('e.status = :status', { status: f.status });
    if (f.organizationId) {
      q.andWhere('e.organization_id IN (SELECT fo.id FROM organization fo WHERE fo.id = :orgId OR fo.path @> ARRAY[:orgId]::uuid[])', { orgId: f.organizationId });
    }
    // Events overlapping [from, to].
    if (f.from) q.andWhere('e.ends_at >= :from', { from: f.from });
    if (f.to) q.andWhere('e.starts_at <= :to', { to: f.to });
    return q
      .orderBy('e.starts_at', 'ASC')
      .addOrderBy('e.id', 'ASC')
      .skip((f.page - 1) * f.pageSize)
      .take(f.pageSize)
      .getManyAndCount();
  }

  create(fields: Partial<TrainingEvent>): TrainingEvent {
    return this.repo.create(fields);
  }

  save(event: TrainingEvent, manager?: EntityManager): Promise<TrainingEvent> {
    return (manager ?? this.repo.manager).save(TrainingEvent, event);
  }

  /**
   * Moves the event to `to` only if its status is still one of `from` — a
   * conditional UPDATE, so two concurrent transitions cannot both win.
   * Returns whether this call made the change.
   */
  async transition(manager: EntityManager, id: string, from: readonly EventStatus[], to: EventStatus, stampProperty: string): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(TrainingEvent)
      .set({ status: to, [stampProperty]: () => 'now()', updatedAt: () => 'now()' } as never)
      .where('id = :id AND status IN (:...from)', { id, from })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  /** How many of the event's agenda sessions fall outside [startsAt, endsAt]. */
  async countSessionsOutside(manager: EntityManager, eventId: string, startsAt: Date, endsAt: Date): Promise<number> {
    const rows: { n: number }[] = await manager.query(
      'SELECT count(*)::int AS n FROM session WHERE event_id = $1 AND (starts_at < $2 OR ends_at > $3)',
      [eventId, startsAt, endsAt],
    );
    return rows[0].n;
  }

  /**
   * A cancelled event's sessions stop blocking their speakers: the overlap
   * constraint on session_speaker only considers active rows.
   */
  async releaseSpeakers(manager: EntityManager, eventId: string): Promise<void> {
    await manager.query('UPDATE session_speaker SET active = false WHERE session_id IN (SELECT id FROM session WHERE event_id = $1)', [eventId]);
  }

  /** A transaction retried on deadlock / serialization failure (see runInTransaction): `work` may run more than once. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return runInTransaction(this.repo.manager, work);
  }
}
