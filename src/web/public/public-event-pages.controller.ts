import { Get, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from '../../http/request';
import { Public } from '../../auth/auth-user';
import { EventDto } from '../../events/dto/event.dto';
import { zoneLabel } from '../format/office-format';
import { Locale } from '../i18n/i18n';
import { WebController } from '../web-controller.decorator';
import { AgendaItem, agendaItems, formatInZone, inLanguage, spanInZone } from '../events/event-view';
import { RegistrationsService } from '../../registrations/registrations.service';
import { PublicEventService } from './public-event.service';

/**
 * What public/registration-entry.eta receives (besides the page's `it.t`,
 * `it.locale`, `it.csrfField`, `it.csrfToken()`): the event and its
 * registration facts. Keep these names stable: the registration form builds on them.
 */
export interface RegistrationEntry {
  mode: EventDto['registrationMode'];
  /** Local display strings in the event's zone; '' when unbounded. */
  opensAt: string;
  closesAt: string;
  /** Whether registration is open right now (window and status), as a hint; the registration service decides. */
  state: 'open' | 'notYet' | 'closed';
}

/** View model of public/event.eta. */
interface PublicEventView {
  event: EventDto;
  /** `giờ Việt Nam (GMT+7)`: the zone of every time on the page. */
  zone: string;
  title: string;
  description: string | null;
  audience: string | null;
  when: string;
  agenda: AgendaItem[];
  registration: RegistrationEntry;
}

/** The public event page /e/:slug: no login; published events, and finished or cancelled ones saying so. */
@WebController('e')
export class PublicEventPagesController {
  constructor(private readonly publicEvents: PublicEventService) {}

  @Public()
  @Get(':slug')
  async show(@Param('slug') slug: string, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const { event, sessions } = await this.publicEvents.getPublished(slug);
    const locale: Locale = req.locale ?? 'vi';
    const state = RegistrationsService.entryState(event);
    const view: PublicEventView = {
      event,
      zone: zoneLabel(event.timezone, locale, event.startsAt),
      title: inLanguage(event.title, event.titleEn, locale)!,
      description: inLanguage(event.description, event.descriptionEn, locale),
      audience: inLanguage(event.audience, event.audienceEn, locale),
      when: spanInZone(event.startsAt, event.endsAt, event.startsAtLocal, event.endsAtLocal, event.timezone, locale),
      agenda: agendaItems(sessions, event.timezone, locale),
      registration: {
        mode: event.registrationMode,
        opensAt: formatInZone(event.registrationOpensAt, event.timezone, locale),
        closesAt: formatInZone(event.registrationClosesAt, event.timezone, locale),
        state: state === 'notYet' || state === 'closed' ? state : 'open',
      },
    };
    res.view('public/event', view);
  }
}
