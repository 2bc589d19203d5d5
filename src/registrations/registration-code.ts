import { randomInt } from 'node:crypto';

/** Crockford base32: no I, L, O, U — nothing that reads as another character on paper. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_LENGTH = 10;

/**
 * A check-in code: 10 Crockford base32 characters from the CSPRNG, 50 bits —
 * too many to guess or enumerate, short enough to type from paper when a QR
 * cannot be read. Stored without separators.
 */
export function generateCheckInCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[randomInt(32)];
  return code;
}

/** `7KQ29MXD4F` → `7KQ2-9MXD-4F`, as printed and shown. */
export function formatCheckInCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/**
 * What a person or a USB scanner typed → the stored form, or null when it
 * cannot be a code: case and separators ignored, O→0, I/L→1 (Crockford's rules).
 */
export function normalizeCheckInCode(input: string): string | null {
  const code = input
    .toUpperCase()
    .replace(/[\s\-_.]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (code.length !== CODE_LENGTH) return null;
  for (const ch of code) if (!ALPHABET.includes(ch)) return null;
  return code;
}
