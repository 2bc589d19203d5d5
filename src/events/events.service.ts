import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { diff } from '../audit/audit-actions';
import { AuditService, auditActor } from '../audit/audit.service';
import { AuthUser } from '../auth/auth-user';
import { isUniqueViolation } from '../database/constraint-errors';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../http/domain-errors';
import { Page, toPage } from '../http/pagination';
import { OrganizationScopeService } from '../organizations/organization-scope.service';
import { OutboxService } from '../queue/outbox.service';
import { CreateEventDto, EventDto, ListEventsQueryDto, UpdateEventDto } from './dto/event.dto';
import { EventStatus, TrainingEvent } from './event.entity';
import { DEFAULT_TIMEZONE, parseEventTime } from './event-time';
import { EventsRepository } from './events.repository';
import { uniqueSlug } from './slug';

/** Allowed lifecycle moves: draft → published → completed; cancelled from draft or published. */
const TRANSITIONS = {
  publish: { from: ['draft'], to: 'published', stamp: 'publishedAt' },
  complete: { from: ['published'], to: 'completed', stamp: 'completedAt' },
  cancel: { from: ['draft', 'published'], to: 'cancelled', stamp: 'cancelledAt' },
} as const satisfies Record<string, { from: readonly EventStatus[]; to: EventStatus; stamp: string }>;
export type EventTransition = keyof typeof TRANSITIONS;

/** Statuses in which the event, its agenda and its quotas may still be edited. */
export const EDITABLE_STATUSES: readonly EventStatus[] = ['draft', 'published'];

/**
 * Told inside an event's update transaction when its seats change (capacity raised or removed, the
 * waiting list switched off): the registrations domain moves the waiting delegates and says how many.
 */
export interface SeatChangeListener {
  seatsChanged(manager: EntityManager, event: TrainingEvent, change: { capacityRaised: boolean; waitlistClosed: boolean }): Promise<{ promoted: number; released: number }>;
}

/**
 * Told inside an event's transaction when delegates must hear of it (published, moved or its venue
 * changed, cancelled): the invitations domain writes the notices and replans the reminder there.
 */
export interface EventNoticeListener {
  published(manager: EntityManager, event: TrainingEvent): Promise<void>;
  changed(manager: EntityManager, before: Pick<TrainingEvent, 'startsAt' | 'endsAt' | 'venue' | 'reminderHoursBefore' | 'status'>, after: TrainingEvent): Promise<void>;
  cancelled(manager: EntityManager, event: TrainingEvent): Promise<void>;
}

/** An event after an update, and who moved because its seats changed. */
export interface EventUpdate {
  event: EventDto;
  /** Waiting delegates confirmed because seats were added. */
  promoted: number;
  /** Waiting delegates whose registration ended because the waiting list was switched off (each was told by mail). */
  released: number;
}

/** The fields an edit's audit entry compares (from → to). */
const AUDITED_FIELDS = ['kind', 'title', 'titleEn', 'description', 'descriptionEn', 'audience', 'audienceEn', 'organizationId', 'venue', 'timezone', 'startsAt', 'endsAt', 'capacity', 'waitlist', 'registrationMode', 'registrationOpensAt', 'registrationClosesAt', 'reminderHoursBefore'] as const;

const NOT_NULL_FIELDS = ['title', 'kind', 'organizationId', 'startsAt', 'endsAt', 'timezone', 'registrationMode', 'waitlist', 'reminderHoursBefore'] as const;

@Injectable()
export class EventsService {
  private seatListener?: SeatChangeListener;
  private noticeListener?: EventNoticeListener;

  constructor(
    private readonly events: EventsRepository,
    private readonly scope: OrganizationScopeService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
  ) {}

  /** The registrations domain registers here at start (it depends on events, not the other way round). */
  setSeatChangeListener(listener: SeatChangeListener): void {
    this.seatListener = listener;
  }

  /** The invitations domain registers here at start. */
  setNoticeListener(listener: EventNoticeListener): void {
    this.noticeListener = listener;
  }

  // ---- For other domains (registrations, check-ins, reports, web pages) ----

  /** The event if `user` may see it (any role within the organizer unit's subtree); 404 / 403 otherwise. */
  async assertReadable(user: AuthUser, eventId: string): Promise<TrainingEvent> {
    const event = await this.events.findById(eventId);
    if (!event) throw new NotFoundError('Event', eventId);
    if (!(await this.scope.isInScope(user, event.organizationId))) {
      throw new ForbiddenError(`event ${eventId} belongs to a unit outside your subtree`, {}, { code: 'outsideSubtree' });
    }
    return event;
  }

