import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { diff } from '../audit/audit-actions';
import { AuditService, auditActor } from '../audit/audit.service';
import { AuthUser } from '../auth/auth-user';
import { constraintError, isUniqueViolation } from '../database/constraint-errors';
import { TrainingEvent } from '../events/event.entity';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../http/domain-errors';
import { Page, toPage } from '../http/pagination';
import { OrganizationScopeService } from '../organizations/organization-scope.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { EventsService } from '../events/events.service';
import {
  CreatedRegistrationDto,
  CreateRegistrationDto,
  ListRegistrationsQueryDto,
  RegistrationDto,
  UpdateRegistrationDto,
} from './dto/registration.dto';
import { PersonalLinks } from './personal-links';
import { EntryState, entryState, RegistrationWindow } from './registration-window';
import { generateCheckInCode } from './registration-code';
import { RegistrationMails } from './registration-mails';
import { Registration, RegistrationSource, RegistrationStatus } from './registration.entity';
import { NewRegistration, RegistrationsRepository } from './registrations.repository';
import { SEAT_STATUSES, SeatsService } from './seats.service';

const ORGANIZER_ROLES = new Set(['organizer', 'admin']);

/** What an edit's audit entry compares (from → to); never the token or the check-in code. */
const AUDITED_FIELDS = ['fullName', 'email', 'phone', 'position', 'organizationId', 'role', 'language', 'status'] as const;

/** A unique violation on the (event, lower(email)) index, as a 409 that says what to do (see constraintError). */
export function duplicateEmailError(err: unknown, email: string): ConflictError | null {
  return isUniqueViolation(err, 'uq_registration_event_email') ? (constraintError(err, { email }) as ConflictError) : null;
}

@Injectable()
export class RegistrationsService {
  constructor(
    private readonly registrations: RegistrationsRepository,
    private readonly seats: SeatsService,
    private readonly mails: RegistrationMails,
    private readonly scope: OrganizationScopeService,
    private readonly organizations: OrganizationsService,
    private readonly events: EventsService,
    private readonly links: PersonalLinks,
    private readonly audit: AuditService,
  ) {}

  /**
   * Self-registration (no token, or a token of a role that does not organize)
   * or an organizer adding someone. Capacity is decided by the database in
   * the same transaction that writes the registration and its mail.
   */
  async register(user: AuthUser | undefined, eventId: string, dto: CreateRegistrationDto): Promise<CreatedRegistrationDto> {
    const event = await this.events.findByIdFast(eventId);
    const asOrganizer = !!user && ORGANIZER_ROLES.has(user.role);
    if (!event || (!asOrganizer && event.status === 'draft')) throw new NotFoundError('Event', eventId);
    const role = dto.role ?? 'delegate';
    let source: RegistrationSource = 'self';
    if (asOrganizer) {
      await this.scope.assertInScope(user, event.organizationId);
      if (event.status === 'cancelled') throw new ConflictError('the event is cancelled; registrations cannot be added', { eventStatus: event.status }, { code: 'registration.eventCancelled' });
      if (dto.organizationId) await this.scope.assertInScope(user, dto.organizationId);
      source = 'organizer';
    } else {
      this.assertOpenForSelfRegistration(event);
      if (role !== 'delegate') throw new ForbiddenError(`role ${role} can only be added by an organizer; register as delegate`, {}, { code: 'registration.roleForOrganizers', params: { role } });
      if (dto.organizationId && !(await this.organizations.exists(dto.organizationId))) {
        throw new InvalidInputError('organizationId', 'is not a known organization', { code: 'unknownUnit' });
      }
    }
    const seatStatuses = asOrganizer ? [...SEAT_STATUSES, 'completed'] : ['published'];
    const status = asOrganizer && event.registrationMode === 'invite_only' ? 'invited' : 'confirmed';
    const needsSeat = status === 'confirmed' && role === 'delegate';
    // Fast refusal from the event read above: once full without a waiting list, a storm of late
    // requests costs one query each and never queues on the event row. (A seat freed since that
    // read is missed only as if the request had come a moment earlier.)
    if (needsSeat && !event.waitlist && event.capacity !== null && event.confirmedCount >= event.capacity) {
      throw SeatsService.fullError(event.capacity);
    }
    const id = randomUUID();
    const { token, tokenHash } = await this.links.issue(id);
    const row: NewRegistration = {
      id,
      eventId,
      fullName: dto.fullName,
      email: dto.email,
      phone: dto.phone ?? null,
      position: dto.position ?? null,
      organizationId: dto.organizationId ?? null,
      role,
      language: dto.language ?? 'vi',
      status,
      source,
      tokenHash,
      code: generateCheckInCode(),
      createdById: asOrganizer ? user.id : null,
    };
    try {
      if (needsSeat) {
        // The common case, a confirmed delegate, is one statement: seat, registration and mail
        // (see insertConfirmedTakingSeat). Without a seat nothing was written, and the
        // transaction below decides between the waiting list and 409.
        const r = Object.assign(new Registration(), row, { linkVersion: 1, waitlistedAt: null, declinedAt: null, cancelledAt: null });
        const written = await this.registrations.insertConfirmedTakingSeat(r, seatStatuses, this.mails.prepareConfirmed(r, event));
        if (written) {
          this.mails.written();
          Object.assign(r, written);
          return { ...RegistrationDto.from(r), token, link: this.mails.personalLink(token) };
        }
      }
      const saved = await this.registrations.transaction(async (manager) => {
        const r = await this.registrations.create(manager, row);
        if (!needsSeat) {
          await this.mailFor(manager, r, event);
          return r;
        }
        // A seat may have been freed since the statement above: the seat is the last statement
        // before COMMIT; the confirmation mail is written first, under a savepoint, and undone if
        // no seat is left.
        await manager.query('SAVEPOINT before_seat');
        await this.mails.confirmed(manager, r, event);
        if (await this.registrations.takeSeat(manager, eventId, seatStatuses)) return r;
        await manager.query('ROLLBACK TO SAVEPOINT before_seat');
        await this.seats.noSeat(manager, r, eventId, seatStatuses);
        await this.registrations.update(manager, r);
        await this.mails.waitlisted(manager, r, event);
        return r;
      });
      return { ...RegistrationDto.from(saved), token, link: this.mails.personalLink(token) };
    } catch (err) {
      throw duplicateEmailError(err, dto.email) ?? err;
    }
  }

