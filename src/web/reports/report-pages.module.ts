import { Module } from '@nestjs/common';
import { CertificatesModule } from '../../certificates/certificates.module';
import { OrganizationsModule } from '../../organizations/organizations.module';
import { ReportsModule } from '../../reports/reports.module';
import { VerifyPageController } from '../verify/verify-page.controller';
import { ReportPagesController } from './report-pages.controller';

/** Leadership report pages and the public certificate check. */
@Module({
  imports: [ReportsModule, CertificatesModule, OrganizationsModule],
  controllers: [ReportPagesController, VerifyPageController],
})
export class ReportPagesModule {}
