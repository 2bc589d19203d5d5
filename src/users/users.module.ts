import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { User } from './user.entity';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';
import { UserStateCache } from './user-state-cache';

@Module({
  imports: [TypeOrmModule.forFeature([User]), OrganizationsModule, AuditModule],
  controllers: [UsersController],
  providers: [UsersService, UsersRepository, UserStateCache],
  exports: [UsersService],
})
export class UsersModule {}
