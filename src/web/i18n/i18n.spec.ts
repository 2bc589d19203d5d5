import { catalogKeys, translator } from './i18n';

describe('catalogs', () => {
  it('every key exists in both Vietnamese and English', () => {
    const vi = catalogKeys('vi');
    const en = catalogKeys('en');
    expect(vi.filter((key) => !en.includes(key))).toEqual([]);
    expect(en.filter((key) => !vi.includes(key))).toEqual([]);
  });

  it('no entry is empty, and every entry of a language renders in it', () => {
    for (const locale of ['vi', 'en'] as const) {
      const t = translator(locale);
      for (const key of catalogKeys(locale)) {
        expect([key, t(key).trim().length > 0]).toEqual([key, true]);
        expect(t(key)).not.toBe(key);
      }
    }
  });

  it('the same placeholders appear in both languages', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const vi = translator('vi');
    const en = translator('en');
    for (const key of catalogKeys('vi')) expect([key, placeholders(en(key))]).toEqual([key, placeholders(vi(key))]);
  });
});
