import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { ReportsModule } from '../reports/reports.module';
import { OutboxPagesController } from './admin/outbox-pages.controller';
import { LoginController } from './auth/login.controller';
import { DashboardController } from './dashboard/dashboard.controller';
import { EventPagesModule } from './events/event-pages.module';
import { LangController } from './lang.controller';
import { OrganizationPagesController } from './organizations/organization-pages.controller';
import { UserPagesModule } from './users/user-pages.module';

/** The server-rendered pages (one folder per audience); wired into Fastify by configureWeb. */
@Module({
  imports: [OrganizationsModule, MailModule, EventPagesModule, ReportsModule, UserPagesModule],
  controllers: [LoginController, LangController, DashboardController, OrganizationPagesController, OutboxPagesController],
})
export class WebModule {}
