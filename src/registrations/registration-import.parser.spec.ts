import ExcelJS from 'exceljs';
import { detectKind, fold, parseRegistrationFile } from './registration-import.parser';

const csv = (text: string) => Buffer.from(text, 'utf8');

describe('registration import parser', () => {
  it('folds Vietnamese headers: accents, đ and case do not matter', () => {
    expect(fold('Họ và tên')).toBe('hovaten');
    expect(fold('ĐƠN VỊ')).toBe('donvi');
  });

  it('reads a UTF-8 CSV with a BOM and Vietnamese headers and role values', async () => {
    const file = csv('\ufeffHọ và tên,Email,Số điện thoại,Chức vụ,Đơn vị,Vai trò\nNguyễn Văn An,AN@x.vn,0901,Chủ tịch,LĐLĐ,Đại biểu\nTrần Thị Bình,binh@x.vn,,,,Báo chí\n');
    const { rows, errors } = await parseRegistrationFile('csv', file);
    expect(errors).toEqual([]);
    expect(rows).toMatchObject([
      { row: 2, fullName: 'Nguyễn Văn An', email: 'an@x.vn', phone: '0901', position: 'Chủ tịch', organization: 'LĐLĐ', role: 'delegate' },
      { row: 3, fullName: 'Trần Thị Bình', email: 'binh@x.vn', phone: null, organization: null, role: 'press' },
    ]);
  });

  it('reads semicolon-separated CSV as saved by Excel in Vietnamese locales', async () => {
    const { rows, errors } = await parseRegistrationFile('csv', csv('fullName;email\nA B;a@b.vn\n'));
    expect(errors).toEqual([]);
    expect(rows[0]).toMatchObject({ fullName: 'A B', email: 'a@b.vn' });
  });

  it('lists every bad row with its field, not only the first', async () => {
    const { errors } = await parseRegistrationFile('csv', csv('fullName,email,role\n,a@b.vn,\nX,not-mail,boss\n'));
    expect(errors).toEqual([
      { row: 2, field: 'fullName', message: 'fullName is empty', code: 'required' },
      { row: 3, field: 'email', message: expect.stringContaining('not an e-mail'), code: 'email', params: { value: 'not-mail' } },
      { row: 3, field: 'role', message: expect.stringContaining('"boss" is not a role'), code: 'role', params: { value: 'boss' } },
    ]);
  });

  it('names a missing required column', async () => {
    const { errors } = await parseRegistrationFile('csv', csv('name,phone\nA,1\n'));
    expect(errors).toEqual([{ row: 1, field: 'email', message: expect.stringContaining('no email column'), code: 'noColumn.email' }]);
  });

  it('reads the first sheet of an XLSX', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('DS');
    ws.addRow(['Họ và tên', 'Email', 'Vai trò']);
    ws.addRow(['Lê Văn Cường', 'cuong@x.vn', 'Khách mời']);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    expect(detectKind('ds.xlsx', 'application/octet-stream', buf)).toBe('xlsx');
    const { rows, errors } = await parseRegistrationFile('xlsx', buf);
    expect(errors).toEqual([]);
    expect(rows).toMatchObject([{ row: 2, fullName: 'Lê Văn Cường', email: 'cuong@x.vn', role: 'guest' }]);
  });

  it('refuses a file that is neither CSV nor XLSX', () => {
    expect(detectKind('photo.png', 'image/png', Buffer.from([0x89, 0x50]))).toBeNull();
    expect(detectKind('fake.xlsx', 'application/octet-stream', csv('a,b'))).toBeNull();
  });
});
