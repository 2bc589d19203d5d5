import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { diff } from '../audit/audit-actions';
import { AuditService, auditActor } from '../audit/audit.service';
import { AuthUser } from '../auth/auth-user';
import { constraintError, SPEAKER_OVERLAP_CONSTRAINT } from '../database/constraint-errors';
import { PG, pgErrorOf } from '../database/pg-error';
import { TrainingEvent } from '../events/event.entity';
import { parseEventTime, toLocalIso } from '../events/event-time';
import { EDITABLE_STATUSES, EventsService } from '../events/events.service';
import { ConflictError, InvalidInputError, NotFoundError } from '../http/domain-errors';
import { SpeakersService } from '../speakers/speakers.service';
import { CreateSessionDto, SessionDto, SessionSpeakerInputDto, UpdateSessionDto } from './dto/session.dto';
import { Session } from './session.entity';
import { SessionsRepository } from './sessions.repository';

/** The fields an edit's audit entry compares (from → to). */
const AUDITED_FIELDS = ['title', 'topic', 'description', 'room', 'position', 'startsAt', 'endsAt', 'speakers'] as const;

/**
 * The agenda. The rule "a speaker is never in two overlapping sessions" is
 * decided by PostgreSQL (exclusion constraint on session_speaker), so it holds
 * under concurrency; this service turns the constraint's error into a 409
 * naming the other session. Sessions of cancelled events stop blocking their
 * speakers (EventsService.cancel deactivates their rows).
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly events: EventsService,
    private readonly speakers: SpeakersService,
    private readonly audit: AuditService,
  ) {}

  async listForEvent(user: AuthUser, eventId: string): Promise<SessionDto[]> {
    return this.listForCheckedEvent(await this.events.assertReadable(user, eventId));
  }

  /** The agenda of an event the caller has already checked (a published event's public page, a delegate's own event). */
  async listForCheckedEvent(event: { id: string; timezone: string }): Promise<SessionDto[]> {
    const sessions = await this.sessions.findByEvent(event.id);
    const speakers = await this.sessions.speakersOf(sessions.map((s) => s.id));
    return sessions.map((s) => SessionDto.from(s, event.timezone, speakers.get(s.id)!));
  }

  async create(user: AuthUser, eventId: string, dto: CreateSessionDto): Promise<SessionDto> {
    const event = await this.events.assertManageable(user, eventId);
    const speakers = this.speakerList(dto.speakers);
    const speakerIds = speakers.map((s) => s.speakerId);
    await this.speakers.assertAllVisible(user, speakerIds);
    const fields = {
      eventId,
      title: dto.title,
      topic: dto.topic ?? null,
      description: dto.description ?? null,
      room: dto.room ?? null,
      position: dto.position ?? 0,
      startsAt: this.time('startsAt', dto.startsAt, event.timezone),
      endsAt: this.time('endsAt', dto.endsAt, event.timezone),
    };
    return this.writeAgenda(() => ({ ...fields, speakerIds }), null, async (manager) => {
      const locked = await this.lockEditableEvent(manager, eventId);
      // A fresh entity per run: a retried transaction must not reuse the id a rolled-back save gave it.
      const session = this.sessions.create(fields);
      this.assertInsideEvent(session, locked);
      await this.speakers.lockForAgenda(manager, speakerIds);
      const saved = await this.sessions.save(session, manager);
      await this.sessions.replaceSpeakers(manager, saved, speakers);
      await this.audit.record(manager, {
        actor: auditActor(user),
        action: 'session.create',
        entity: 'session',
        entityId: saved.id,
        organizationId: locked.organizationId,
        changes: { eventId, title: saved.title, startsAt: saved.startsAt.toISOString(), endsAt: saved.endsAt.toISOString(), room: saved.room, speakers },
      });
      return this.toDto(manager, saved, locked.timezone);
    });
  }

  async update(user: AuthUser, id: string, dto: UpdateSessionDto): Promise<SessionDto> {
    for (const field of ['title', 'startsAt', 'endsAt', 'speakers', 'position'] as const) {
      if (dto[field] === null) throw new InvalidInputError(field, 'must not be null', { code: 'required' });
    }
    const current = await this.mustExist(id);
    const event = await this.events.assertManageable(user, current.eventId);
    const speakers = dto.speakers ? this.speakerList(dto.speakers) : null;
    if (speakers) await this.speakers.assertAllVisible(user, speakers.map((s) => s.speakerId));
    const startsAt = dto.startsAt !== undefined ? this.time('startsAt', dto.startsAt, event.timezone) : undefined;
    const endsAt = dto.endsAt !== undefined ? this.time('endsAt', dto.endsAt, event.timezone) : undefined;
    // What the last run tried to write, for the 409 that names the clashing session.
    let attempted = { startsAt: current.startsAt, endsAt: current.endsAt, speakerIds: [] as string[] };
    return this.writeAgenda(
      () => attempted,
      id,
      async (manager) => {
        const locked = await this.lockEditableEvent(manager, current.eventId);
        const session = await this.sessions.findByIdForUpdate(manager, id);
        if (!session) throw new NotFoundError('Session', id);
        const before = { ...session, speakers: speakers ? (await this.sessions.speakersOf([id], manager)).get(id)!.map((s) => ({ speakerId: s.speakerId, role: s.role })) : null };
        for (const key of ['title', 'topic', 'description', 'room', 'position'] as const) {
          if (dto[key] !== undefined) (session as unknown as Record<string, unknown>)[key] = dto[key];
        }
        const timesChanged = startsAt !== undefined || endsAt !== undefined;
        if (startsAt !== undefined) session.startsAt = startsAt;
        if (endsAt !== undefined) session.endsAt = endsAt;
        this.assertInsideEvent(session, locked);
        // Only a new speaker list or new times can clash; the session's row lock keeps its current list still.
        const speakerIds = speakers
          ? speakers.map((s) => s.speakerId)
          : timesChanged
            ? (await this.sessions.speakersOf([id], manager)).get(id)!.map((s) => s.speakerId)
            : [];
        attempted = { startsAt: session.startsAt, endsAt: session.endsAt, speakerIds };
        await this.speakers.lockForAgenda(manager, speakerIds);
        const saved = await this.sessions.save(session, manager);
        if (speakers) await this.sessions.replaceSpeakers(manager, saved, speakers);
        else if (timesChanged) await this.sessions.syncSpeakerRanges(manager, saved);
        const changes = diff(before, { ...saved, speakers: speakers ?? before.speakers }, AUDITED_FIELDS);
        // Moving up or down on the agenda page changes the position alone.
        const action = Object.keys(changes).length === 1 && changes.position ? 'session.move' : 'session.update';
        if (Object.keys(changes).length) {
          await this.audit.record(manager, { actor: auditActor(user), action, entity: 'session', entityId: id, organizationId: locked.organizationId, changes: { eventId: saved.eventId, ...changes } });
        }
        return this.toDto(manager, saved, locked.timezone);
      },
    );
  }

  async remove(user: AuthUser, id: string): Promise<void> {
    const session = await this.mustExist(id);
    await this.events.assertManageable(user, session.eventId);
    await this.sessions.transaction(async (manager) => {
      const event = await this.lockEditableEvent(manager, session.eventId);
      await this.sessions.delete(manager, id);
      await this.audit.record(manager, {
        actor: auditActor(user),
        action: 'session.delete',
        entity: 'session',
        entityId: id,
        organizationId: event.organizationId,
        changes: { eventId: session.eventId, title: session.title, startsAt: session.startsAt.toISOString(), endsAt: session.endsAt.toISOString() },
      });
    });
  }

  /** A session of `eventId`, for check-ins per session; 404 when it belongs elsewhere. */
  async getInEvent(eventId: string, sessionId: string): Promise<Session> {
    const s = await this.sessions.findById(sessionId);
    if (!s || s.eventId !== eventId) throw new NotFoundError('Session', sessionId);
    return s;
  }

  private async mustExist(id: string): Promise<Session> {
    const s = await this.sessions.findById(id);
    if (!s) throw new NotFoundError('Session', id);
    return s;
  }

  /**
   * Runs `work` in a transaction; a clash on the overlap constraint becomes a
   * 409 naming the other session, looked up after the rollback (the winner of a
   * race has committed by then).
   *
   * Lock order, the same in every agenda write: the event (FOR SHARE), the
   * session (FOR UPDATE, when it exists), then its speakers in id order. Two
   * writers sharing a speaker therefore queue on the speaker's row, and the
   * second one's insert sees the first one's committed row (a clean 23P01)
   * instead of both waiting on each other inside the exclusion constraint's
   * check (40P01). Any abort that is left is retried by the transaction helper.
   */
  private async writeAgenda(
    attempted: () => { startsAt: Date; endsAt: Date; speakerIds: string[] },
    exceptSessionId: string | null,
    work: (manager: EntityManager) => Promise<SessionDto>,
  ): Promise<SessionDto> {
    try {
      return await this.sessions.transaction(work);
    } catch (err) {
      const pg = pgErrorOf(err);
      if (pg?.code !== PG.exclusionViolation || pg.constraint !== SPEAKER_OVERLAP_CONSTRAINT) throw err;
      const a = attempted();
      const other = await this.sessions.findOverlap(a.speakerIds, a.startsAt, a.endsAt, exceptSessionId);
      if (!other) throw constraintError(err)!;
      const name = [other.honorific, other.speakerName].filter(Boolean).join(' ');
      const from = toLocalIso(other.startsAt, other.timezone);
      const to = toLocalIso(other.endsAt, other.timezone);
      throw new ConflictError(`speaker ${name} is already in "${other.sessionTitle}" of "${other.eventTitle}" from ${from} to ${to}`, {
        field: 'speakers',
        speakerId: other.speakerId,
        speakerName: other.speakerName,
        conflictingSessionId: other.sessionId,
        conflictingSessionTitle: other.sessionTitle,
        conflictingEventId: other.eventId,
        conflictingEventTitle: other.eventTitle,
        conflictingStartsAt: other.startsAt.toISOString(),
        conflictingEndsAt: other.endsAt.toISOString(),
      }, {
        code: 'session.speakerBusy',
        params: { speaker: name, session: other.sessionTitle, event: other.eventTitle, startsAt: other.startsAt.toISOString(), endsAt: other.endsAt.toISOString(), timezone: other.timezone },
      });
    }
  }

  /** FOR SHARE: the event's times and status stay as checked until commit. */
  private async lockEditableEvent(manager: EntityManager, eventId: string): Promise<TrainingEvent> {
    const event = await this.events.getForShare(manager, eventId);
    if (!EDITABLE_STATUSES.includes(event.status)) {
      throw new ConflictError(`event ${eventId} is ${event.status}; its agenda can no longer change`, { status: event.status }, { code: 'session.locked', params: { eventStatus: event.status } });
    }
    return event;
  }

  private speakerList(input: SessionSpeakerInputDto[]) {
    const seen = new Set<string>();
    for (const s of input) {
      if (seen.has(s.speakerId)) throw new InvalidInputError('speakers', `lists speaker ${s.speakerId} twice`, { code: 'session.speakerTwice' });
      seen.add(s.speakerId);
    }
    return input.map((s) => ({ speakerId: s.speakerId, role: s.role ?? ('presenter' as const) }));
  }

  private time(field: string, text: string, timezone: string): Date {
    const d = parseEventTime(text, timezone);
    if (!d) throw new InvalidInputError(field, 'is not a valid time', { code: 'time' });
    return d;
  }

  private assertInsideEvent(s: Session, event: TrainingEvent): void {
    if (s.endsAt.getTime() <= s.startsAt.getTime()) throw new InvalidInputError('endsAt', 'must be after startsAt', { code: 'endsAfterStart' });
    const span = `the event's time (${toLocalIso(event.startsAt, event.timezone)} to ${toLocalIso(event.endsAt, event.timezone)})`;
    const within = { code: 'session.outsideEvent', params: { startsAt: event.startsAt.toISOString(), endsAt: event.endsAt.toISOString(), timezone: event.timezone } };
    if (s.startsAt.getTime() < event.startsAt.getTime()) throw new InvalidInputError('startsAt', `must be within ${span}`, within);
    if (s.endsAt.getTime() > event.endsAt.getTime()) throw new InvalidInputError('endsAt', `must be within ${span}`, within);
  }

  private async toDto(manager: EntityManager, s: Session, timezone: string): Promise<SessionDto> {
    const speakers = await this.sessions.speakersOf([s.id], manager);
    return SessionDto.from(s, timezone, speakers.get(s.id)!);
  }
}
