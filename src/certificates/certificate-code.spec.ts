import { randomBytes } from 'node:crypto';
import { certificateCode, formatCertificateCode, normalizeCertificateCode } from './certificate-code';

describe('certificate codes', () => {
  const key = randomBytes(32);
  const id = '0b6f2c4e-6a43-4f1b-9a53-8d1f2e3c4b5a';

  it('are 16 Crockford characters, the same for the same registration and key', () => {
    const code = certificateCode(key, id);
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{16}$/);
    expect(certificateCode(key, id)).toBe(code);
  });
  it('differ with another key or another registration', () => {
    expect(certificateCode(randomBytes(32), id)).not.toBe(certificateCode(key, id));
    expect(certificateCode(key, id.replace('0b6f', '0b70'))).not.toBe(certificateCode(key, id));
  });
  it('read back from the printed form, in any case, O and I typed for 0 and 1', () => {
    const code = certificateCode(key, id);
    expect(normalizeCertificateCode(formatCertificateCode(code).toLowerCase())).toBe(code);
    expect(normalizeCertificateCode('0000-1111-2222-3333'.replace(/0/g, 'O').replace(/1/g, 'I'))).toBe('0000111122223333');
  });
  it('refuse what cannot be a code', () => {
    expect(normalizeCertificateCode('ABC')).toBeNull();
    expect(normalizeCertificateCode('ABCD-1234-EFGH-567U')).toBeNull();
  });
});
