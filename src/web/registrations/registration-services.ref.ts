import { Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { PublicRegistrationsService } from '../../registrations/public-registrations.service';
import { RegistrationImportService } from '../../registrations/registration-import.service';

/**
 * The registrations services that RegistrationsModule does not export (the
 * delegate's token actions and the bulk import), looked up once at start.
 * The pages call the same services as the API, never a copy of their rules.
 * TODO(registrations): export both from RegistrationsModule and inject them directly.
 */
@Injectable()
export class RegistrationServicesRef implements OnModuleInit {
  publicRegistrations!: PublicRegistrationsService;
  imports!: RegistrationImportService;

  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    this.publicRegistrations = this.moduleRef.get(PublicRegistrationsService, { strict: false });
    this.imports = this.moduleRef.get(RegistrationImportService, { strict: false });
  }
}
