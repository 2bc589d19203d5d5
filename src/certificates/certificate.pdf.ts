import { DateTime } from 'luxon';
import { createPdf, drawQr, PdfDoc } from '../reports/pdf';
import { Locale, translator } from '../web/i18n/i18n';
import type { CertificateFacts } from './certificates.repository';

/** The certificate of attendance: A4 landscape, the person, the event, the day, the verification code and its QR. */
export async function certificatePdf(f: CertificateFacts, code: string, verifyUrl: string, locale: Locale): Promise<PdfDoc> {
  const t = translator(locale);
  const title = locale === 'en' && f.eventTitleEn ? f.eventTitleEn : f.eventTitle;
  const doc = await createPdf({ layout: 'landscape', title: `${t('certificate.title')} — ${f.fullName}`, margin: 50 });
  const w = doc.page.width;
  const h = doc.page.height;
  const inner = { x: 60, width: w - 120 };
  doc.lineWidth(3).rect(25, 25, w - 50, h - 50).stroke('#8a1c1c');
  doc.lineWidth(1).rect(33, 33, w - 66, h - 66).stroke('#8a1c1c');
  doc.fillColor('#8a1c1c').font('bold').fontSize(30).text(t('certificate.title').toUpperCase(), inner.x, 90, { width: inner.width, align: 'center' });
  doc.fillColor('#000000').font('body').fontSize(14).text(t('certificate.certifies'), inner.x, 150, { width: inner.width, align: 'center' });
  doc.font('bold').fontSize(26).text(f.fullName, inner.x, 180, { width: inner.width, align: 'center' });
  if (f.organizationName) doc.font('body').fontSize(13).text(f.organizationName, inner.x, 218, { width: inner.width, align: 'center' });
  doc.font('body').fontSize(14).text(t('certificate.attended'), inner.x, 255, { width: inner.width, align: 'center' });
  doc.font('bold').fontSize(18).text(title, inner.x, 282, { width: inner.width, align: 'center' });
  const zone = f.timezone;
  const day = (d: Date) => DateTime.fromJSDate(new Date(d), { zone }).toFormat('dd/MM/yyyy');
  const start = day(f.eventStartsAt);
  const end = day(f.eventEndsAt);
  const when = start === end ? start : `${start} – ${end}`;
  doc.font('body').fontSize(12).text(`${when}${f.venue ? ' · ' + f.venue : ''}`, inner.x, doc.y + 8, { width: inner.width, align: 'center' });
  const qr = 90;
  await drawQr(doc, verifyUrl, w - 60 - qr, h - 60 - qr - 14, qr);
  doc.font('body').fontSize(9).fillColor('#333333');
  doc.text(t('certificate.code', { code }), 60, h - 110, { width: w - 240 });
  doc.text(t('certificate.verifyAt', { url: verifyUrl }), 60, h - 95, { width: w - 240 });
  doc.end();
  return doc;
}
