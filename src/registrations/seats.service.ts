import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TrainingEvent } from '../events/event.entity';
import { ConflictError } from '../http/domain-errors';
import { generateToken, hashToken } from './registration-code';
import { RegistrationMails } from './registration-mails';
import { Registration } from './registration.entity';
import { RegistrationsRepository } from './registrations.repository';

/** Event statuses in which a seat can be taken or handed on (not completed, not cancelled). */
export const SEAT_STATUSES = ['draft', 'published'] as const;

/**
 * Seat accounting: every change that makes a delegate confirmed or stops
 * them being confirmed goes through here, inside the caller's transaction,
 * so event.confirmed_count always equals the confirmed delegates and never
 * exceeds capacity.
 */
@Injectable()
export class SeatsService {
  constructor(
    private readonly registrations: RegistrationsRepository,
    private readonly mails: RegistrationMails,
  ) {}

  static holdsSeat(r: Pick<Registration, 'status' | 'role'>): boolean {
    return r.status === 'confirmed' && r.role === 'delegate';
  }

  /**
   * Confirms `r` (already locked or just inserted): a delegate needs a seat;
   * when none is left they wait if the event has a waiting list, else 409.
   * Returns the new status; the caller saves `r`.
   */
  async confirmOrWaitlist(manager: EntityManager, r: Registration, event: TrainingEvent, statuses: readonly string[] = SEAT_STATUSES): Promise<'confirmed' | 'waitlisted'> {
    if (r.role !== 'delegate' || (await this.registrations.takeSeat(manager, event.id, statuses))) {
      r.status = 'confirmed';
      r.confirmedAt = new Date();
      r.waitlistedAt = null;
      return 'confirmed';
    }
    await this.noSeat(manager, r, event.id, statuses);
    return 'waitlisted';
  }

  /**
   * After takeSeat failed: 409 when the event is not open for seats or has
   * no waiting list; otherwise `r` becomes waitlisted (the caller saves it).
   */
  async noSeat(manager: EntityManager, r: Registration, eventId: string, statuses: readonly string[]): Promise<void> {
    const now = await this.registrations.findEvent(eventId, manager);
    if (!now || !statuses.includes(now.status)) {
      throw new ConflictError(`registration is not possible: the event is ${now?.status ?? 'gone'}`, { eventStatus: now?.status });
    }
    if (!now.waitlist) throw SeatsService.fullError(now.capacity);
    r.status = 'waitlisted';
    r.confirmedAt = null;
    r.waitlistedAt = new Date();
  }

  static fullError(capacity: number | null): ConflictError {
    return new ConflictError(`the event is full (${capacity} seats) and has no waiting list`, { capacity });
  }

  /**
   * `r` stops holding a seat (cancelled, declined, or no longer a delegate):
   * the seat goes back and the oldest waiting delegates fill what is free,
   * each notified in this same transaction.
   */
  async release(manager: EntityManager, eventId: string): Promise<Registration[]> {
    await this.registrations.releaseSeat(manager, eventId);
    return this.fillFromWaitlist(manager, eventId);
  }

  /**
   * Promotes waiting delegates while seats are free (also after the capacity
   * was raised). SKIP LOCKED: a waiting row someone else is changing right now
   * is passed over rather than waited for.
   */
  async fillFromWaitlist(manager: EntityManager, eventId: string): Promise<Registration[]> {
    const promoted: Registration[] = [];
    const event = await this.registrations.findEvent(eventId, manager);
    if (!event || !SEAT_STATUSES.includes(event.status as (typeof SEAT_STATUSES)[number])) return promoted;
    for (;;) {
      const next = await this.registrations.oldestWaitlisted(manager, eventId);
      if (!next) break;
      if (!(await this.registrations.takeSeat(manager, eventId, SEAT_STATUSES))) break;
      next.status = 'confirmed';
      next.confirmedAt = new Date();
      await this.registrations.update(manager, next);
      // Only hashes are stored, so the notice carries a fresh personal link.
      const token = generateToken();
      await this.registrations.replaceTokenHash(manager, next.id, hashToken(token));
      await this.mails.confirmed(manager, next, event, token, true);
      promoted.push(next);
    }
    return promoted;
  }
}
