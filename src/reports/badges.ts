import type { TrainingEvent } from '../events/event.entity';
import { formatCheckInCode } from '../registrations/registration-code';
import { Locale, translator } from '../web/i18n/i18n';
import { createPdf, drawQr, PdfDoc } from './pdf';
import type { AttendancePerson } from './reports.repository';

const COLS = 2;
const ROWS = 4;
const GAP = 10;

/**
 * Name badges, 8 to an A4 sheet (2 x 4, cut along the frames): the event, the person's name,
 * position and unit, and the QR code of their check-in code (what the desk scans), with the
 * code printed under it for typing.
 */
export async function badgesPdf(event: TrainingEvent, people: AttendancePerson[], locale: Locale): Promise<PdfDoc> {
  const t = translator(locale);
  const title = locale === 'en' && event.titleEn ? event.titleEn : event.title;
  const doc = await createPdf({ title: `${t('reports.pdf.badges')} — ${title}`, margin: 28 });
  const m = doc.page.margins;
  const w = (doc.page.width - m.left - m.right - GAP * (COLS - 1)) / COLS;
  const h = (doc.page.height - m.top - m.bottom - GAP * (ROWS - 1)) / ROWS;
  const qrSize = 96;
  doc.lineWidth(0.5);
  if (!people.length) doc.font('body').fontSize(10).text(t('reports.pdf.nobody'));
  for (let i = 0; i < people.length; i++) {
    const p = people[i];
    const slot = i % (COLS * ROWS);
    if (i > 0 && slot === 0) doc.addPage();
    const x = m.left + (slot % COLS) * (w + GAP);
    const y = m.top + Math.floor(slot / COLS) * (h + GAP);
    doc.roundedRect(x, y, w, h, 6).stroke('#888888');
    const textWidth = w - qrSize - 30;
    doc.fillColor('#555555').font('body').fontSize(8).text(title, x + 12, y + 12, { width: w - 24, height: 22, ellipsis: true });
    // The name on one line as large as fits, else on two lines at 13 pt.
    doc.fillColor('#000000').font('bold');
    const size = fitSize(doc, p.fullName, textWidth, 17, 12);
    const oneLine = doc.fontSize(size).widthOfString(p.fullName) <= textWidth;
    if (oneLine) doc.text(p.fullName, x + 12, y + 52, { width: textWidth, lineBreak: false });
    else doc.fontSize(13).text(p.fullName, x + 12, y + 42, { width: textWidth, height: 38, ellipsis: true });
    doc.font('body').fontSize(9);
    if (p.position) doc.text(p.position, x + 12, y + 88, { width: textWidth, height: 22, ellipsis: true });
    doc.text(p.organizationName ?? t('reports.noUnit'), x + 12, y + 112, { width: textWidth, height: 34, ellipsis: true });
    doc.fillColor('#555555').fontSize(8).text(t(`reports.role.${p.role}`), x + 12, y + h - 22, { width: textWidth, lineBreak: false });
    await drawQr(doc, p.code, x + w - qrSize - 12, y + 40, qrSize);
    doc.fillColor('#000000').font('body').fontSize(8).text(formatCheckInCode(p.code), x + w - qrSize - 12, y + 40 + qrSize + 2, { width: qrSize, align: 'center', lineBreak: false });
  }
  doc.end();
  return doc;
}

/** The largest font size from `max` down to `min` at which `text` fits on one line of `width`. */
function fitSize(doc: PdfDoc, text: string, width: number, max: number, min: number): number {
  for (let size = max; size > min; size--) {
    if (doc.fontSize(size).widthOfString(text) <= width) return size;
  }
  return min;
}
