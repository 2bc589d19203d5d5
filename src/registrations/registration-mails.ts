import { Inject, Injectable } from '@nestjs/common';
import { createEvent } from 'ics';
import { EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { TrainingEvent } from '../events/event.entity';
import { MailRequest, MailService, PreparedMail } from '../mail/mail.service';
import { PERSONAL_LINK_PLACEHOLDER } from './personal-links';
import { formatCheckInCode } from './registration-code';
import { Registration } from './registration.entity';

/** What a registration mail is about; the catalogs' `mail.kinds.<kind>` hold its words. */
export type RegistrationMailKind =
  | 'invitation'
  | 'registration-confirmed'
  | 'waitlist-promotion'
  | 'registration-waitlisted'
  | 'waitlist-closed'
  | 'reminder'
  | 'event-changed'
  | 'event-cancelled'
  | 'link-renewed'
  | 'link-resend';

/** The registration fields a mail needs. */
export type MailRecipient = Pick<Registration, 'id' | 'language' | 'fullName' | 'email' | 'code' | 'status' | 'eventId'>;

/** An agenda item as a mail shows it (from the sessions domain). */
export interface MailSession {
  title: string;
  room: string | null;
  startsAt: string | Date;
  endsAt: string | Date;
  speakers: { fullName: string; honorific: string | null }[];
}

/** What else a mail may show: the agenda, and for a change notice what the event was before. */
export interface MailExtras {
  sessions?: MailSession[];
  previous?: { startsAt?: Date; endsAt?: Date; venue?: string | null };
  batchId?: string;
}

const QR_CID = 'checkin-qr@trainingdesk';
/** Kinds that carry the check-in pass (QR code inline); a cancelled event's mail must not. */
const WITH_PASS = new Set<RegistrationMailKind>(['invitation', 'registration-confirmed', 'waitlist-promotion', 'reminder', 'event-changed', 'link-renewed', 'link-resend']);
/** Kinds that carry the calendar entry. */
const WITH_CALENDAR = new Set<RegistrationMailKind>(['invitation', 'registration-confirmed', 'waitlist-promotion', 'reminder', 'event-changed', 'event-cancelled', 'link-resend']);

/**
 * The mails of a registration (invitation, confirmation, waiting list, reminder, change and
 * cancellation notices), written through MailService in the caller's transaction: they exist if
 * and only if the change commits. One template (`src/mail/templates/registration.eta`) for all,
 * its words in the catalogs (`mail.*`), in the registration's language; times in the event's time
 * zone. Each carries the personal link as a placeholder (filled with the current token when sent),
 * the check-in QR code inline (drawn when sent) and an .ics entry with a stable UID and a SEQUENCE
 * that grows with every change of the event (METHOD:CANCEL once it is cancelled).
 */
@Injectable()
export class RegistrationMails {
  private readonly calendars = new Map<string, string>();

  constructor(
    private readonly mail: MailService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The personal link of `token`, as the API answers it to the organizer or the delegate who just registered. */
  personalLink(token: string): string {
    return `${this.config.appUrl}/r/${token}`;
  }

  /** Confirmed (registered or accepted). */
  confirmed(manager: EntityManager, r: MailRecipient, event: TrainingEvent): Promise<string> {
    return this.mail.enqueue(manager, this.build('registration-confirmed', r, event));
  }

  /** Promoted from the waiting list: one mail each, written with two statements whatever their number. */
  async promoted(manager: EntityManager, rs: MailRecipient[], event: TrainingEvent): Promise<void> {
    await this.mail.enqueueMany(manager, rs.map((r) => this.build('waitlist-promotion', r, event)));
  }

  /** The waiting list was switched off with these delegates still on it: their registration ends, and they are told. */
  async waitlistClosed(manager: EntityManager, rs: MailRecipient[], event: TrainingEvent): Promise<void> {
    await this.mail.enqueueMany(manager, rs.map((r) => this.build('waitlist-closed', r, event)));
  }

  /** The organizer revoked the delegate's link: the new one goes to the delegate. */
  linkRenewed(manager: EntityManager, r: MailRecipient, event: TrainingEvent): Promise<string> {
    return this.mail.enqueue(manager, this.build('link-renewed', r, event));
  }

  /** "Lost your link?": the current link, mailed again. */
  linkResend(manager: EntityManager, r: MailRecipient, event: TrainingEvent): Promise<string> {
    return this.mail.enqueue(manager, this.build('link-resend', r, event));
  }

  /** Put on the waiting list at registration. */
  waitlisted(manager: EntityManager, r: MailRecipient, event: TrainingEvent): Promise<string> {
    return this.mail.enqueue(manager, this.build('registration-waitlisted', r, event));
  }

  /**
   * The confirmation mail's rows, not yet written, for a registration that
   * is inserted in one statement together with them (see
   * RegistrationsRepository.insertConfirmedTakingSeat); call written() after it.
   */
  prepareConfirmed(r: MailRecipient, event: TrainingEvent): PreparedMail {
    return this.mail.prepare(this.build('registration-confirmed', r, event));
  }

  /** The prepared mails were committed: relay them now. */
  written(): void {
    this.mail.written();
  }

  /** The mail of `kind` to `r`, rendered, not yet written (the invitations fan-out writes many at once). */
  build(kind: RegistrationMailKind, r: MailRecipient, event: TrainingEvent, extras: MailExtras = {}): MailRequest {
    const locale = r.language;
    const title = locale === 'en' && event.titleEn ? event.titleEn : event.title;
    const link = this.personalLink(PERSONAL_LINK_PLACEHOLDER);
    const answering = kind === 'invitation' && event.registrationMode === 'invite_only' && (r.status === 'invited' || r.status === 'declined');
    const pass = WITH_PASS.has(kind) && event.status !== 'cancelled';
    const previous = extras.previous
      ? {
          when: extras.previous.startsAt || extras.previous.endsAt ? formatSpan(extras.previous.startsAt ?? event.startsAt, extras.previous.endsAt ?? event.endsAt, event.timezone, locale) : null,
          venue: extras.previous.venue !== undefined && extras.previous.venue !== event.venue ? extras.previous.venue || '—' : null,
        }
      : null;
    const data = {
      kind,
      name: r.fullName,
      title,
      when: formatSpan(event.startsAt, event.endsAt, event.timezone, locale),
      zone: zoneName(event.timezone, event.startsAt, locale),
      venue: event.venue,
      previous,
      sessions: (extras.sessions ?? []).map((s) => ({
        when: formatSpan(s.startsAt, s.endsAt, event.timezone, locale),
        title: s.title,
        room: s.room,
        speakers: s.speakers.map((p) => (p.honorific ? `${p.honorific} ${p.fullName}` : p.fullName)).join(', '),
      })),
      pass: pass ? { code: formatCheckInCode(r.code), cid: QR_CID } : null,
      link: kind === 'event-cancelled' || kind === 'waitlist-closed' ? null : link,
      accept: answering ? `${link}/accept` : null,
      decline: answering && r.status === 'invited' ? `${link}/decline` : null,
      calendar: WITH_CALENDAR.has(kind),
    };
    const attachments: MailRequest['attachments'] = [];
    if (pass) attachments.push({ filename: 'checkin-qr.png', contentType: 'image/png', cid: QR_CID, qrCode: r.code });
    if (WITH_CALENDAR.has(kind)) {
      const cancelled = kind === 'event-cancelled' || event.status === 'cancelled';
      attachments.push({ filename: cancelled ? 'cancel.ics' : 'event.ics', contentType: `text/calendar; charset=utf-8; method=${cancelled ? 'CANCEL' : 'PUBLISH'}`, content: this.calendar(event, title, cancelled) });
    }
    return { to: r.email, toName: r.fullName, template: 'registration', locale, data, attachments, registrationId: r.id, kind, eventId: event.id, batchId: extras.batchId };
  }

  /**
   * The event as an iCalendar entry. UID: one per event, so a later mail updates the entry the
   * first one made; SEQUENCE: the seconds from the event's creation to its last change, which grows
   * with every change (moved, renamed, cancelled) and is the same for every mail of one version.
   */
  private calendar(event: TrainingEvent, title: string, cancelled: boolean): string {
    // The same for every recipient of one version of the event (no ATTENDEE: the entry is published,
    // not an iTIP request), so a batch of 10,000 builds it once: ics validates each entry (~4 ms).
    const key = `${event.id}|${new Date(event.updatedAt).getTime()}|${title}|${event.venue}|${cancelled}`;
    const cached = this.calendars.get(key);
    if (cached) return cached;
    const value = this.buildCalendar(event, title, cancelled);
    if (this.calendars.size >= 500) this.calendars.delete(this.calendars.keys().next().value!);
    this.calendars.set(key, value);
    return value;
  }

  private buildCalendar(event: TrainingEvent, title: string, cancelled: boolean): string {
    const utc = (d: Date): [number, number, number, number, number] => [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()];
    const sequence = Math.max(0, Math.floor((new Date(event.updatedAt).getTime() - new Date(event.createdAt).getTime()) / 1000)) + (cancelled && event.status !== 'cancelled' ? 1 : 0);
    const from = /<([^>]+)>/.exec(this.config.mailFrom)?.[1] ?? this.config.mailFrom;
    const { error, value } = createEvent({
      uid: `${event.id}@trainingdesk`,
      sequence,
      method: cancelled ? 'CANCEL' : 'PUBLISH',
      title,
      start: utc(event.startsAt),
      startInputType: 'utc',
      startOutputType: 'utc',
      end: utc(event.endsAt),
      endInputType: 'utc',
      endOutputType: 'utc',
      location: event.venue ?? undefined,
      status: cancelled ? 'CANCELLED' : 'CONFIRMED',
      organizer: { name: 'TrainingDesk', email: from },
      productId: 'trainingdesk',
    });
    if (error || !value) throw error ?? new Error('ics: no calendar produced');
    return value;
  }
}

const LOCALE_TAG = { vi: 'vi-VN', en: 'en-GB' } as const;
const formats = new Map<string, Intl.DateTimeFormat>();

/** Intl formatters are costly to build (~0.3 ms): one per locale, zone and shape. */
function format(locale: string, zone: string, shape: 'day' | 'time' | 'offset'): Intl.DateTimeFormat {
  const key = `${locale}|${zone}|${shape}`;
  let f = formats.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions =
      shape === 'day' ? { weekday: 'long', day: '2-digit', month: '2-digit', year: 'numeric' } : shape === 'time' ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : { timeZoneName: 'shortOffset' };
    f = new Intl.DateTimeFormat(locale, { timeZone: zone, ...options });
    formats.set(key, f);
  }
  return f;
}

/** `08:00 – 16:00, thứ Ba, 15/12/2026` · `Tue, 15/12/2026, 08:00 – 16:00`, in `zone`. */
export function formatSpan(start: Date | string, end: Date | string, zone: string, locale: 'vi' | 'en'): string {
  const s = new Date(start);
  const e = new Date(end);
  const day = format(LOCALE_TAG[locale], zone, 'day');
  const time = format('en-GB', zone, 'time');
  const sameDay = day.format(s) === day.format(e);
  const range = sameDay ? `${time.format(s)} – ${time.format(e)}` : null;
  if (locale === 'vi') return range ? `${range}, ${day.format(s)}` : `${time.format(s)}, ${day.format(s)} – ${time.format(e)}, ${day.format(e)}`;
  return range ? `${day.format(s)}, ${range}` : `${day.format(s)}, ${time.format(s)} – ${day.format(e)}, ${time.format(e)}`;
}

/** The zone with its offset, e.g. `Asia/Ho_Chi_Minh (GMT+7)`. */
function zoneName(zone: string, at: Date, locale: 'vi' | 'en'): string {
  const offset = format(LOCALE_TAG[locale], zone, 'offset').formatToParts(at).find((p) => p.type === 'timeZoneName')?.value;
  return offset ? `${zone} (${offset})` : zone;
}