  async get(user: AuthUser, id: string): Promise<RegistrationDto> {
    const { registration } = await this.mustSee(user, id);
    return RegistrationDto.from(registration);
  }

  async list(user: AuthUser, eventId: string, q: ListRegistrationsQueryDto): Promise<Page<RegistrationDto>> {
    const event = await this.events.findById(eventId);
    if (!event) throw new NotFoundError('Event', eventId);
    await this.scope.assertInScope(user, event.organizationId);
    const { organizationId, ...filter } = q;
    // A unit's figures include its sub-units: the organizations domain knows the subtree.
    const organizationIds = organizationId ? (await this.organizations.unitsInSubtree(organizationId)).map((o) => o.id) : undefined;
    const [rows, total] = await this.registrations.list({ eventId, ...filter, organizationIds });
    return toPage(rows, total, q, RegistrationDto.from);
  }

  /** Organizer's edit. A role change moves the seat: a delegate leaving frees one, a new delegate needs one. */
  async update(user: AuthUser, id: string, dto: UpdateRegistrationDto): Promise<RegistrationDto> {
    const { event } = await this.mustSee(user, id);
    if (dto.organizationId) await this.scope.assertInScope(user, dto.organizationId);
    try {
      return await this.registrations.transaction(async (manager) => {
        const r = await this.mustLock(manager, id);
        const before = { ...r };
        const heldSeat = SeatsService.holdsSeat(r);
        for (const key of ['fullName', 'email', 'phone', 'position', 'organizationId', 'role', 'language'] as const) {
          if (dto[key] !== undefined) (r as unknown as Record<string, unknown>)[key] = dto[key];
        }
        if (r.status === 'waitlisted' && r.role !== 'delegate') {
          // Only delegates wait for seats; anyone else is simply confirmed.
          r.status = 'confirmed';
          r.confirmedAt = new Date();
          r.waitlistedAt = null;
        }
        if (!heldSeat && r.status === 'confirmed' && r.role === 'delegate') {
          if (!(await this.registrations.takeSeat(manager, event.id, [...SEAT_STATUSES, 'completed']))) {
            throw new ConflictError('the event is full: this person cannot become a confirmed delegate; cancel another delegate first', {}, { code: 'registration.fullForConfirm' });
          }
        }
        await this.registrations.update(manager, r);
        if (heldSeat && !SeatsService.holdsSeat(r)) await this.seats.release(manager, event.id);
        const changes = diff(before, r, AUDITED_FIELDS);
        if (Object.keys(changes).length) {
          await this.audit.record(manager, { actor: auditActor(user), action: 'registration.update', entity: 'registration', entityId: r.id, organizationId: event.organizationId, changes: { eventId: event.id, ...changes } });
        }
        return RegistrationDto.from(r);
      });
    } catch (err) {
      throw duplicateEmailError(err, dto.email ?? '') ?? err;
    }
  }

