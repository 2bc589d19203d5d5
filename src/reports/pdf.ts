import { DateTime } from 'luxon';

// pdfkit, its fonts and qrcode load on the first PDF, not in every api process (memory budget).
type Pdfkit = typeof import('pdfkit');
export type PdfDoc = InstanceType<Pdfkit>;

/**
 * DejaVu Sans (npm dejavu-fonts-ttf) has every Vietnamese letter with its diacritics, precomposed
 * (ắ, ệ, ữ, Đ...); pdfkit's built-in Helvetica has none of them. Embedded as subsets, with a
 * ToUnicode map, so the text of the PDF can also be searched and extracted.
 */
const FONTS = { body: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf' } as const;

export async function createPdf(options: { layout?: 'portrait' | 'landscape'; title: string; margin?: number }): Promise<PdfDoc> {
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({ size: 'A4', layout: options.layout ?? 'portrait', margin: options.margin ?? 40, info: { Title: options.title, Creator: 'TrainingDesk' }, bufferPages: true });
  for (const [name, file] of Object.entries(FONTS)) doc.registerFont(name, require.resolve(`dejavu-fonts-ttf/ttf/${file}`));
  doc.font('body');
  return doc;
}

/** A QR code of `text` drawn as vector squares at (x, y), `size` points wide (sharp at any print size). */
export async function drawQr(doc: PdfDoc, text: string, x: number, y: number, size: number): Promise<void> {
  const { default: QRCode } = await import('qrcode');
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const quiet = 2;
  const cell = size / (n + 2 * quiet);
  doc.save();
  doc.rect(x, y, size, size).fill('#ffffff');
  doc.fillColor('#000000');
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      if (qr.modules.get(row, col)) doc.rect(x + (col + quiet) * cell, y + (row + quiet) * cell, cell + 0.05, cell + 0.05);
    }
  }
  doc.fill();
  doc.restore();
}

/** `instant` as a date (dd/MM/yyyy) in `zone`. */
export function localDate(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toFormat('dd/MM/yyyy');
}

/** `instant` as date and time (dd/MM/yyyy HH:mm) in `zone`. */
export function localDateTime(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toFormat('dd/MM/yyyy HH:mm');
}

/** Writes the page numbers ("page n / total") at the foot of every buffered page. */
export function numberPages(doc: PdfDoc, label: (n: number, total: number) => string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.height - doc.page.margins.bottom + 12;
    // Writing inside the bottom margin must not start a new page.
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('body').fontSize(8).fillColor('#555555').text(label(i + 1, range.count), doc.page.margins.left, bottom, { width: doc.page.width - doc.page.margins.left - doc.page.margins.right, align: 'center', lineBreak: false });
    doc.page.margins.bottom = margin;
  }
  doc.fillColor('#000000');
}
