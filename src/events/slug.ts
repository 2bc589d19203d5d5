import { randomBytes } from 'node:crypto';
import { stripVietnameseMarks } from '../http/text';

/**
 * A URL slug from a Vietnamese or English title: accents removed (NFD), đ → d
 * (NFD keeps đ as one letter), lower case, dashes; a short random suffix keeps it unique.
 */
export function slugify(title: string, maxLength = 60): string {
  const base = stripVietnameseMarks(title)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/g, '');
  return base || 'su-kien';
}

/** `slugify(title)` plus `-` and six random base-36 characters. */
export function uniqueSlug(title: string): string {
  const suffix = BigInt('0x' + randomBytes(5).toString('hex')).toString(36).padStart(6, '0').slice(-6);
  return `${slugify(title)}-${suffix}`;
}
