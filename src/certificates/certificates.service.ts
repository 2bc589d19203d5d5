import { Inject, Injectable } from '@nestjs/common';
import { hkdfSync } from 'node:crypto';
import { DateTime } from 'luxon';
import { AuthUser } from '../auth/auth-user';
import { APP_CONFIG, AppConfig } from '../config/config';
import { ConflictError, NotFoundError } from '../http/domain-errors';
import { RegistrationsService } from '../registrations/registrations.service';
import { Locale } from '../web/i18n/i18n';
import { CertificateDto, VerifiedCertificateDto } from './certificate.dto';
import { certificateCode, certificateCodeHash, formatCertificateCode, normalizeCertificateCode } from './certificate-code';
import { certificatePdf } from './certificate.pdf';
import { CertificateFacts, CertificatesRepository } from './certificates.repository';
import type { PdfDoc } from '../reports/pdf';

/**
 * Certificates of attendance: only for a confirmed registration that was checked in. The code is
 * derived with a key only the app holds; the table keeps its hash, so verification is a lookup
 * and a forged or altered code is simply not found.
 */
@Injectable()
export class CertificatesService {
  private key?: Promise<Buffer>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly certificates: CertificatesRepository,
    private readonly registrations: RegistrationsService,
  ) {}

  async issue(user: AuthUser, registrationId: string): Promise<CertificateDto> {
    const { code } = await this.certified(user, registrationId);
    return {
      code: formatCertificateCode(code),
      verifyUrl: `${this.config.appUrl}/verify/${formatCertificateCode(code)}`,
      pdfUrl: `${this.config.appUrl}/api/v1/registrations/${registrationId}/certificate.pdf`,
    };
  }

  async pdf(user: AuthUser, registrationId: string, locale: Locale): Promise<PdfDoc> {
    const { code, facts } = await this.certified(user, registrationId);
    return certificatePdf(facts, formatCertificateCode(code), `${this.config.appUrl}/verify/${formatCertificateCode(code)}`, locale);
  }

  /** The public check of a code: 404 for anything that is not the code of an issued certificate of a still checked-in registration. */
  async verify(input: string): Promise<VerifiedCertificateDto> {
    const code = normalizeCertificateCode(input);
    const facts = code ? await this.certificates.factsByCodeHash(certificateCodeHash(code)) : null;
    if (!code || !facts || facts.status !== 'confirmed' || !facts.firstCheckInAt) throw new NotFoundError('Certificate');
    return {
      fullName: facts.fullName,
      eventTitle: facts.eventTitle,
      eventTitleEn: facts.eventTitleEn,
      organization: facts.organizationName,
      attendedOn: DateTime.fromJSDate(new Date(facts.firstCheckInAt), { zone: facts.timezone }).toISODate()!,
      code: formatCertificateCode(code),
    };
  }

  /** Scope (through the registrations domain), then the rule: confirmed and checked in. */
  private async certified(user: AuthUser, registrationId: string): Promise<{ code: string; facts: CertificateFacts }> {
    await this.registrations.get(user, registrationId);
    const facts = await this.certificates.facts(registrationId);
    if (!facts) throw new NotFoundError('Registration', registrationId);
    if (facts.status !== 'confirmed' || !facts.firstCheckInAt) {
      throw new ConflictError(`${facts.fullName} was not checked in at the event; a certificate of attendance needs a check-in`, { status: facts.status, checkedIn: !!facts.firstCheckInAt });
    }
    const code = certificateCode(await this.secret(), registrationId);
    await this.certificates.issue(registrationId, certificateCodeHash(code));
    return { code, facts };
  }

  private secret(): Promise<Buffer> {
    this.key ??= (this.config.linkSecret
      ? Promise.resolve(Buffer.from(hkdfSync('sha256', this.config.linkSecret, '', 'trainingdesk certificate', 32)))
      : this.certificates.storedKey()
    ).catch((err) => {
      this.key = undefined;
      throw err;
    });
    return this.key;
  }
}
