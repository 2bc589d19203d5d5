import en from './en.json';
import vi from './vi.json';

export const LOCALES = ['vi', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'vi';
/** Cookie remembering the language chosen with the `Tiếng Việt | English` switch. */
export const LANG_COOKIE = 'td_lang';

type Dictionary = { [key: string]: string | Dictionary };
const DICTIONARIES: Record<Locale, Dictionary> = { vi, en };

export type Translate = (key: string, params?: Record<string, string | number>) => string;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The page language of a request's parsed cookies (Vietnamese unless `td_lang` says otherwise). */
export function localeOf(cookies: Record<string, string | undefined> | undefined): Locale {
  const chosen = cookies?.[LANG_COOKIE];
  return isLocale(chosen) ? chosen : DEFAULT_LOCALE;
}

const LANG_IN_HEADER = new RegExp(`(?:^|;)\\s*${LANG_COOKIE}=([^;]*)`);

/** The same, from a raw Cookie header (Nest middleware runs before the cookies are parsed). */
export function localeFromCookieHeader(header: string | undefined): Locale {
  const chosen = header ? LANG_IN_HEADER.exec(header)?.[1]?.trim() : undefined;
  return isLocale(chosen) ? chosen : DEFAULT_LOCALE;
}

function lookup(dict: Dictionary, key: string): string | undefined {
  let node: string | Dictionary | undefined = dict;
  for (const part of key.split('.')) {
    if (typeof node !== 'object') return undefined;
    node = node[part];
  }
  return typeof node === 'string' ? node : undefined;
}

/**
 * `t('orgs.created', {name})`: the text of `key` in `locale`, falling back to
 * Vietnamese and then to the key itself (so a missing entry shows, not breaks).
 * `{name}` placeholders are replaced; escaping is the template's job.
 */
export function translator(locale: Locale): Translate {
  return (key, params) => {
    const text = lookup(DICTIONARIES[locale], key) ?? lookup(DICTIONARIES[DEFAULT_LOCALE], key) ?? key;
    return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text;
  };
}
