/**
 * Vietnamese without its marks: NFD drops the tones and hats, and đ/Đ become d/D
 * (NFD keeps đ as one letter). The same folding as the SQL function td_search_fold.
 */
export function stripVietnameseMarks(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');
}
