import { Injectable } from '@nestjs/common';
import { EventDto } from '../../events/dto/event.dto';
import { EventsService } from '../../events/events.service';
import { NotFoundError } from '../../http/domain-errors';
import { SessionDto } from '../../sessions/dto/session.dto';
import { SessionsService } from '../../sessions/sessions.service';

/** What a visitor without an account may see of an event: published ones only. */
@Injectable()
export class PublicEventService {
  constructor(
    private readonly events: EventsService,
    private readonly sessions: SessionsService,
  ) {}

  /**
   * The event of /e/:slug with its agenda: published, finished and cancelled
   * events (the page says which; a delegate's link must not end in a bare 404).
   * Drafts are 404, the same answer as an unknown slug, so drafts do not leak.
   */
  async getPublished(slug: string): Promise<{ event: EventDto; sessions: SessionDto[] }> {
    const event = await this.events.findBySlug(slug);
    if (!event || event.status === 'draft') throw new NotFoundError('Event', slug);
    return { event, sessions: await this.sessions.listForCheckedEvent(event) };
  }
}
