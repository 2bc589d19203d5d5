import { Get, Param, Req, Res } from '@nestjs/common';
import { Public } from '../../auth/auth-user';
import { CertificatesService } from '../../certificates/certificates.service';
import { VerifiedCertificateDto } from '../../certificates/certificate.dto';
import { NotFoundError } from '../../http/domain-errors';
import type { FastifyReply, FastifyRequest } from '../../http/request';
import { WebController } from '../web-controller.decorator';

/** The public page printed on each certificate (its QR code leads here): confirms the code or says it is unknown (404). */
@WebController('verify')
@Public()
export class VerifyPageController {
  constructor(private readonly certificates: CertificatesService) {}

  @Get(':code')
  async verify(@Param('code') code: string, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    let certificate: VerifiedCertificateDto | null = null;
    try {
      certificate = await this.certificates.verify(code);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
    const title = certificate && req.locale === 'en' && certificate.eventTitleEn ? certificate.eventTitleEn : certificate?.eventTitle;
    await res.status(certificate ? 200 : 404).header('X-Robots-Tag', 'noindex').view('verify/verify', { certificate, eventTitle: title ?? null });
  }
}
