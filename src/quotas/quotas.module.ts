import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/events.module';
import { EventQuota } from './event-quota.entity';
import { QuotasController } from './quotas.controller';
import { QuotasRepository } from './quotas.repository';
import { QuotasService } from './quotas.service';

@Module({
  imports: [TypeOrmModule.forFeature([EventQuota]), EventsModule],
  controllers: [QuotasController],
  providers: [QuotasRepository, QuotasService],
  exports: [QuotasService, QuotasRepository],
})
export class QuotasModule {}
