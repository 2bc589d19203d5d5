import { formatCount, formatDate, formatDateTime, formatDateTimeWithZone, formatNumber, formatSpan, zoneLabel } from './office-format';

describe('office formats', () => {
  const at = new Date('2026-12-15T00:30:00Z'); // 07:30 in Hanoi, a Tuesday

  it('writes a Vietnamese date as offices do: time, weekday, day/month/year', () => {
    expect(formatDateTime(at, 'Asia/Ho_Chi_Minh', 'vi')).toBe('07:30, thứ Ba, ngày 15/12/2026');
    expect(formatDate(at, 'Asia/Ho_Chi_Minh', 'vi')).toBe('15/12/2026');
  });

  it('writes an English date as weekday, day, short month, year, then the time and offset', () => {
    expect(formatDateTimeWithZone(at, 'Asia/Ho_Chi_Minh', 'en')).toBe('Tue 15 Dec 2026, 07:30 (GMT+7)');
  });

  it('names the default zone "giờ Việt Nam (GMT+7)", not its IANA id; other zones by city and offset', () => {
    expect(zoneLabel('Asia/Ho_Chi_Minh', 'vi', at)).toBe('giờ Việt Nam (GMT+7)');
    expect(zoneLabel('Asia/Ho_Chi_Minh', 'en', at)).toBe('Vietnam time (GMT+7)');
    expect(zoneLabel('Europe/Paris', 'vi', new Date('2026-07-01T00:00:00Z'))).toBe('giờ Paris (GMT+2)');
    expect(zoneLabel('Asia/Kolkata', 'en', at)).toBe('Kolkata time (GMT+5:30)');
  });

  it('shows a span on one day once, across days in full', () => {
    expect(formatSpan('2026-12-15T00:30:00Z', '2026-12-15T04:00:00Z', 'Asia/Ho_Chi_Minh', 'vi')).toBe('07:30–11:00, thứ Ba, ngày 15/12/2026');
    expect(formatSpan('2026-12-15T00:30:00Z', '2026-12-15T04:00:00Z', 'Asia/Ho_Chi_Minh', 'en')).toBe('Tue 15 Dec 2026, 07:30–11:00');
    expect(formatSpan('2026-12-15T00:30:00Z', '2026-12-16T10:00:00Z', 'Asia/Ho_Chi_Minh', 'vi')).toBe('07:30, thứ Ba, ngày 15/12/2026 – 17:00, thứ Tư, ngày 16/12/2026');
  });

  it('counts with the language grouping and plural', () => {
    expect(formatCount(40, 'registrations', 'vi')).toBe('40 người đăng ký');
    expect(formatCount(1, 'registrations', 'en')).toBe('1 registration');
    expect(formatCount(1234, 'registrations', 'en')).toBe('1,234 registrations');
    expect(formatNumber(1234, 'vi')).toBe('1.234');
  });

  it('keeps the wall time across a DST change (Paris)', () => {
    expect(formatDateTime('2026-03-29T00:30:00Z', 'Europe/Paris', 'en')).toBe('Sun 29 Mar 2026, 01:30');
    expect(formatDateTime('2026-03-29T01:30:00Z', 'Europe/Paris', 'en')).toBe('Sun 29 Mar 2026, 03:30');
  });
});
