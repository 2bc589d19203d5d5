import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/events.module';
import { MailModule } from '../mail/mail.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { RegistrationMails } from '../registrations/registration-mails';
import { RegistrationsModule } from '../registrations/registrations.module';
import { SessionsModule } from '../sessions/sessions.module';
import { EventNotices } from './event-notices';
import { EventReminder, Invitation, InvitationBatch } from './invitation.entity';
import { EventInvitationsController, InvitationBatchesController, RegistrationMailsController } from './invitations.controller';
import { InvitationsRepository } from './invitations.repository';
import { InvitationsService } from './invitations.service';
import { InvitationPreview } from './invitation-preview';
import { LinkResendService } from './link-resend.service';
import { PublicLinksController } from './public-links.controller';
import { Reminders } from './reminders';

/**
 * Invitations, reminders, change and cancellation notices. The processors (fan-out, reminder plan
 * and fire) are registered in src/worker.module.ts, which imports this module for what they use.
 * RegistrationMails is provided here too (it is stateless): the registrations module keeps its own.
 */
@Module({
  imports: [TypeOrmModule.forFeature([InvitationBatch, Invitation, EventReminder]), EventsModule, MailModule, OrganizationsModule, SessionsModule, RegistrationsModule],
  controllers: [EventInvitationsController, InvitationBatchesController, RegistrationMailsController, PublicLinksController],
  providers: [InvitationsRepository, InvitationsService, EventNotices, Reminders, RegistrationMails, LinkResendService, InvitationPreview],
  exports: [InvitationsRepository, InvitationsService, RegistrationMails, Reminders, LinkResendService, InvitationPreview, EventsModule, SessionsModule, MailModule, RegistrationsModule],
})
export class InvitationsModule {}
