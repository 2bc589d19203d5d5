import { PassThrough, Readable } from 'node:stream';
import { DateTime } from 'luxon';
import type { TrainingEvent } from '../events/event.entity';
import { formatCheckInCode } from '../registrations/registration-code';
import { Locale, translator, Translate } from '../web/i18n/i18n';
import type { AttendancePerson, AttendanceUnit } from './reports.repository';

/** The columns of the attendance list, in order: catalog key (`reports.col.<key>`) and Excel width in characters. */
const COLUMNS = [
  { key: 'no', width: 6 },
  { key: 'fullName', width: 30 },
  { key: 'position', width: 28 },
  { key: 'unit', width: 36 },
  { key: 'role', width: 12 },
  { key: 'email', width: 30 },
  { key: 'phone', width: 16 },
  { key: 'code', width: 15 },
  { key: 'checkedIn', width: 12 },
  { key: 'checkedInAt', width: 18 },
] as const;

function cells(t: Translate, p: AttendancePerson, n: number, zone: string): (string | number)[] {
  return [
    n,
    p.fullName,
    p.position ?? '',
    p.organizationName ?? t('reports.noUnit'),
    t(`reports.role.${p.role}`),
    p.email,
    p.phone ?? '',
    formatCheckInCode(p.code),
    p.checkedInAt ? t('reports.yes') : t('reports.no'),
    p.checkedInAt ? DateTime.fromJSDate(new Date(p.checkedInAt), { zone }).toFormat('dd/MM/yyyy HH:mm') : '',
  ];
}

/** A CSV field: quoted when needed; a leading = + - @ is defused so a spreadsheet never runs it as a formula. */
function csvField(value: string | number): string {
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The attendance list as CSV, UTF-8 with a BOM (without it Excel reads the bytes as the local
 * code page and Vietnamese turns to mojibake), CRLF lines, streamed batch by batch.
 */
export function attendanceCsv(event: TrainingEvent, batches: AsyncIterable<AttendancePerson[]>, locale: Locale): Readable {
  const t = translator(locale);
  async function* lines(): AsyncGenerator<string> {
    yield '\ufeff' + COLUMNS.map((c) => csvField(t(`reports.col.${c.key}`))).join(',') + '\r\n';
    let n = 0;
    for await (const batch of batches) {
      yield batch.map((p) => cells(t, p, ++n, event.timezone).map(csvField).join(',') + '\r\n').join('');
    }
  }
  return Readable.from(lines());
}

const SHEET_NAME_MAX = 31;

/** Excel's sheet-name rules: at most 31 characters, none of []:*?/\, unique ignoring case. */
export function sheetName(wanted: string, taken: Set<string>): string {
  const base = wanted.replace(/[[\]:*?/\\]/g, ' ').replace(/^'+|'+$/g, '').trim() || 'Sheet';
  for (let i = 1; ; i++) {
    const suffix = i === 1 ? '' : ` (${i})`;
    const name = base.slice(0, SHEET_NAME_MAX - suffix.length) + suffix;
    if (!taken.has(name.toLowerCase())) {
      taken.add(name.toLowerCase());
      return name;
    }
  }
}

/**
 * The attendance list as XLSX through exceljs's streaming writer: a summary sheet (one row per
 * unit), then one sheet per unit, each with a frozen header row and set column widths. Rows are
 * committed as they come, so memory stays flat whatever the number of people.
 */
export async function attendanceXlsx(event: TrainingEvent, units: AttendanceUnit[], batches: AsyncIterable<AttendancePerson[]>, locale: Locale): Promise<Readable> {
  const { default: ExcelJS } = await import('exceljs');
  const t = translator(locale);
  const out = new PassThrough();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'TrainingDesk';
  const taken = new Set<string>();
  const frozen = { views: [{ state: 'frozen' as const, ySplit: 1 }] };
  const bold = { font: { bold: true } };

  const write = async () => {
    const summary = wb.addWorksheet(sheetName(t('reports.xlsx.summary'), taken), frozen);
    summary.columns = [
      { header: t('reports.col.unit'), key: 'unit', width: 40 },
      { header: t('reports.col.confirmed'), key: 'confirmed', width: 14 },
      { header: t('reports.col.checkedIn'), key: 'checkedIn', width: 14 },
      { header: t('reports.col.rate'), key: 'rate', width: 12 },
    ];
    summary.getRow(1).font = bold.font;
    let total = { confirmed: 0, checkedIn: 0 };
    for (const u of units) {
      summary.addRow({ unit: u.organizationName ?? t('reports.noUnit'), confirmed: u.confirmed, checkedIn: u.checkedIn, rate: u.confirmed ? u.checkedIn / u.confirmed : 0 }).commit();
      total = { confirmed: total.confirmed + u.confirmed, checkedIn: total.checkedIn + u.checkedIn };
    }
    const last = summary.addRow({ unit: t('reports.total'), confirmed: total.confirmed, checkedIn: total.checkedIn, rate: total.confirmed ? total.checkedIn / total.confirmed : 0 });
    last.font = bold.font;
    last.commit();
    summary.getColumn('rate').numFmt = '0.0%';
    summary.commit();

    let sheet: ReturnType<typeof wb.addWorksheet> | null = null;
    let current: string | null | undefined = undefined;
    let n = 0;
    for await (const batch of batches) {
      for (const p of batch) {
        if (p.organizationId !== current) {
          sheet?.commit();
          current = p.organizationId;
          n = 0;
          sheet = wb.addWorksheet(sheetName(p.organizationName ?? t('reports.noUnit'), taken), frozen);
          sheet.columns = COLUMNS.map((c) => ({ header: t(`reports.col.${c.key}`), key: c.key, width: c.width }));
          sheet.getRow(1).font = bold.font;
        }
        sheet!.addRow(cells(t, p, ++n, event.timezone)).commit();
      }
    }
    sheet?.commit();
    await wb.commit();
  };
  write().catch((err) => out.destroy(err));
  return out;
}
