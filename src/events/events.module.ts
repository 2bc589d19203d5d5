import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganizationsModule } from '../organizations/organizations.module';
import { TrainingEvent } from './event.entity';
import { EventsController } from './events.controller';
import { EventsRepository } from './events.repository';
import { EventsService } from './events.service';

@Module({
  imports: [TypeOrmModule.forFeature([TrainingEvent]), OrganizationsModule],
  controllers: [EventsController],
  providers: [EventsRepository, EventsService],
  // Registrations, check-ins, reports and pages read events through EventsService
  // (assertReadable / assertManageable / getForUpdate).
  exports: [EventsService, EventsRepository],
})
export class EventsModule {}
