import { parse } from 'csv-parse/sync';
import { isEmail } from 'class-validator';
import { RowError } from '../http/domain-errors';
import { REGISTRATION_ROLES, RegistrationRole, Language } from './registration.entity';
import { stripVietnameseMarks } from '../http/text';

/** One imported person, before units are resolved. `row` is the line in the file (the header is row 1). */
export interface ImportRow {
  row: number;
  fullName: string;
  email: string;
  phone: string | null;
  position: string | null;
  organization: string | null;
  role: RegistrationRole;
  language: Language | null;
}

export type ImportField = 'fullName' | 'email' | 'phone' | 'position' | 'organization' | 'role' | 'language';

/** Accents, đ, case, spaces and punctuation ignored: `Họ và tên` → `hovaten`. */
export function fold(text: string): string {
  return stripVietnameseMarks(text)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

const HEADERS: Record<string, ImportField> = {};
const alias = (field: ImportField, names: string[]) => names.forEach((n) => (HEADERS[fold(n)] = field));
alias('fullName', ['fullName', 'full name', 'name', 'Họ và tên', 'Họ tên', 'Tên', 'Đại biểu']);
alias('email', ['email', 'e-mail', 'Thư điện tử', 'Địa chỉ email']);
alias('phone', ['phone', 'telephone', 'Số điện thoại', 'Điện thoại', 'SĐT', 'Di động']);
alias('position', ['position', 'title', 'job title', 'Chức vụ', 'Chức danh']);
alias('organization', ['organization', 'organisation', 'unit', 'Đơn vị', 'Tổ chức', 'Cơ quan', 'Công đoàn']);
alias('role', ['role', 'Vai trò', 'Thành phần', 'Loại']);
alias('language', ['language', 'Ngôn ngữ']);

const ROLES: Record<string, RegistrationRole> = {};
const roleAlias = (role: RegistrationRole, names: string[]) => names.forEach((n) => (ROLES[fold(n)] = role));
roleAlias('delegate', ['delegate', 'Đại biểu', 'Học viên', 'Đại biểu dự', 'participant']);
roleAlias('official', ['official', 'Cán bộ', 'Lãnh đạo', 'Ban tổ chức']);
roleAlias('guest', ['guest', 'Khách mời', 'Khách']);
roleAlias('press', ['press', 'Báo chí', 'Phóng viên', 'journalist']);

const LANGS: Record<string, Language> = { vi: 'vi', en: 'en', tiengviet: 'vi', vietnamese: 'vi', english: 'en', tienganh: 'en' };

export const MAX_IMPORT_ROWS = 20_000;
const LIMITS: Partial<Record<ImportField, number>> = { fullName: 200, email: 254, phone: 50, position: 200, organization: 300 };

export type ImportFileKind = 'csv' | 'xlsx';

/** By name and content: an XLSX is a zip (PK..), anything else named .csv or sent as text/csv is CSV. */
export function detectKind(originalName: string, mimetype: string, buffer: Buffer): ImportFileKind | null {
  const name = originalName.toLowerCase();
  const isZip = buffer.length >= 4 && buffer.readUInt32LE(0) === 0x04034b50;
  if (name.endsWith('.xlsx') || mimetype === 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet') return isZip ? 'xlsx' : null;
  if (name.endsWith('.csv') || mimetype === 'text/csv' || mimetype === 'application/vnd.ms-excel') return isZip ? null : 'csv';
  return null;
}

/** Cells of every non-empty line, header first, as strings; each line keeps its number in the file. */
async function readTable(kind: ImportFileKind, buffer: Buffer): Promise<{ line: number; cells: string[] }[]> {
  if (kind === 'csv') {
    const text = buffer.toString('utf8');
    // Excel in Vietnamese locales often saves with ';'.
    const firstLine = text.slice(0, text.indexOf('\n') >>> 0);
    const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
    const records: string[][] = parse(buffer, { bom: true, delimiter, relax_column_count: true, skip_empty_lines: false, trim: true });
    return records.map((cells, i) => ({ line: i + 1, cells })).filter((r) => r.cells.some((c) => c !== ''));
  }
  // Loaded on the first XLSX import, not at start: exceljs alone is ~25 MB of RSS that every api
  // process would carry for an endpoint organizers call a few times per event.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const out: { line: number; cells: string[] }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, line) => {
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) cells.push((row.getCell(c).text ?? '').trim());
    if (cells.some((c) => c !== '')) out.push({ line, cells });
  });
  return out;
}

