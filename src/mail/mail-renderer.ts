import { Injectable } from '@nestjs/common';
import { Eta } from 'eta';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MailLocale } from './mail-message.entity';

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

const TEMPLATES_DIR = join(__dirname, 'templates');
const NAME = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Renders `templates/<name>.<locale>.eta` into subject, HTML and plain
 * text; sending is elsewhere (MailTransport). The first line of a template
 * is the subject, the rest the HTML body, wrapped in `layout.eta`. Eta
 * escapes every `<%= %>` output, so user text (names, titles) cannot inject
 * markup; the text part is derived from the same HTML.
 */
@Injectable()
export class MailRenderer {
  // autoTrim off: the newline after the subject line must survive.
  private readonly eta = new Eta({ views: TEMPLATES_DIR, cache: true, autoEscape: true, autoTrim: false });

  /** Whether `name` exists in `locale`. */
  has(name: string, locale: MailLocale): boolean {
    return NAME.test(name) && existsSync(join(TEMPLATES_DIR, `${name}.${locale}.eta`));
  }

  render(name: string, locale: MailLocale, data: Record<string, unknown>): RenderedMail {
    if (!this.has(name, locale)) throw new Error(`no mail template "${name}" in locale "${locale}" (src/mail/templates)`);
    const out = this.eta.render(`./${name}.${locale}.eta`, data);
    const newline = out.indexOf('\n');
    const subject = unescapeHtml(out.slice(0, newline < 0 ? undefined : newline)).replace(/\s+/g, ' ').trim();
    const body = newline < 0 ? '' : out.slice(newline + 1).trim();
    const html = this.eta.render('./layout.eta', { body, subject, locale });
    return { subject, html, text: htmlToText(html) };
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

/** Plain-text alternative of our own simple mail HTML: blocks become paragraphs, links `label: url`. */
export function htmlToText(html: string): string {
  const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html)?.[1] ?? html;
  return unescapeHtml(
    body
      .replace(/<(style|script|head)[^>]*>[\s\S]*?<\/\1>/gi, '')
      .replace(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, (_, href: string, label: string) => {
        const text = label.replace(/<[^>]+>/g, '').trim();
        return text && text !== href ? `${text}: ${href}` : href;
      })
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<li[^>]*>/gi, '\n- ')
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
