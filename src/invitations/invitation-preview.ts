import { Injectable } from '@nestjs/common';
import { AuthUser } from '../auth/auth-user';
import { EventsService } from '../events/events.service';
import { MailRenderer } from '../mail/mail-renderer';
import { attachmentContent } from '../mail/mail-transport';
import { MASKED_TOKEN, PERSONAL_LINK_PLACEHOLDER } from '../registrations/personal-links';
import { MailRecipient, RegistrationMails } from '../registrations/registration-mails';
import { SessionsService } from '../sessions/sessions.service';
import { translator } from '../web/i18n/i18n';
import { SendableTemplate } from './dto/invitation.dto';
import { InvitationsRepository } from './invitations.repository';

/**
 * The mail of a template as a recipient in `locale` will see it, for the "send invitations"
 * dialog: the event's first registration in that language (or a sample person), the agenda, the
 * QR code shown inline, the personal link masked.
 */
@Injectable()
export class InvitationPreview {
  constructor(
    private readonly events: EventsService,
    private readonly sessions: SessionsService,
    private readonly mails: RegistrationMails,
    private readonly renderer: MailRenderer,
    private readonly invitations: InvitationsRepository,
  ) {}

  async render(user: AuthUser, eventId: string, template: SendableTemplate, locale: 'vi' | 'en'): Promise<{ subject: string; html: string; text: string }> {
    const event = await this.events.assertReadable(user, eventId);
    const sample: MailRecipient = (await this.invitations.firstRecipient(eventId, locale)) ?? {
      id: '00000000-0000-4000-8000-000000000000',
      eventId,
      language: locale,
      fullName: translator(locale)('invitations.preview.sampleName'),
      email: 'delegate@example.org',
      code: '0000000000',
      status: event.registrationMode === 'invite_only' ? 'invited' : 'confirmed',
    };
    const req = this.mails.build(template, { ...sample, language: locale }, event, { sessions: await this.sessions.listForCheckedEvent(event) });
    const out = this.renderer.render(req.template, req.locale, req.data);
    let html = out.html.split(PERSONAL_LINK_PLACEHOLDER).join(MASKED_TOKEN);
    for (const a of req.attachments ?? []) {
      if (a.cid && a.qrCode) html = html.split(`cid:${a.cid}`).join(`data:image/png;base64,${(await attachmentContent({ filename: a.filename, contentType: a.contentType, qrCode: a.qrCode })).toString('base64')}`);
    }
    return { subject: out.subject, html, text: out.text.split(PERSONAL_LINK_PLACEHOLDER).join(MASKED_TOKEN) };
  }
}
