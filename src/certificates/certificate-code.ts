import { createHash, createHmac } from 'node:crypto';

/** Crockford base32 (as the check-in codes): nothing that reads as another character on paper. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CERTIFICATE_CODE_LENGTH = 16;

/**
 * A certificate's verification code: the first 80 bits of HMAC-SHA256(key, "certificate." + id),
 * in 16 Crockford base32 characters. Without the key nobody can make one for a registration, and
 * changing a character gives a code that matches no issued certificate.
 */
export function certificateCode(key: Buffer, registrationId: string): string {
  const mac = createHmac('sha256', key).update(`certificate.${registrationId}`).digest();
  let bits = 0n;
  for (const byte of mac.subarray(0, 10)) bits = (bits << 8n) | BigInt(byte);
  let code = '';
  for (let i = 0; i < CERTIFICATE_CODE_LENGTH; i++) code = ALPHABET[Number((bits >> BigInt(i * 5)) & 31n)] + code;
  return code;
}

/** `ABCD1234EFGH5678` → `ABCD-1234-EFGH-5678`, as printed. */
export function formatCertificateCode(code: string): string {
  return code.match(/.{1,4}/g)!.join('-');
}

/** What someone typed or a link carried → the stored form, or null when it cannot be a code (Crockford: O→0, I/L→1). */
export function normalizeCertificateCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s\-_.]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (code.length !== CERTIFICATE_CODE_LENGTH) return null;
  for (const ch of code) if (!ALPHABET.includes(ch)) return null;
  return code;
}

/** The stored form: SHA-256 of the normalized code. */
export function certificateCodeHash(code: string): Buffer {
  return createHash('sha256').update(code, 'utf8').digest();
}
