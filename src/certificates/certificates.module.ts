import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RegistrationsModule } from '../registrations/registrations.module';
import { Certificate } from './certificate.entity';
import { CertificatesController, PublicCertificatesController } from './certificates.controller';
import { CertificatesRepository } from './certificates.repository';
import { CertificatesService } from './certificates.service';

@Module({
  imports: [TypeOrmModule.forFeature([Certificate]), RegistrationsModule],
  controllers: [CertificatesController, PublicCertificatesController],
  providers: [CertificatesRepository, CertificatesService],
  // The public page /verify/:code confirms through CertificatesService.verify.
  exports: [CertificatesService],
})
export class CertificatesModule {}
