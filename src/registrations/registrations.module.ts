import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/events.module';
import { MailModule } from '../mail/mail.module';
import { SessionsModule } from '../sessions/sessions.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { PublicRegistrationsController } from './public-registrations.controller';
import { PublicRegistrationsService } from './public-registrations.service';
import { RegistrationImportService } from './registration-import.service';
import { RegistrationMails } from './registration-mails';
import { Registration } from './registration.entity';
import { EventRegistrationsController, RegistrationsController } from './registrations.controller';
import { RegistrationsRepository } from './registrations.repository';
import { RegistrationsService } from './registrations.service';
import { SeatsService } from './seats.service';

@Module({
  imports: [TypeOrmModule.forFeature([Registration]), OrganizationsModule, MailModule, EventsModule, SessionsModule],
  controllers: [EventRegistrationsController, RegistrationsController, PublicRegistrationsController],
  providers: [RegistrationsRepository, RegistrationsService, SeatsService, RegistrationMails, PublicRegistrationsService, RegistrationImportService],
  exports: [RegistrationsService, SeatsService, RegistrationsRepository, PublicRegistrationsService, RegistrationImportService],
})
export class RegistrationsModule {}