/**
 * Reads and checks a registration file. Every problem is collected with its
 * row and field rather than stopping at the first, so the organizer fixes
 * the file once. A file that cannot be read at all gives one error on row 0.
 */
export async function parseRegistrationFile(kind: ImportFileKind, buffer: Buffer): Promise<{ rows: ImportRow[]; errors: RowError[] }> {
  let table: { line: number; cells: string[] }[];
  try {
    table = await readTable(kind, buffer);
  } catch (err) {
    return { rows: [], errors: [{ row: 0, field: 'file', message: `the file cannot be read as ${kind.toUpperCase()}: ${(err as Error).message}`, code: 'unreadable', params: { kind: kind.toUpperCase() } }] };
  }
  const errors: RowError[] = [];
  if (!table.length) return { rows: [], errors: [{ row: 1, field: 'file', message: 'the file is empty; the first row must name the columns', code: 'empty' }] };
  const [header, ...body] = table;
  const columns = new Map<ImportField, number>();
  header.cells.forEach((name, i) => {
    const field = HEADERS[fold(name)];
    if (field && !columns.has(field)) columns.set(field, i);
  });
  for (const required of ['fullName', 'email'] as const) {
    if (!columns.has(required)) {
      errors.push({ row: header.line, field: required, message: `no ${required} column; the first row must name it (e.g. ${required === 'fullName' ? '"fullName" or "Họ và tên"' : '"email"'})`, code: `noColumn.${required}` });
    }
  }
  if (errors.length) return { rows: [], errors };
  if (body.length > MAX_IMPORT_ROWS) {
    return { rows: [], errors: [{ row: 0, field: 'file', message: `the file has ${body.length} rows; at most ${MAX_IMPORT_ROWS} per import`, code: 'tooManyRows', params: { rows: body.length, max: MAX_IMPORT_ROWS } }] };
  }
  const rows: ImportRow[] = [];
  for (const { line, cells } of body) {
    const cell = (f: ImportField) => {
      const i = columns.get(f);
      const v = i === undefined ? '' : (cells[i] ?? '').trim();
      const max = LIMITS[f];
      if (max && v.length > max) errors.push({ row: line, field: f, message: `${f} is longer than ${max} characters`, code: 'tooLong', params: { max } });
      return v;
    };
    const fullName = cell('fullName');
    const email = cell('email').toLowerCase();
    const roleText = cell('role');
    const languageText = cell('language');
    const r: ImportRow = {
      row: line,
      fullName,
      email,
      phone: cell('phone') || null,
      position: cell('position') || null,
      organization: cell('organization') || null,
      role: 'delegate',
      language: null,
    };
    if (!fullName) errors.push({ row: line, field: 'fullName', message: 'fullName is empty', code: 'required' });
    if (!email) errors.push({ row: line, field: 'email', message: 'email is empty', code: 'required' });
    else if (!isEmail(email)) errors.push({ row: line, field: 'email', message: `"${email}" is not an e-mail address`, code: 'email', params: { value: email } });
    if (roleText) {
      const role = ROLES[fold(roleText)];
      if (role) r.role = role;
      else errors.push({ row: line, field: 'role', message: `"${roleText}" is not a role; use ${REGISTRATION_ROLES.join(', ')} (or Đại biểu, Cán bộ, Khách mời, Báo chí)`, code: 'role', params: { value: roleText } });
    }
    if (languageText) {
      const language = LANGS[fold(languageText)];
      if (language) r.language = language;
      else errors.push({ row: line, field: 'language', message: `"${languageText}" is not a language; use vi or en`, code: 'language', params: { value: languageText } });
    }
    rows.push(r);
  }
  return { rows, errors };
}
