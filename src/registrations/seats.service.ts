import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TrainingEvent } from '../events/event.entity';
import { EventsService, SeatChangeListener } from '../events/events.service';
import { ConflictError } from '../http/domain-errors';
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
export class SeatsService implements SeatChangeListener, OnModuleInit {
  constructor(
    private readonly registrations: RegistrationsRepository,
    private readonly mails: RegistrationMails,
    private readonly events: EventsService,
  ) {}

  onModuleInit(): void {
    this.events.setSeatChangeListener(this);
  }

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
    const now = await this.events.findById(eventId, manager);
    if (!now || !statuses.includes(now.status)) {
      throw new ConflictError(`registration is not possible: the event is ${now?.status ?? 'gone'}`, { eventStatus: now?.status }, { code: 'registration.eventNotOpen', params: { eventStatus: now?.status ?? 'cancelled' } });
    }
    if (!now.waitlist) throw SeatsService.fullError(now.capacity);
    r.status = 'waitlisted';
    r.confirmedAt = null;
    r.waitlistedAt = new Date();
  }

  static fullError(capacity: number | null): ConflictError {
    return new ConflictError(`the event is full (${capacity} seats) and has no waiting list`, { capacity }, { code: 'registration.full', params: { capacity: capacity ?? 0 } });
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
   * Promotes waiting delegates while seats are free (after a seat was freed or the capacity
   * raised), each notified in this same transaction; their personal links stay as they are.
   * Three statements whatever the number promoted: the promotion, the mail rows, the outbox rows.
   */
  async fillFromWaitlist(manager: EntityManager, eventId: string): Promise<Registration[]> {
    const promoted = await this.registrations.promoteWaitlisted(manager, eventId, SEAT_STATUSES);
    if (promoted.length) await this.mails.promoted(manager, promoted, (await this.events.findById(eventId, manager))!);
    return promoted;
  }

  /**
   * The event's seats changed inside its update transaction (capacity raised or removed, waiting
   * list switched off): waiting delegates are promoted as far as seats allow, and when the list was
   * switched off, the waits that remain end and those delegates are told, so nobody waits for a
   * seat that will not come.
   */
  async seatsChanged(manager: EntityManager, event: TrainingEvent, change: SeatChange): Promise<SeatChangeOutcome> {
    const promoted = change.capacityRaised || change.waitlistClosed ? await this.fillFromWaitlist(manager, event.id) : [];
    const released = change.waitlistClosed ? await this.registrations.cancelWaitlisted(manager, event.id) : [];
    if (released.length) await this.mails.waitlistClosed(manager, released, event);
    return { promoted: promoted.length, released: released.length };
  }
}

/** What changed about an event's seats. */
export interface SeatChange {
  capacityRaised: boolean;
  waitlistClosed: boolean;
}

/** Who moved: promoted to confirmed, and released from a waiting list that was closed. */
export interface SeatChangeOutcome {
  promoted: number;
  released: number;
}
