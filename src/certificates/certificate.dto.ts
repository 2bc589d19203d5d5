import { ApiProperty } from '@nestjs/swagger';

/** A checked-in delegate's certificate of attendance. */
export class CertificateDto {
  /** The verification code printed on the certificate, e.g. `7KQ2-9MXD-4FAB-C3DE`. */
  @ApiProperty({ example: '7KQ2-9MXD-4FAB-C3DE', pattern: '^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$' }) code: string;
  /** The public page that confirms it. */
  @ApiProperty({ format: 'uri' }) verifyUrl: string;
  /** The certificate as PDF (needs the same token). */
  @ApiProperty({ format: 'uri' }) pdfUrl: string;
}

/** What the public verification confirms. */
export class VerifiedCertificateDto {
  @ApiProperty() fullName: string;
  @ApiProperty() eventTitle: string;
  @ApiProperty({ nullable: true, type: String }) eventTitleEn: string | null;
  /** The delegate's unit; null when none was given. */
  @ApiProperty({ nullable: true, type: String }) organization: string | null;
  /** The day of the first check-in, in the event's time zone. */
  @ApiProperty({ format: 'date', example: '2026-03-10' }) attendedOn: string;
  @ApiProperty({ example: '7KQ2-9MXD-4FAB-C3DE' }) code: string;
}