  /**
   * Revokes the delegate's personal link (e.g. it was forwarded): the old link stops working at
   * once and the new one is mailed to the delegate in the same transaction. Registration, status
   * and check-in code are unchanged.
   */
  async revokeLink(user: AuthUser, id: string): Promise<RegistrationDto> {
    const { event } = await this.mustSee(user, id);
    return this.registrations.transaction(async (manager) => {
      const r = await this.mustLock(manager, id);
      r.linkVersion = (await this.links.revoke(manager, r.id, r.linkVersion)).linkVersion;
      await this.mails.linkRenewed(manager, r, event);
      return RegistrationDto.from(r);
    });
  }

  async cancel(user: AuthUser, id: string): Promise<RegistrationDto> {
    const { event } = await this.mustSee(user, id);
    return this.registrations.transaction(async (manager) => {
      const r = await this.mustLock(manager, id);
      const from = r.status;
      await this.cancelLocked(manager, r);
      // Cancelling a cancelled registration changes nothing, and records nothing.
      if (from !== r.status) {
        await this.audit.record(manager, { actor: auditActor(user), action: 'registration.cancel', entity: 'registration', entityId: r.id, organizationId: event.organizationId, changes: { eventId: event.id, status: { from, to: r.status } } });
      }
      return RegistrationDto.from(r);
    });
  }

  /**
   * Cancels a locked registration; a confirmed delegate's seat goes to the
   * first waiting delegate in the same transaction.
   */
  async cancelLocked(manager: EntityManager, r: Registration): Promise<Registration> {
    if (r.status === 'cancelled') return r;
    const event = await this.events.findById(r.eventId, manager);
    if (!event || event.status === 'cancelled' || event.status === 'completed') {
      throw new ConflictError(`the event is ${event?.status}; its registrations can no longer be cancelled`, { eventStatus: event?.status }, { code: 'registration.cancelClosed', params: { eventStatus: event?.status ?? 'cancelled' } });
    }
    const heldSeat = SeatsService.holdsSeat(r);
    r.status = 'cancelled';
    r.cancelledAt = new Date();
    await this.registrations.update(manager, r);
    if (heldSeat) await this.seats.release(manager, r.eventId);
    return r;
  }

  /** Whether a delegate can register on their own now (the pages show it; register() enforces it). */
  static entryState(event: RegistrationWindow, now = Date.now()): EntryState {
    return entryState(event, now);
  }

  /** Self-registration needs a published, open event inside its registration window; seats are the database's to decide. */
  private assertOpenForSelfRegistration(event: TrainingEvent): void {
    const state = entryState(event);
    if (state === 'inviteOnly') throw new ForbiddenError('this event is by invitation only; use the link from your invitation', {}, { code: 'registration.inviteOnly' });
    if (state === 'notYet') throw new ConflictError(`registration opens at ${event.registrationOpensAt!.toISOString()}`, {}, { code: 'registration.notYet', params: { opensAt: event.registrationOpensAt!.toISOString(), timezone: event.timezone } });
    if (state === 'closed') throw new ConflictError(`registration closed at ${event.registrationClosesAt!.toISOString()}`, {}, { code: 'registration.closed', params: { closesAt: event.registrationClosesAt!.toISOString(), timezone: event.timezone } });
    if (state !== 'open' && state !== 'waitlist' && state !== 'full') {
      throw new ConflictError(`registration is closed: the event is ${event.status}`, { eventStatus: event.status }, { code: 'registration.eventNotOpen', params: { eventStatus: event.status } });
    }
  }

  private async mailFor(manager: EntityManager, r: Registration, event: TrainingEvent): Promise<void> {
    const status: RegistrationStatus = r.status;
    if (status === 'confirmed') await this.mails.confirmed(manager, r, event);
    else if (status === 'waitlisted') await this.mails.waitlisted(manager, r, event);
    // `invited`: the invitation itself is sent by the invitations batch.
  }

  /** The registration and its event, when `user` may see the event (404 / 403 otherwise). */
  private async mustSee(user: AuthUser, id: string): Promise<{ registration: Registration; event: TrainingEvent }> {
    const registration = await this.registrations.findById(id);
    if (!registration) throw new NotFoundError('Registration', id);
    const event = await this.events.findById(registration.eventId);
    if (!event) throw new NotFoundError('Registration', id);
    await this.scope.assertInScope(user, event.organizationId);
    return { registration, event };
  }

  private async mustLock(manager: EntityManager, id: string): Promise<Registration> {
    const r = await this.registrations.findByIdForUpdate(manager, id);
    if (!r) throw new NotFoundError('Registration', id);
    return r;
  }
}
