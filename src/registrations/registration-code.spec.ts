import { formatCheckInCode, generateCheckInCode, normalizeCheckInCode } from './registration-code';

describe('check-in codes', () => {
  it('are 10 Crockford base32 characters and differ between calls', () => {
    const codes = new Set(Array.from({ length: 1000 }, generateCheckInCode));
    expect(codes.size).toBe(1000);
    for (const c of codes) expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
  });

  it('are shown grouped 4-4-2', () => {
    expect(formatCheckInCode('7KQ29MXD4F')).toBe('7KQ2-9MXD-4F');
  });

  it('read back what a person typed: case, dashes, spaces, O for 0, I or L for 1', () => {
    expect(normalizeCheckInCode('7kq2-9mxd-4f')).toBe('7KQ29MXD4F');
    expect(normalizeCheckInCode(' 7KQ2 9MXD 4F ')).toBe('7KQ29MXD4F');
    expect(normalizeCheckInCode('OKQ2-IMXD-LF')).toBe('0KQ2-1MXD-1F'.replace(/-/g, ''));
  });

  it('refuse what cannot be a code', () => {
    expect(normalizeCheckInCode('7KQ2-9MXD')).toBeNull();
    expect(normalizeCheckInCode('7KQ2-9MXD-4U')).toBeNull();
    expect(normalizeCheckInCode('')).toBeNull();
  });
});