  /** The event if `user` may change it (organizer or admin within the subtree); 404 / 403 otherwise. */
  async assertManageable(user: AuthUser, eventId: string): Promise<TrainingEvent> {
    const event = await this.assertReadable(user, eventId);
    if (user.role !== 'admin' && user.role !== 'organizer') {
      throw new ForbiddenError(`this needs the role organizer; you are ${user.role}`, {}, { code: 'needsRole', params: { needed: 'organizer', role: user.role } });
    }
    return event;
  }

  /** The event row locked FOR UPDATE inside the caller's transaction; 404 when missing. */
  async getForUpdate(manager: EntityManager, eventId: string): Promise<TrainingEvent> {
    const event = await this.events.findByIdForUpdate(manager, eventId);
    if (!event) throw new NotFoundError('Event', eventId);
    return event;
  }

  /**
   * The event row locked FOR SHARE inside the caller's transaction: its times and
   * status cannot change until the transaction ends, while other readers go on.
   */
  async getForShare(manager: EntityManager, eventId: string): Promise<TrainingEvent> {
    const event = await this.events.findByIdForShare(manager, eventId);
    if (!event) throw new NotFoundError('Event', eventId);
    return event;
  }

  /** The event by id without scope checks, for trusted callers (jobs, public pages by slug lookups). */
  findById(eventId: string, manager?: EntityManager): Promise<TrainingEvent | null> {
    return this.events.findById(eventId, manager);
  }

  /** findById() on the hot path: a named prepared statement, outside any transaction (registration storms). */
  findByIdFast(eventId: string): Promise<TrainingEvent | null> {
    return this.events.findByIdFast(eventId);
  }

  /** The event by slug (public pages), as its DTO: pages never hold entities. */
  async findBySlug(slug: string): Promise<EventDto | null> {
    const event = await this.events.findBySlug(slug);
    return event ? EventDto.from(event) : null;
  }

  // ---- Endpoints ----

  async get(user: AuthUser, id: string): Promise<EventDto> {
    return EventDto.from(await this.assertReadable(user, id));
  }

  async list(user: AuthUser, q: ListEventsQueryDto): Promise<Page<EventDto>> {
    if (q.organizationId) await this.scope.assertInScope(user, q.organizationId);
    const from = q.from ? this.time('from', q.from, DEFAULT_TIMEZONE) : undefined;
    const to = q.to ? this.time('to', q.to, DEFAULT_TIMEZONE) : undefined;
    const [rows, total] = await this.events.findPageVisibleTo(user, { status: q.status, organizationId: q.organizationId, from, to, page: q.page, pageSize: q.pageSize });
    return toPage(rows, total, q, EventDto.from);
  }

  async create(user: AuthUser, dto: CreateEventDto): Promise<EventDto> {
    await this.scope.assertInScope(user, dto.organizationId);
    const timezone = dto.timezone ?? DEFAULT_TIMEZONE;
    const event = this.events.create({
      kind: dto.kind,
      title: dto.title,
      titleEn: dto.titleEn ?? null,
      description: dto.description ?? null,
      descriptionEn: dto.descriptionEn ?? null,
      audience: dto.audience ?? null,
      audienceEn: dto.audienceEn ?? null,
      organizationId: dto.organizationId,
      venue: dto.venue ?? null,
      timezone,
      startsAt: this.time('startsAt', dto.startsAt, timezone),
      endsAt: this.time('endsAt', dto.endsAt, timezone),
      capacity: dto.capacity ?? null,
      waitlist: dto.waitlist ?? false,
      registrationMode: dto.registrationMode,
      registrationOpensAt: dto.registrationOpensAt ? this.time('registrationOpensAt', dto.registrationOpensAt, timezone) : null,
      registrationClosesAt: dto.registrationClosesAt ? this.time('registrationClosesAt', dto.registrationClosesAt, timezone) : null,
      reminderHoursBefore: dto.reminderHoursBefore ?? 24,
      status: 'draft',
      createdById: user.id,
    });
    this.assertConsistent(event);
    // The random suffix makes a clash very unlikely; retry rather than fail if one happens.
    for (let attempt = 0; ; attempt++) {
      event.slug = uniqueSlug(dto.title);
      try {
        return EventDto.from(
          await this.events.transaction(async (manager) => {
            // A copy per run: a retried transaction must not reuse the id a rolled-back save gave it.
            const saved = await this.events.save(this.events.create({ ...event }), manager);
            await this.audit.record(manager, {
              actor: auditActor(user),
              action: 'event.create',
              entity: 'event',
              entityId: saved.id,
              organizationId: saved.organizationId,
              changes: { title: saved.title, kind: saved.kind, startsAt: saved.startsAt.toISOString(), endsAt: saved.endsAt.toISOString(), capacity: saved.capacity, registrationMode: saved.registrationMode },
            });
            return saved;
          }),
        );
      } catch (err) {
        if (attempt < 3 && isUniqueViolation(err, 'uq_event_slug')) continue;
        throw err;
      }
    }
  }

