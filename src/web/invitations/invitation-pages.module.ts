import { Module } from '@nestjs/common';
import { InvitationsModule } from '../../invitations/invitations.module';
import { OrganizationsModule } from '../../organizations/organizations.module';
import { AnswerPagesController } from './answer-pages.controller';
import { InvitationPagesController } from './invitation-pages.controller';

/** Invitation pages: the organizer's send dialog, progress and failures; the delegate's answer and lost-link pages. */
@Module({
  imports: [InvitationsModule, OrganizationsModule],
  controllers: [InvitationPagesController, AnswerPagesController],
})
export class InvitationPagesModule {}
