import { Inject, Injectable } from '@nestjs/common';
import type { DateArray } from 'ics';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG, AppConfig } from '../config/config';
import { TrainingEvent } from '../events/event.entity';
import { EventsService } from '../events/events.service';
import { SessionsService } from '../sessions/sessions.service';
import { API_PREFIX } from '../http/api-controller.decorator';
import { ConflictError, NotFoundError } from '../http/domain-errors';
import { PublicRegistrationDto, PublicSessionDto } from './dto/public-registration.dto';
import { PersonalLinks } from './personal-links';
import { RegistrationMails } from './registration-mails';
import { Registration } from './registration.entity';
import { RegistrationsRepository } from './registrations.repository';
import { RegistrationsService } from './registrations.service';
import { SeatsService } from './seats.service';

/** The delegate's own actions, authorised by the secret token of their personal link. */
@Injectable()
export class PublicRegistrationsService {
  constructor(
    private readonly registrations: RegistrationsRepository,
    private readonly registrationsService: RegistrationsService,
    private readonly seats: SeatsService,
    private readonly mails: RegistrationMails,
    private readonly events: EventsService,
    private readonly sessions: SessionsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  async get(token: string): Promise<PublicRegistrationDto> {
    const { registration, event } = await this.mustFind(token);
    return this.toDto(token, registration, event);
  }

  /**
   * Accept: a delegate takes a seat (or waits, or 409 when full without a
   * waiting list). Decline: a held seat goes to the first waiting delegate.
   * Answering the same again changes nothing.
   */
  async rsvp(token: string, accept: boolean): Promise<PublicRegistrationDto> {
    const { registration, event } = await this.registrations.transaction(async (manager) => {
      const r = await this.mustLock(manager, token);
      const event = (await this.events.findById(r.eventId, manager))!;
      if (event.status === 'cancelled' || event.status === 'completed') {
        throw new ConflictError(`the event is ${event.status}; answers are closed`, { eventStatus: event.status }, { code: 'registration.answersClosed', params: { eventStatus: event.status } });
      }
      if (r.status === 'cancelled') throw new ConflictError('this registration was cancelled; register again', { status: r.status }, { code: 'registration.wasCancelled' });
      const from = r.status;
      if (accept && (r.status === 'invited' || r.status === 'declined')) {
        const status = await this.seats.confirmOrWaitlist(manager, r, event);
        r.declinedAt = null;
        await this.registrations.update(manager, r);
        if (status === 'confirmed') await this.mails.confirmed(manager, r, event);
        else await this.mails.waitlisted(manager, r, event);
      } else if (!accept && r.status !== 'declined') {
        const heldSeat = SeatsService.holdsSeat(r);
        r.status = 'declined';
        r.declinedAt = new Date();
        r.waitlistedAt = null;
        await this.registrations.update(manager, r);
        if (heldSeat) await this.seats.release(manager, r.eventId);
      }
      if (from !== r.status) await this.recordByDelegate(manager, 'registration.rsvp', r, event, from);
      return { registration: r, event };
    });
    return this.toDto(token, registration, event);
  }

  async cancel(token: string): Promise<PublicRegistrationDto> {
    const { registration, event } = await this.registrations.transaction(async (manager) => {
      const locked = await this.mustLock(manager, token);
      const from = locked.status;
      const r = await this.registrationsService.cancelLocked(manager, locked);
      const event = (await this.events.findById(r.eventId, manager))!;
      if (from !== r.status) await this.recordByDelegate(manager, 'registration.cancel', r, event, from);
      return { registration: r, event };
    });
    return this.toDto(token, registration, event);
  }

  /** The check-in code as a QR code: it encodes the bare code, so a USB scanner types exactly what a person would. */
  async qrSvg(token: string): Promise<string> {
    const { registration } = await this.mustFind(token);
    // qrcode and ics load on first use (a delegate opening a personal link), not in every api process.
    const { default: QRCode } = await import('qrcode');
    return QRCode.toString(registration.code, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  }

  async ics(token: string): Promise<string> {
    const { registration, event } = await this.mustFind(token);
    const utc = (d: Date): DateArray => [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()];
    const en = registration.language === 'en';
    const { createEvent } = await import('ics');
    const { error, value } = createEvent({
      uid: `${event.id}@trainingdesk`,
      title: en && event.titleEn ? event.titleEn : event.title,
      start: utc(event.startsAt),
      startInputType: 'utc',
      startOutputType: 'utc',
      end: utc(event.endsAt),
      endInputType: 'utc',
      endOutputType: 'utc',
      location: event.venue ?? undefined,
      description: (en ? event.descriptionEn : event.description) ?? undefined,
      url: this.mails.personalLink(token),
      status: event.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
    });
    if (error || !value) throw error ?? new Error('ics: no calendar produced');
    return value;
  }

  private async toDto(token: string, r: Registration, event: TrainingEvent): Promise<PublicRegistrationDto> {
    const sessions: PublicSessionDto[] = (await this.sessions.listForCheckedEvent(event)).map((s) => ({
      id: s.id,
      title: s.title,
      topic: s.topic,
      room: s.room,
      startsAt: s.startsAt,
      endsAt: s.endsAt,
    }));
    return PublicRegistrationDto.from(r, event, sessions, `${this.config.appUrl}/${API_PREFIX}/public/registrations/${token}`);
  }

  private async mustFind(token: string): Promise<{ registration: Registration; event: TrainingEvent }> {
    const hash = PersonalLinks.lookupHash(token);
    const registration = hash ? await this.registrations.findByTokenHash(hash) : null;
    // One answer for a wrong and a malformed token: nothing to learn from trying.
    if (!registration) throw new NotFoundError('Registration');
    const event = await this.events.findById(registration.eventId);
    if (!event) throw new NotFoundError('Registration');
    return { registration, event };
  }

  /** The delegate's own change: no signed-in actor; `by: 'delegate'` says who (the token is never recorded). */
  private recordByDelegate(manager: EntityManager, action: string, r: Registration, event: TrainingEvent, from: string): Promise<void> {
    return this.audit.record(manager, { actor: null, action, entity: 'registration', entityId: r.id, organizationId: event.organizationId, changes: { eventId: event.id, by: 'delegate', status: { from, to: r.status } } });
  }

  private async mustLock(manager: EntityManager, token: string): Promise<Registration> {
    const hash = PersonalLinks.lookupHash(token);
    const r = hash ? await this.registrations.findByTokenHashForUpdate(manager, hash) : null;
    if (!r) throw new NotFoundError('Registration');
    return r;
  }
}
