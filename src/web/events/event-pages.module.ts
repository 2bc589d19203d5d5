import { Module } from '@nestjs/common';
import { EventsModule } from '../../events/events.module';
import { OrganizationsModule } from '../../organizations/organizations.module';
import { QuotasModule } from '../../quotas/quotas.module';
import { SessionsModule } from '../../sessions/sessions.module';
import { SpeakersModule } from '../../speakers/speakers.module';
import { PublicEventPagesController } from '../public/public-event-pages.controller';
import { PublicEventService } from '../public/public-event.service';
import { SpeakerPagesController } from '../speakers/speaker-pages.controller';
import { AgendaPagesController } from './agenda-pages.controller';
import { EventPagesController } from './event-pages.controller';
import { QuotaPagesController } from './quota-pages.controller';

/** Pages of the events domain: organizer pages (events, agenda, quotas, speakers) and the public event page. */
@Module({
  imports: [EventsModule, SessionsModule, SpeakersModule, QuotasModule, OrganizationsModule],
  controllers: [EventPagesController, AgendaPagesController, QuotaPagesController, SpeakerPagesController, PublicEventPagesController],
  providers: [PublicEventService],
})
export class EventPagesModule {}
