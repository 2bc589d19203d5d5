import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { CheckInsModule } from '../../check-ins/check-ins.module';
import { EventsModule } from '../../events/events.module';
import { RegistrationsModule } from '../../registrations/registrations.module';
import { SessionsModule } from '../../sessions/sessions.module';
import { DelegatePagesController } from '../delegate/delegate-pages.controller';
import { RegistrationEntryBuilder, RegistrationEntryMiddleware } from '../delegate/registration-entry';
import { DeskPagesController } from '../desk/desk-pages.controller';
import { RegistrationPageQueries } from './registration-page-queries';
import { RegistrationPagesController } from './registration-pages.controller';

/**
 * Pages around registrations: the delegate's (registration form, "my
 * registration"), the check-in desk, and the organizer's registration pages.
 */
@Module({
  imports: [RegistrationsModule, CheckInsModule, EventsModule, SessionsModule],
  controllers: [DelegatePagesController, DeskPagesController, RegistrationPagesController],
  providers: [RegistrationPageQueries, RegistrationEntryBuilder, RegistrationEntryMiddleware],
})
export class RegistrationPagesModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // The public event page (events pages) includes the registration form, whose data is loaded here.
    consumer.apply(RegistrationEntryMiddleware).forRoutes({ path: 'e/:slug', method: RequestMethod.GET });
  }
}
