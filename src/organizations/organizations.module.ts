import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Organization } from './organization.entity';
import { OrganizationScopeService } from './organization-scope.service';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationsService } from './organizations.service';

@Module({
  imports: [TypeOrmModule.forFeature([Organization])],
  controllers: [OrganizationsController],
  providers: [OrganizationsRepository, OrganizationsService, OrganizationScopeService],
  exports: [OrganizationsService, OrganizationScopeService, OrganizationsRepository],
})
export class OrganizationsModule {}
