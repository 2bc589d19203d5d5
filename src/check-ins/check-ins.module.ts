import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganizationsModule } from '../organizations/organizations.module';
import { CheckIn } from './check-in.entity';
import { CheckInsController, EventCheckInsController } from './check-ins.controller';
import { CheckInsRepository } from './check-ins.repository';
import { CheckInsService } from './check-ins.service';

@Module({
  imports: [TypeOrmModule.forFeature([CheckIn]), OrganizationsModule],
  controllers: [EventCheckInsController, CheckInsController],
  providers: [CheckInsRepository, CheckInsService],
  exports: [CheckInsService],
})
export class CheckInsModule {}