  async update(user: AuthUser, id: string, dto: UpdateEventDto): Promise<EventDto> {
    return (await this.updateWithSeats(user, id, dto)).event;
  }

  /**
   * update(), also saying who moved: raising (or removing) the capacity confirms the first waiting
   * delegates up to it, and switching the waiting list off ends the waits that remain, in the same
   * transaction as the change.
   */
  async updateWithSeats(user: AuthUser, id: string, dto: UpdateEventDto): Promise<EventUpdate> {
    for (const field of NOT_NULL_FIELDS) {
      if (dto[field] === null) throw new InvalidInputError(field, 'must not be null', { code: 'required' });
    }
    await this.assertManageable(user, id);
    if (dto.organizationId) await this.scope.assertInScope(user, dto.organizationId);
    return this.events.transaction(async (manager) => {
      // The lock keeps confirmed_count still while we compare capacity with it.
      const event = await this.getForUpdate(manager, id);
      const original = { ...event };
      const before = { capacity: event.capacity, waitlist: event.waitlist };
      const noticed = { startsAt: event.startsAt, endsAt: event.endsAt, venue: event.venue, reminderHoursBefore: event.reminderHoursBefore, status: event.status };
      if (!EDITABLE_STATUSES.includes(event.status)) {
        throw new ConflictError(`event ${id} is ${event.status} and can no longer be edited`, { status: event.status }, { code: 'event.locked', params: { eventStatus: event.status } });
      }
      const timezone = dto.timezone ?? event.timezone;
      for (const key of ['kind', 'title', 'titleEn', 'description', 'descriptionEn', 'audience', 'audienceEn', 'organizationId', 'venue', 'waitlist', 'registrationMode', 'reminderHoursBefore'] as const) {
        if (dto[key] !== undefined) (event as unknown as Record<string, unknown>)[key] = dto[key];
      }
      if (dto.capacity !== undefined) event.capacity = dto.capacity;
      event.timezone = timezone;
      if (dto.startsAt !== undefined) event.startsAt = this.time('startsAt', dto.startsAt, timezone);
      if (dto.endsAt !== undefined) event.endsAt = this.time('endsAt', dto.endsAt, timezone);
      if (dto.registrationOpensAt !== undefined) event.registrationOpensAt = dto.registrationOpensAt === null ? null : this.time('registrationOpensAt', dto.registrationOpensAt, timezone);
      if (dto.registrationClosesAt !== undefined) event.registrationClosesAt = dto.registrationClosesAt === null ? null : this.time('registrationClosesAt', dto.registrationClosesAt, timezone);
      this.assertConsistent(event);
      if (event.capacity !== null && event.capacity < event.confirmedCount) {
        throw new ConflictError(`capacity ${event.capacity} is below the ${event.confirmedCount} confirmed delegates; cancel registrations first or choose at least ${event.confirmedCount}`, {
          field: 'capacity',
          confirmedCount: event.confirmedCount,
        });
      }
      if (dto.startsAt !== undefined || dto.endsAt !== undefined) {
        const outside = await this.events.countSessionsOutside(manager, id, event.startsAt, event.endsAt);
        if (outside > 0) {
          throw new ConflictError(`${outside} agenda session(s) would fall outside the new startsAt/endsAt; move them first`, { field: 'startsAt', sessionsOutside: outside }, { code: 'event.sessionsOutside', params: { count: outside } });
        }
      }
      const saved = await this.events.save(event, manager);
      const changes = diff(original, saved, AUDITED_FIELDS);
      // The organizer unit before the change, so the entry is found under the unit that owned it then too (changes.organizationId).
      if (Object.keys(changes).length) await this.audit.record(manager, { actor: auditActor(user), action: 'event.update', entity: 'event', entityId: id, organizationId: original.organizationId, changes });
      await this.noticeListener?.changed(manager, noticed, saved);
      const change = {
        capacityRaised: before.capacity !== null && (saved.capacity === null || saved.capacity > before.capacity),
        waitlistClosed: before.waitlist && !saved.waitlist,
      };
      const moved = (change.capacityRaised || change.waitlistClosed) && this.seatListener ? await this.seatListener.seatsChanged(manager, saved, change) : { promoted: 0, released: 0 };
      // Promotion changed confirmed_count: answer with the row as it now is.
      const current = moved.promoted ? ((await this.events.findById(id, manager)) ?? saved) : saved;
      return { event: EventDto.from(current), ...moved };
    });
  }

