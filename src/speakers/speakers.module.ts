import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganizationsModule } from '../organizations/organizations.module';
import { Speaker } from './speaker.entity';
import { SpeakersController } from './speakers.controller';
import { SpeakersRepository } from './speakers.repository';
import { SpeakersService } from './speakers.service';

@Module({
  imports: [TypeOrmModule.forFeature([Speaker]), OrganizationsModule],
  controllers: [SpeakersController],
  providers: [SpeakersRepository, SpeakersService],
  exports: [SpeakersService],
})
export class SpeakersModule {}
