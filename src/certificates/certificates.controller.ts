import { Get, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Public, Roles } from '../auth/auth-user';
import { ApiController, ApiErrors } from '../http/api-controller.decorator';
import type { FastifyReply } from '../http/request';
import { UuidParam } from '../http/uuid-param';
import { ExportQueryDto } from '../reports/dto/report.dto';
import { CertificateDto, VerifiedCertificateDto } from './certificate.dto';
import { CertificatesService } from './certificates.service';

const NOT_CHECKED_IN = 'the registration is not confirmed or was never checked in';

@ApiController('registrations', 'certificates')
export class CertificatesController {
  constructor(private readonly certificates: CertificatesService) {}

  @Get(':id/certificate')
  @Roles('organizer', 'leader')
  @ApiOkResponse({ type: CertificateDto })
  @ApiErrors({ 409: NOT_CHECKED_IN })
  issue(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<CertificateDto> {
    return this.certificates.issue(user, id);
  }

  @Get(':id/certificate.pdf')
  @Roles('organizer', 'leader')
  @ApiOkResponse({ description: 'the certificate of attendance as PDF', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } })
  @ApiErrors({ 409: NOT_CHECKED_IN })
  async pdf(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Query() q: ExportQueryDto, @Res() res: FastifyReply): Promise<void> {
    const doc = await this.certificates.pdf(user, id, q.lang ?? 'vi');
    res.header('Content-Type', 'application/pdf').header('Content-Disposition', `inline; filename="certificate-${id}.pdf"`).header('Cache-Control', 'private, no-store').send(doc);
  }
}

/** The public check of a certificate's code: anyone holding the paper may confirm it. */
@ApiController('public/certificates', 'public')
@Public()
export class PublicCertificatesController {
  constructor(private readonly certificates: CertificatesService) {}

  @Get(':code')
  @ApiOkResponse({ type: VerifiedCertificateDto })
  @ApiErrors({ 404: 'no certificate has this code (unknown, altered or forged), or its check-in was undone' })
  verify(@Param('code') code: string): Promise<VerifiedCertificateDto> {
    return this.certificates.verify(code);
  }
}
