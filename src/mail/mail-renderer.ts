import { Injectable } from '@nestjs/common';
import { Eta } from 'eta';
import juice from 'juice';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { translator } from '../web/i18n/i18n';
import { MailLocale } from './mail-message.entity';

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

const TEMPLATES_DIR = join(__dirname, 'templates');
const NAME = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Renders a mail template into subject, HTML and plain text; sending is
 * elsewhere (MailTransport). A template is `templates/<name>.<locale>.eta`
 * (wording in the file) or `templates/<name>.eta` for every language, whose
 * words come from the catalogs (`src/web/i18n/mail.<locale>.json`, `it.t`).
 * The first line of a template is the subject, the rest the HTML body,
 * wrapped in `layout.eta`. Mail clients (Gmail, Outlook) drop `<style>`, so
 * the classes of `templates/mail.css` are inlined into `style=""` by juice,
 * once per template when it is first loaded (not per mail; juice keeps Eta's `<% %>` tags as
 * they are, as it does EJS's). Eta escapes every
 * `<%= %>` output, so user text (names, titles) cannot inject markup; the
 * text part is derived from the same HTML.
 */
@Injectable()
export class MailRenderer {
  // autoTrim off: the newline after the subject line must survive.
  private readonly eta = new Eta({ views: TEMPLATES_DIR, cache: true, autoEscape: true, autoTrim: false });
  private readonly loaded = new Set<string>();
  private readonly files = new Map<string, string>();
  private css: string | undefined;

  /** Whether `name` exists in `locale`. */
  has(name: string, locale: MailLocale): boolean {
    return this.file(name, locale) !== null;
  }

  render(name: string, locale: MailLocale, data: Record<string, unknown>): RenderedMail {
    const file = this.file(name, locale);
    if (!file) throw new Error(`no mail template "${name}" in locale "${locale}" (src/mail/templates)`);
    const t = translator(locale);
    const out = this.eta.render(this.load(file), { ...data, t, locale });
    const newline = out.indexOf('\n');
    const subject = unescapeHtml(out.slice(0, newline < 0 ? undefined : newline)).replace(/\s+/g, ' ').trim();
    const body = newline < 0 ? '' : out.slice(newline + 1).trim();
    const html = this.eta.render(this.load('layout.eta'), { body, subject, locale, t });
    return { subject, html, text: htmlToText(html) };
  }

  private file(name: string, locale: MailLocale): string | null {
    if (!NAME.test(name)) return null;
    // Found once per template and language (templates are loaded once too): no file-system call per
    // mail. Only names that exist are kept, so asking for unknown ones cannot grow the map.
    const key = `${name}.${locale}`;
    const known = this.files.get(key);
    if (known) return known;
    const found = [`${name}.${locale}.eta`, `${name}.eta`].find((f) => existsSync(join(TEMPLATES_DIR, f)));
    if (found) this.files.set(key, found);
    return found ?? null;
  }

  /** The template as Eta's `@name`, its CSS classes inlined (the subject line is left alone). */
  private load(file: string): string {
    const key = `@${file}`;
    if (this.loaded.has(key)) return key;
    this.css ??= readFileSync(join(TEMPLATES_DIR, 'mail.css'), 'utf8');
    const source = readFileSync(join(TEMPLATES_DIR, file), 'utf8');
    const isLayout = file === 'layout.eta';
    const newline = isLayout ? -1 : source.indexOf('\n');
    const head = newline < 0 ? '' : source.slice(0, newline + 1);
    const rest = newline < 0 ? source : source.slice(newline + 1);
    const inlined = juice.inlineContent(rest, this.css, { applyWidthAttributes: true, applyAttributesTableElements: true, preserveImportant: true });
    this.eta.loadTemplate(key, head + inlined);
    this.loaded.add(key);
    return key;
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' };

/** Inverse of Eta's escaping (and numeric entities), for the subject and the text part. */
export function unescapeHtml(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#' && e[1]?.toLowerCase() === 'x') return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e[0] === '#' && e !== '#39') return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** Plain-text alternative of our own simple mail HTML: blocks become paragraphs, links `label: url`, table cells `a: b`. */
export function htmlToText(html: string): string {
  const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html)?.[1] ?? html;
  return unescapeHtml(
    body
      .replace(/<(style|script|head)[^>]*>[\s\S]*?<\/\1>/gi, '')
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, (_, href: string, label: string) => {
        const text = label.replace(/<[^>]+>/g, '').trim();
        return text && text !== href ? `${text}: ${href}` : href;
      })
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<li[^>]*>/gi, '\n- ')
      .replace(/<th[^>]*>([\s\S]*?)<\/th>\s*<td/gi, '<th>$1:</th> <td')
      .replace(/<\/t[dh]>/gi, ' ')
      .replace(/<\/(p|h[1-6]|div|tr|table|ul|ol|footer)>/gi, '\n\n')
      .replace(/<hr[^>]*>/gi, '\n--\n')
      .replace(/<[^>]+>/g, ''),
  )
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
