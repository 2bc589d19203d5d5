import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCALES = ['vi', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'vi';
/** Cookie remembering the language chosen with the `Tiếng Việt | English` switch. */
export const LANG_COOKIE = 'td_lang';

type Dictionary = { [key: string]: string | Dictionary };

/**
 * Each language's catalog is `<locale>.json` plus one `<area>.<locale>.json` per
 * domain (`reports.vi.json`), so that the pages of each domain keep their words
 * in their own file. Top-level groups must not repeat across files: a clash
 * stops the start instead of one file silently hiding the other's words.
 */
function loadCatalog(locale: Locale): Dictionary {
  const files = readdirSync(__dirname)
    .filter((name) => name === `${locale}.json` || name.endsWith(`.${locale}.json`))
    .sort();
  const merged: Dictionary = {};
  for (const file of files) {
    const part = JSON.parse(readFileSync(join(__dirname, file), 'utf8')) as Dictionary;
    for (const [group, entries] of Object.entries(part)) {
      if (group in merged) throw new Error(`i18n: "${group}" is defined twice (again in ${file})`);
      merged[group] = entries;
    }
  }
  return merged;
}

const DICTIONARIES: Record<Locale, Dictionary> = { vi: loadCatalog('vi'), en: loadCatalog('en') };

/** Every key of a language's catalog, dotted (`events.title`): for completeness checks. */
export function catalogKeys(locale: Locale): string[] {
  const keys: string[] = [];
  const walk = (node: Dictionary, prefix: string): void => {
    for (const [name, value] of Object.entries(node)) {
      if (typeof value === 'string') keys.push(prefix + name);
      else walk(value, `${prefix}${name}.`);
    }
  };
  walk(DICTIONARIES[locale], '');
  return keys.sort();
}

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