  publish(user: AuthUser, id: string): Promise<EventDto> {
    return this.move(user, id, 'publish', async (manager, event) => this.noticeListener?.published(manager, event));
  }

  /**
   * Completes the event inside a transaction: the articles domain adds its
   * outbox rows (draft articles in vi and en) in `onCompleted`, so that the
   * status change and the job request commit together.
   */
  complete(user: AuthUser, id: string): Promise<EventDto> {
    return this.move(user, id, 'complete', (manager, event) => this.onCompleted(manager, event));
  }

  cancel(user: AuthUser, id: string): Promise<EventDto> {
    return this.move(user, id, 'cancel', async (manager, event) => {
      await this.events.releaseSpeakers(manager, event.id);
      await this.noticeListener?.cancelled(manager, event);
    });
  }

  /** The article drafts in Vietnamese and English (article.generate), committed with the completion. */
  protected async onCompleted(manager: EntityManager, event: TrainingEvent): Promise<void> {
    for (const language of ['vi', 'en'] as const) {
      await this.outbox.add(manager, 'article.generate', { eventId: event.id, language }, { key: `draft-${event.id}-${language}` });
    }
  }

  private async move(user: AuthUser, id: string, name: EventTransition, after?: (manager: EntityManager, event: TrainingEvent) => Promise<void>): Promise<EventDto> {
    await this.assertManageable(user, id);
    const t = TRANSITIONS[name];
    return this.events.transaction(async (manager) => {
      if (!(await this.events.transition(manager, id, t.from, t.to, t.stamp))) {
        const current = await this.events.findById(id, manager);
        if (!current) throw new NotFoundError('Event', id);
        throw new ConflictError(`cannot ${name} an event that is ${current.status}; allowed from ${t.from.join(' or ')}`, { status: current.status }, { code: `event.transition.${name}`, params: { eventStatus: current.status } });
      }
      const event = (await this.events.findById(id, manager))!;
      if (name === 'complete' && event.endsAt.getTime() > Date.now()) {
        // Rolls the transition back: an event is completed once it has ended (its end is an instant, the same in every zone).
        throw new ConflictError(`the event ends at ${event.endsAt.toISOString()}; it can be completed once it has ended`, { status: t.from[0], endsAt: event.endsAt.toISOString() }, {
          code: 'event.notEnded',
          params: { endsAt: event.endsAt.toISOString(), timezone: event.timezone },
        });
      }
      await this.audit.record(manager, { actor: auditActor(user), action: `event.${name}`, entity: 'event', entityId: id, organizationId: event.organizationId, changes: { status: { from: t.from.length === 1 ? t.from[0] : event.publishedAt ? 'published' : 'draft', to: t.to } } });
      if (after) await after(manager, event);
      return EventDto.from(event);
    });
  }

  private time(field: string, text: string, timezone: string): Date {
    const d = parseEventTime(text, timezone);
    if (!d) throw new InvalidInputError(field, 'is not a valid time', { code: 'time' });
    return d;
  }

  private assertConsistent(e: TrainingEvent): void {
    if (e.endsAt.getTime() <= e.startsAt.getTime()) throw new InvalidInputError('endsAt', 'must be after startsAt', { code: 'endsAfterStart' });
    if (e.registrationOpensAt && e.registrationClosesAt && e.registrationClosesAt.getTime() <= e.registrationOpensAt.getTime()) {
      throw new InvalidInputError('registrationClosesAt', 'must be after registrationOpensAt', { code: 'closesAfterOpens' });
    }
  }
}
