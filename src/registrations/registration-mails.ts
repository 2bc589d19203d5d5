import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { TrainingEvent } from '../events/event.entity';
import { toLocalIso } from '../events/event-time';
import { MailRequest, MailService, PreparedMail } from '../mail/mail.service';
import { PERSONAL_LINK_PLACEHOLDER } from './personal-links';
import { formatCheckInCode } from './registration-code';
import { Registration } from './registration.entity';

/**
 * The mails a registration's changes cause, written through MailService in
 * the caller's transaction: they exist if and only if the change commits.
 */
@Injectable()
export class RegistrationMails {
  constructor(
    private readonly mail: MailService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The personal link of `token`, as the API answers it to the organizer or the delegate who just registered. */
  personalLink(token: string): string {
    return `${this.config.appUrl}/r/${token}`;
  }

  /** Confirmed (registered or accepted). */
  confirmed(manager: EntityManager, r: Registration, event: TrainingEvent): Promise<string> {
    return this.mail.enqueue(manager, this.confirmedMail(r, event, false));
  }

  /** Promoted from the waiting list: one mail each, written with two statements whatever their number. */
  async promoted(manager: EntityManager, rs: Registration[], event: TrainingEvent): Promise<void> {
    await this.mail.enqueueMany(manager, rs.map((r) => this.confirmedMail(r, event, true)));
  }

  /** The waiting list was switched off with these delegates still on it: their registration ends, and they are told. */
  async waitlistClosed(manager: EntityManager, rs: Registration[], event: TrainingEvent): Promise<void> {
    await this.mail.enqueueMany(
      manager,
      rs.map((r) => {
        const vi = r.language === 'vi';
        const title = this.title(r, event);
        return this.request(r, 'waitlist-closed', {
          heading: vi ? `Danh sách chờ đã đóng: ${title}` : `Waiting list closed: ${title}`,
          paragraphs: vi
            ? [`Kính gửi ${r.fullName},`, 'Ban tổ chức đã đóng danh sách chờ của sự kiện này khi chưa có chỗ cho anh/chị, nên đăng ký của anh/chị đã kết thúc. Rất mong được gặp anh/chị ở sự kiện sau.']
            : [`Dear ${r.fullName},`, 'The organizers have closed the waiting list of this event before a seat became free for you, so your registration has ended. We hope to see you at a later event.'],
        });
      }),
    );
  }

  /** The organizer revoked the delegate's link: the new one goes to the delegate. */
  linkRenewed(manager: EntityManager, r: Registration, event: TrainingEvent): Promise<string> {
    const vi = r.language === 'vi';
    const title = this.title(r, event);
    return this.send(manager, r, 'link-renewed', {
      heading: vi ? `Đường dẫn cá nhân mới: ${title}` : `Your new personal link: ${title}`,
      paragraphs: vi
        ? [`Kính gửi ${r.fullName},`, 'Ban tổ chức đã thu hồi đường dẫn cá nhân trước đây của anh/chị. Từ nay hãy dùng đường dẫn dưới đây; đăng ký và mã điểm danh của anh/chị không thay đổi.']
        : [`Dear ${r.fullName},`, 'The organizers have revoked your earlier personal link. From now on use the link below; your registration and check-in code are unchanged.'],
      link: this.linkButton(r),
    });
  }

  /**
   * The confirmation mail's rows, not yet written, for a registration that
   * is inserted in one statement together with them (see
   * RegistrationsRepository.insertConfirmedTakingSeat); call written() after it.
   */
  prepareConfirmed(r: Pick<Registration, 'id' | 'language' | 'fullName' | 'email' | 'code'>, event: TrainingEvent): PreparedMail {
    return this.mail.prepare(this.confirmedMail(r, event, false));
  }

  /** The prepared mails were committed: relay them now. */
  written(): void {
    this.mail.written();
  }

  private confirmedMail(r: Pick<Registration, 'id' | 'language' | 'fullName' | 'email' | 'code'>, event: TrainingEvent, promoted: boolean): MailRequest {
    const vi = r.language === 'vi';
    const title = this.title(r, event);
    const when = this.when(event);
    const code = formatCheckInCode(r.code);
    const heading = promoted
      ? vi ? `Đã có chỗ cho anh/chị: ${title}` : `A seat is now yours: ${title}`
      : vi ? `Xác nhận đăng ký: ${title}` : `Registration confirmed: ${title}`;
    const paragraphs = vi
      ? [
          `Kính gửi ${r.fullName},`,
          promoted ? 'Một chỗ vừa trống và anh/chị đã được chuyển từ danh sách chờ sang danh sách chính thức.' : 'Đăng ký của anh/chị đã được xác nhận.',
          `Thời gian: ${when}${event.venue ? `. Địa điểm: ${event.venue}` : ''}.`,
          `Mã điểm danh: ${code}. Vui lòng xuất trình mã QR trong đường dẫn dưới đây khi đến.`,
        ]
      : [
          `Dear ${r.fullName},`,
          promoted ? 'A seat became free and you have moved from the waiting list to the confirmed list.' : 'Your registration is confirmed.',
          `When: ${when}${event.venue ? `. Where: ${event.venue}` : ''}.`,
          `Check-in code: ${code}. Please show the QR code from the link below at the door.`,
        ];
    if (promoted) paragraphs.push(vi ? 'Đường dẫn cá nhân của anh/chị vẫn giữ nguyên.' : 'Your personal link stays the same.');
    return this.request(r, promoted ? 'waitlist-promotion' : 'registration-confirmed', { heading, paragraphs, link: this.linkButton(r) });
  }

  /** Put on the waiting list at registration. */
  async waitlisted(manager: EntityManager, r: Registration, event: TrainingEvent): Promise<string> {
    const vi = r.language === 'vi';
    const title = this.title(r, event);
    return this.send(manager, r, 'registration-waitlisted', {
      heading: vi ? `Danh sách chờ: ${title}` : `Waiting list: ${title}`,
      paragraphs: vi
        ? [`Kính gửi ${r.fullName},`, 'Sự kiện đã đủ chỗ; anh/chị đang ở danh sách chờ. Chúng tôi sẽ gửi thư ngay khi có chỗ.']
        : [`Dear ${r.fullName},`, 'The event is full; you are on the waiting list. We will write as soon as a seat is free.'],
      link: this.linkButton(r),
    });
  }

  /** The recipient's personal link: a placeholder in the stored mail, the current link when it is sent. */
  private linkButton(r: Pick<Registration, 'language'>): { url: string; label: string } {
    return { url: this.personalLink(PERSONAL_LINK_PLACEHOLDER), label: r.language === 'vi' ? 'Xem đăng ký của tôi' : 'View my registration' };
  }

  private send(manager: EntityManager, r: Registration, kind: string, data: { heading: string; paragraphs: string[]; link?: { url: string; label: string } }): Promise<string> {
    return this.mail.enqueue(manager, this.request(r, kind, data));
  }

  private request(r: Pick<Registration, 'id' | 'language' | 'fullName' | 'email'>, kind: string, data: { heading: string; paragraphs: string[]; link?: { url: string; label: string } }): MailRequest {
    return { to: r.email, toName: r.fullName, template: 'notice', locale: r.language, data, registrationId: r.id, kind };
  }

  private title(r: Pick<Registration, 'language'>, event: TrainingEvent): string {
    return r.language === 'en' && event.titleEn ? event.titleEn : event.title;
  }

  private when(event: TrainingEvent): string {
    return toLocalIso(event.startsAt, event.timezone).slice(0, 16).replace('T', ' ') + ` (${event.timezone})`;
  }
}
