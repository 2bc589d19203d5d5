import { Injectable } from '@nestjs/common';
import { AuditService, auditActor } from '../audit/audit.service';
import { AuthUser } from '../auth/auth-user';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../http/domain-errors';
import { OrganizationScopeService } from '../organizations/organization-scope.service';
import { formatCheckInCode, normalizeCheckInCode } from '../registrations/registration-code';
import { CheckInsRepository, CheckInAttempt } from './check-ins.repository';
import { CheckInResultDto, CheckInStatsDto, CreateCheckInDto } from './dto/check-in.dto';

/** How far ahead of the server clock a scanner's clock may be. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

@Injectable()
export class CheckInsService {
  constructor(
    private readonly checkIns: CheckInsRepository,
    private readonly scope: OrganizationScopeService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Records that a confirmed registration is present, once per (registration,
   * session). Returns `created: false` with the first check-in when it was
   * already there — unless the scanner retries with the nonce of that first
   * check-in, which gets the original answer back. One statement in the
   * usual case: the caller's role and unit come from the auth guard, which
   * read them from the user's current state (UserStateCache), not from the token.
   */
  async checkIn(user: AuthUser, eventId: string, dto: CreateCheckInDto): Promise<{ created: boolean; result: CheckInResultDto }> {
    // JSON null passes @IsOptional: a null code or registrationId counts as not given.
    const given = { code: dto.code ?? undefined, registrationId: dto.registrationId ?? undefined };
    if ((given.code === undefined) === (given.registrationId === undefined)) {
      throw new InvalidInputError('code', 'or registrationId is required (exactly one of them)', { code: 'checkIn.codeOrId' });
    }
    let by: { code: string } | { registrationId: string };
    if (given.code !== undefined) {
      const code = normalizeCheckInCode(given.code);
      if (!code) throw new NotFoundError(`Check-in code ${given.code}`, undefined, { code: 'checkIn.unknownCode', params: { code: given.code } });
      by = { code };
    } else {
      by = { registrationId: given.registrationId! };
    }
    const scannedAt = dto.scannedAt ? new Date(dto.scannedAt) : new Date();
    if (scannedAt.getTime() > Date.now() + MAX_CLOCK_SKEW_MS) {
      throw new InvalidInputError('scannedAt', 'is in the future; check the scanner clock', { code: 'checkIn.future' });
    }
    const sessionId = dto.sessionId ?? null;
    const nonce = dto.nonce ?? null;
    const command = { eventId, by, sessionId, scannedAt, userId: user.id, nonce, scopeRoot: this.scope.scopeRoot(user) };

    let a = await this.checkIns.attempt(command);
    if (!a) throw new NotFoundError('Event', eventId);
    this.assertCheckable(a, dto);
    if (a.insertedId) return { created: true, result: this.toResult(a, false) };
    if (!a.checkInId) {
      // Lost a race: the blocking check-in committed after this statement's snapshot.
      const existing = await this.checkIns.findExisting(a.registrationId!, sessionId);
      if (existing) a = { ...a, checkInId: existing.id, sessionId: existing.sessionId, checkedInAt: existing.checkedInAt, nonce: existing.nonce };
      else {
        // It was undone meanwhile: try once more.
        a = (await this.checkIns.attempt(command))!;
        this.assertCheckable(a, dto);
        if (a.insertedId) return { created: true, result: this.toResult(a, false) };
        if (!a.checkInId) throw new ConflictError('the check-in is being changed by someone else; scan again', {}, { code: 'checkIn.race' });
      }
    }
    const replay = nonce !== null && a.nonce === nonce;
    return { created: replay, result: this.toResult(a, !replay) };
  }

  /**
   * Organizer's undo of a check-in, with its audit entry in the same transaction (the check-in
   * itself, the door's hot path, is not audited: check_in already says who recorded it and when).
   */
  async undo(user: AuthUser, id: string): Promise<void> {
    const found = await this.checkIns.findEventOfCheckIn(id);
    if (!found) throw new NotFoundError('Check-in', id);
    await this.scope.assertInScope(user, found.organizationId);
    await this.checkIns.transaction(async (manager) => {
      const gone = await this.checkIns.delete(id, manager);
      // Undone by someone else meanwhile: nothing changed here, nothing to record.
      if (!gone) return;
      await this.audit.record(manager, {
        actor: auditActor(user),
        action: 'registration.check-in-undo',
        entity: 'registration',
        entityId: gone.registrationId,
        organizationId: found.organizationId,
        changes: { eventId: found.eventId, checkInId: id, sessionId: gone.sessionId, checkedInAt: new Date(gone.checkedInAt).toISOString() },
      });
    });
  }

  async stats(user: AuthUser, eventId: string): Promise<CheckInStatsDto> {
    const [event] = await this.checkIns.findEvent(eventId);
    if (!event) throw new NotFoundError('Event', eventId);
    await this.scope.assertInScope(user, event.organizationId);
    const s = await this.checkIns.stats(eventId);
    return { ...s, bySession: s.bySession.map((b) => ({ ...b, startsAt: b.startsAt.toISOString() })) } as CheckInStatsDto;
  }

  private assertCheckable(a: CheckInAttempt, dto: CreateCheckInDto): void {
    if (!a.inScope) throw new ForbiddenError("this event belongs to a unit outside your unit's subtree", {}, { code: 'outsideSubtree' });
    if (a.eventStatus !== 'published' && a.eventStatus !== 'completed') {
      throw new ConflictError(`check-in is not possible: the event is ${a.eventStatus}`, { eventStatus: a.eventStatus }, { code: 'checkIn.eventClosed', params: { eventStatus: a.eventStatus } });
    }
    if (!a.sessionOk) throw new NotFoundError(`Session ${dto.sessionId} of this event`, undefined, { code: 'notFound.session' });
    if (!a.registrationId) {
      throw dto.code != null
        ? new NotFoundError(`Check-in code ${dto.code} for this event`, undefined, { code: 'checkIn.unknownCode', params: { code: dto.code } })
        : new NotFoundError('Registration', dto.registrationId ?? undefined);
    }
    if (a.registrationStatus !== 'confirmed') {
      throw new ConflictError(`${a.fullName} is ${a.registrationStatus}, not confirmed; only confirmed registrations can check in`, { status: a.registrationStatus }, {
        code: 'checkIn.notConfirmed',
        params: { name: a.fullName, status: a.registrationStatus },
      });
    }
  }

  private toResult(a: CheckInAttempt, duplicate: boolean): CheckInResultDto {
    return {
      checkIn: { id: a.checkInId!, registrationId: a.registrationId!, sessionId: a.sessionId, checkedInAt: new Date(a.checkedInAt!).toISOString() },
      registration: {
        id: a.registrationId!,
        fullName: a.fullName!,
        email: a.email!,
        position: a.position,
        role: a.role!,
        organizationId: a.organizationId,
        status: a.registrationStatus!,
        code: formatCheckInCode(a.code!),
      },
      duplicate,
    };
  }
}
