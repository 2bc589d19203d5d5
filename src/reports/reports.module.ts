import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { EventPrintsController, ReportsController } from './reports.controller';
import { ReportsRepository } from './reports.repository';
import { ReportsService } from './reports.service';

@Module({
  imports: [EventsModule, OrganizationsModule],
  controllers: [ReportsController, EventPrintsController],
  providers: [ReportsRepository, ReportsService],
  // The dashboard and report pages read through ReportsService.
  exports: [ReportsService],
})
export class ReportsModule {}
