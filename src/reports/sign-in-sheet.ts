import type { TrainingEvent } from '../events/event.entity';
import { Locale, translator } from '../web/i18n/i18n';
import { createPdf, localDate, numberPages, PdfDoc } from './pdf';
import type { AttendancePerson } from './reports.repository';

const ROW_HEIGHT = 26;
const HEADER_HEIGHT = 20;
const GROUP_HEIGHT = 22;

interface Column {
  key: 'no' | 'fullName' | 'position' | 'signature';
  width: number;
}

/**
 * The sign-in sheet for the door, A4 portrait: the event's header on every page, people grouped
 * by unit (Vietnamese order), numbered rows with name, position and a signature column; the table
 * header is repeated at the top of each page and of each unit.
 */
export async function signInSheetPdf(event: TrainingEvent, people: AttendancePerson[], locale: Locale): Promise<PdfDoc> {
  const t = translator(locale);
  const title = locale === 'en' && event.titleEn ? event.titleEn : event.title;
  const doc = await createPdf({ title: `${t('reports.pdf.signInSheet')} — ${title}` });
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const columns: Column[] = [
    { key: 'no', width: 34 },
    { key: 'fullName', width: 170 },
    { key: 'position', width: 170 },
    { key: 'signature', width: width - 34 - 170 - 170 },
  ];
  const bottom = () => doc.page.height - doc.page.margins.bottom;

  const pageHeader = () => {
    doc.font('bold').fontSize(13).fillColor('#000000').text(title, left, doc.page.margins.top, { width, align: 'center' });
    const when = `${localDate(event.startsAt, event.timezone)}${event.venue ? ' · ' + event.venue : ''}`;
    doc.font('body').fontSize(9).text(when, { width, align: 'center' });
    doc.moveDown(0.3);
    doc.font('bold').fontSize(11).text(t('reports.pdf.signInSheet').toUpperCase(), { width, align: 'center' });
    doc.moveDown(0.6);
  };
  const tableHeader = () => {
    const y = doc.y;
    doc.rect(left, y, width, HEADER_HEIGHT).fillAndStroke('#e8e8e8', '#000000');
    let x = left;
    doc.fillColor('#000000').font('bold').fontSize(9);
    for (const c of columns) {
      doc.text(t(`reports.pdf.col.${c.key}`), x + 4, y + 6, { width: c.width - 8, align: c.key === 'no' ? 'center' : 'left', lineBreak: false });
      doc.moveTo(x, y).lineTo(x, y + HEADER_HEIGHT).stroke();
      x += c.width;
    }
    doc.moveTo(x, y).lineTo(x, y + HEADER_HEIGHT).stroke();
    doc.y = y + HEADER_HEIGHT;
  };
  const newPage = () => {
    doc.addPage();
    pageHeader();
  };
  const groupHeading = (name: string, count: number) => {
    if (doc.y + GROUP_HEIGHT + HEADER_HEIGHT + ROW_HEIGHT > bottom()) newPage();
    doc.font('bold').fontSize(10).fillColor('#000000').text(`${name} (${t('reports.pdf.people', { n: count })})`, left, doc.y + 6, { width, lineBreak: false, ellipsis: true });
    doc.y += 4;
    tableHeader();
  };
  const row = (n: number, p: AttendancePerson) => {
    if (doc.y + ROW_HEIGHT > bottom()) {
      newPage();
      tableHeader();
    }
    const y = doc.y;
    doc.rect(left, y, width, ROW_HEIGHT).stroke();
    const values = { no: String(n), fullName: p.fullName, position: p.position ?? '', signature: '' };
    let x = left;
    doc.font('body').fontSize(9).fillColor('#000000');
    for (const c of columns) {
      const value = values[c.key];
      if (value) {
        // One line centred in the row, or two lines from its top; longer text ends in an ellipsis.
        const options = { width: c.width - 8, align: c.key === 'no' ? ('center' as const) : ('left' as const) };
        const twoLines = doc.heightOfString(value, options) > 12;
        doc.text(value, x + 4, y + (twoLines ? 3 : 9), { ...options, height: ROW_HEIGHT - 4, ellipsis: true });
      }
      doc.moveTo(x, y).lineTo(x, y + ROW_HEIGHT).stroke();
      x += c.width;
    }
    doc.moveTo(x, y).lineTo(x, y + ROW_HEIGHT).stroke();
    doc.y = y + ROW_HEIGHT;
  };

  doc.lineWidth(0.5);
  pageHeader();
  if (!people.length) doc.font('body').fontSize(10).text(t('reports.pdf.nobody'), left, doc.y, { width });
  const counts = new Map<string | null, number>();
  for (const p of people) counts.set(p.organizationId, (counts.get(p.organizationId) ?? 0) + 1);
  let current: string | null | undefined = undefined;
  people.forEach((p, i) => {
    if (p.organizationId !== current) {
      current = p.organizationId;
      groupHeading(p.organizationName ?? t('reports.noUnit'), counts.get(current) ?? 0);
    }
    row(i + 1, p);
  });
  numberPages(doc, (n, total) => t('reports.pdf.page', { n, total }));
  doc.end();
  return doc;
}
