import type { ArticleContent, ArticleLanguage, ArticlePhoto, ArticleSource, SourcePresenter } from './article-content';
import { EN, timeOfDay, VI } from './house-style';

/**
 * Writes the news article about an event in the house style of
 * ../shared/articles.md (its rules are numbered the same here). Pure and
 * deterministic: the same source and publication time give the same article,
 * word for word (golden/ holds the expected texts).
 */
export function generateArticle(source: ArticleSource, language: ArticleLanguage, publishedAt: Date): ArticleContent {
  return language === 'vi' ? vietnamese(source, publishedAt) : english(source, publishedAt);
}

/** The dateline of an article published at `at` (rule 1 and its English form): set again at publication. */
export function datelineFor(language: ArticleLanguage, at: Date, zone: string): string {
  return language === 'vi' ? datelineVi(at, zone) : datelineEn(at, zone);
}

// ---- Vietnamese ----

function vietnamese(s: ArticleSource, publishedAt: Date): ArticleContent {
  const { event, organizer, recap } = s;
  const kind = event.kind;
  const paragraphs: string[] = [];

  const attendance = attendanceVi(s);
  if (attendance) paragraphs.push(attendance);
  paragraphs.push(...texts(recap.highlights));
  presentedSessions(s).forEach((session, i) => {
    const opening = i === 0 ? `Tại buổi ${VI.noun[kind]},` : VI.nextSession[(i - 1) % VI.nextSession.length];
    const topic = clean(session.topic) ?? session.title.trim();
    const description = clean(session.description);
    paragraphs.push(`${opening} các đại biểu được nghe ${joinVi(session.presenters.map(presenterVi))} trình bày chuyên đề "${topic}".${description ? ` ${description}` : ''}`);
  });
  const outcome = clean(recap.outcome);
  if (outcome) paragraphs.push(outcome);
  for (const q of recap.quotes) {
    const position = clean(q.position);
    paragraphs.push(`${position ? `${position} - ` : ''}${q.personName.trim()} cho biết: "${q.text.trim()}"`);
  }
  let lead = `${whenVi(event, publishedAt)}, ${firstMention(organizer)} tổ chức ${VI.noun[kind]} "${event.title.trim()}".`;
  // Rule 10: the body's last paragraph carries the closing mark (the lead, when it is all there is).
  if (paragraphs.length) paragraphs[paragraphs.length - 1] = withClosingMark(paragraphs[paragraphs.length - 1]);
  else lead = withClosingMark(lead);

  return {
    language: 'vi',
    dateline: datelineVi(publishedAt, event.timezone),
    title: `${organizer.name.trim()} ${VI.titleVerb[kind]} "${event.title.trim()}"`,
    lead,
    paragraphs,
    photos: placePhotos(s, paragraphs.length, (p) => p.caption),
    byline: clean(recap.author),
  };
}

/** Rule 1: `dd/MM/yyyy - HH:mm` in the event's zone. */
function datelineVi(at: Date, zone: string): string {
  const t = local(at, zone);
  return `${pad(t.day)}/${pad(t.month)}/${t.year} - ${pad(t.hour)}:${pad(t.minute)}`;
}

/** Rule 3: `Sáng 15/3`, `Từ ngày 15 đến 16/3`, `Từ ngày 30/3 đến 1/4`; `/yyyy` when not the publication year. */
function whenVi(event: ArticleSource['event'], publishedAt: Date): string {
  const { start, end, pubYear } = eventDays(event, publishedAt);
  if (!sameDay(start, end)) {
    if (start.year !== end.year) return `Từ ngày ${start.day}/${start.month}/${start.year} đến ${end.day}/${end.month}/${end.year}`;
    const year = end.year !== pubYear ? `/${end.year}` : '';
    if (start.month === end.month) return `Từ ngày ${start.day} đến ${end.day}/${end.month}${year}`;
    return `Từ ngày ${start.day}/${start.month} đến ${end.day}/${end.month}${year}`;
  }
  const year = start.year !== pubYear ? `/${start.year}` : '';
  return `${VI.timeOfDay[timeOfDay(start.hour)]} ${start.day}/${start.month}${year}`;
}

/**
 * Rule 4: `Liên đoàn Lao động (LĐLĐ) tỉnh Bình Dương` when the name ends with its
 * locality, `<name> (<abbreviation>)` otherwise, the name alone without an abbreviation.
 */
export function firstMention(o: ArticleSource['organizer']): string {
  const name = o.name.trim();
  const abbreviation = clean(o.abbreviation);
  const locality = clean(o.locality);
  if (!abbreviation) return name;
  if (locality && name.length > locality.length && name.endsWith(locality) && name[name.length - locality.length - 1] === ' ') {
    return `${name.slice(0, name.length - locality.length).trimEnd()} (${abbreviation}) ${locality}`;
  }
  return `${name} (${abbreviation})`;
}

/** Rule 5. Null when there is nobody to name (no officials and no delegates). */
function attendanceVi(s: ArticleSource): string | null {
  const officials = officialGroups(s).map((g) => (g.position ? `${g.position} - ${g.names.join(', ')}` : g.names.join(', '))).join(', ');
  const count = delegateCount(s);
  const audience = count > 0 ? clean(stripFinalStop(s.event.audience)) : null;
  const delegates = count > 0 ? `${delegateCountVi(count)} đại biểu${audience ? ` là ${audience}` : ''}` : '';
  if (!officials && !delegates) return null;
  const who = officials && delegates ? `${officials} cùng ${delegates}` : officials || delegates;
  return `Tham dự ${VI.classNoun[s.event.kind]} có ${who}.`;
}

/** Rule 5's count: exact under 10 or on a multiple of 10; else `hơn` rounded down to tens, from 1,000 to hundreds (`hơn 1.200`). */
export function delegateCountVi(n: number): string {
  const r = roundedCount(n);
  return r.exact ? groupDigits(n, '.') : `hơn ${groupDigits(r.value, '.')}`;
}

function presenterVi(p: SourcePresenter): string {
  const name = [clean(p.honorific), p.fullName.trim()].filter(Boolean).join(' ');
  const affiliation = clean(p.affiliation);
  return affiliation ? `${name} - ${affiliation}` : name;
}

function joinVi(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} và ${items[items.length - 1]}`;
}

/**
 * Rule 10: `./.` ends the body. After a closing quotation mark it follows the mark
 * (a full stop just inside the quote is dropped, so no `."./.`); a final `.` becomes `./.`.
 */
export function withClosingMark(paragraph: string): string {
  const p = paragraph.trimEnd();
  if (p.endsWith('./.')) return p;
  const closing = p.endsWith('"') ? '"' : p.endsWith('”') ? '”' : null;
  if (closing) {
    const inner = p.slice(0, -1);
    return `${inner.endsWith('.') && !inner.endsWith('..') ? inner.slice(0, -1) : inner}${closing}./.`;
  }
  return p.endsWith('.') ? `${p}/.` : `${p}./.`;
}

// ---- English ----

function english(s: ArticleSource, publishedAt: Date): ArticleContent {
  const { event, organizer, recap } = s;
  const kind = event.kind;
  const name = clean(organizer.nameEn) ?? organizer.name.trim();
  const title = clean(event.titleEn) ?? event.title.trim();
  const paragraphs: string[] = [];

  const attendance = attendanceEn(s);
  if (attendance) paragraphs.push(attendance);
  const highlightsEn = texts(recap.highlightsEn);
  paragraphs.push(...(highlightsEn.length ? highlightsEn : texts(recap.highlights)));
  presentedSessions(s).forEach((session, i) => {
    const opening = i === 0 ? 'Delegates heard' : EN.nextSession[(i - 1) % EN.nextSession.length];
    const topic = clean(session.topic) ?? session.title.trim();
    const description = clean(session.description);
    const presenters = session.presenters.map((p) => {
      const affiliation = clean(p.affiliation);
      return affiliation ? `${p.fullName.trim()} of the ${affiliation}` : p.fullName.trim();
    });
    paragraphs.push(`${opening} ${joinEn(presenters)} present "${topic}".${description ? ` ${description}` : ''}`);
  });
  const outcome = clean(recap.outcomeEn) ?? clean(recap.outcome);
  if (outcome) paragraphs.push(outcome);
  for (const q of recap.quotes) {
    const text = (clean(q.textEn) ?? q.text.trim()).trimEnd();
    const position = clean(q.position);
    const quoted = /[?!]$/.test(text) ? `"${text}"` : `"${stripFinalStop(text)},"`;
    paragraphs.push(`${quoted} said ${q.personName.trim()}${position ? `, ${position}` : ''}.`);
  }

  return {
    language: 'en',
    dateline: datelineEn(publishedAt, event.timezone),
    title: `${name} ${EN.titleVerb[kind]} "${title}"`,
    lead: `${whenEn(event, publishedAt)}, ${clean(organizer.nameEn) ? withArticle(name) : name} held ${EN.held[kind]} on "${title}".`,
    paragraphs,
    photos: placePhotos(s, paragraphs.length, (p) => clean(p.captionEn) ?? p.caption.trim()),
    byline: clean(recap.author),
  };
}

/** `16 March 2026, 09:30` in the event's zone. */
function datelineEn(at: Date, zone: string): string {
  const t = local(at, zone);
  return `${t.day} ${EN.months[t.month - 1]} ${t.year}, ${pad(t.hour)}:${pad(t.minute)}`;
}

function whenEn(event: ArticleSource['event'], publishedAt: Date): string {
  const { start, end, pubYear } = eventDays(event, publishedAt);
  const month = (m: number) => EN.months[m - 1];
  if (!sameDay(start, end)) {
    if (start.year !== end.year) return `From ${start.day} ${month(start.month)} ${start.year} to ${end.day} ${month(end.month)} ${end.year}`;
    const year = end.year !== pubYear ? ` ${end.year}` : '';
    if (start.month === end.month) return `From ${start.day} to ${end.day} ${month(end.month)}${year}`;
    return `From ${start.day} ${month(start.month)} to ${end.day} ${month(end.month)}${year}`;
  }
  const date = `${start.day} ${month(start.month)}${start.year !== pubYear ? ` ${start.year}` : ''}`;
  const part = timeOfDay(start.hour);
  return part === 'noon' ? `At noon on ${date}` : `On the ${part} of ${date}`;
}

/** `the Binh Duong Federation of Labour`, unless the English name already begins with "The" (a Vietnamese fallback takes none). */
function withArticle(name: string): string {
  return /^the\s/i.test(name) ? name : `the ${name}`;
}

function attendanceEn(s: ArticleSource): string | null {
  // One item per official (the first of a group carries the shared position), then the delegates:
  // `A, B, C and more than 120 delegates`, as the Vietnamese list reads.
  const items = officialGroups(s).flatMap((g) => g.names.map((name, i) => (i === 0 && g.position ? `${g.position} ${name}` : name)));
  const count = delegateCount(s);
  const audience = count > 0 ? clean(stripFinalStop(s.event.audienceEn ?? s.event.audience)) : null;
  if (count > 0) items.push(`${delegateCountEn(count)} ${count === 1 ? 'delegate' : 'delegates'}${audience ? `, ${audience}` : ''}`);
  if (!items.length) return null;
  const people = items.length - (count > 0 ? 1 : 0) + count;
  return `${people === 1 ? 'Attending was' : 'Attending were'} ${joinEn(items)}.`;
}

/** `70`, `more than 120`, `more than 1,200`: the same rounding as the Vietnamese count. */
export function delegateCountEn(n: number): string {
  const r = roundedCount(n);
  return r.exact ? groupDigits(n, ',') : `more than ${groupDigits(r.value, ',')}`;
}

function joinEn(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

// ---- Shared rules ----

/** Rule 5: consecutive officials with the same position share it. */
function officialGroups(s: ArticleSource): { position: string | null; names: string[] }[] {
  const groups: { position: string | null; names: string[] }[] = [];
  for (const o of s.officials) {
    const position = clean(o.position);
    const last = groups[groups.length - 1];
    if (last && last.position === position) last.names.push(o.fullName.trim());
    else groups.push({ position, names: [o.fullName.trim()] });
  }
  return groups;
}

/** Checked-in delegates; confirmed ones while nobody has checked in yet. */
function delegateCount(s: ArticleSource): number {
  return s.delegates.checkedIn > 0 ? s.delegates.checkedIn : s.delegates.confirmed;
}

function roundedCount(n: number): { exact: boolean; value: number } {
  if (n < 10 || n % 10 === 0) return { exact: true, value: n };
  return { exact: false, value: n < 1000 ? Math.floor(n / 10) * 10 : Math.floor(n / 100) * 100 };
}

function groupDigits(n: number, separator: string): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

/** Rule 7: sessions that have a presenter, in time order. */
function presentedSessions(s: ArticleSource) {
  return s.sessions.filter((x) => x.presenters.length > 0).sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}

/**
 * Rule 12: the first photo right after the lead, the others spread evenly
 * between the paragraphs that follow (never after the last one while there
 * is room between them).
 */
function placePhotos(s: ArticleSource, paragraphCount: number, caption: (p: ArticleSource['photos'][number]) => string): ArticlePhoto[] {
  const rest = s.photos.length - 1;
  return s.photos.map((p, i) => {
    let after = 0;
    if (i > 0) {
      after = paragraphCount <= 1 ? paragraphCount : Math.min(paragraphCount - 1, Math.max(1, Math.round((i * paragraphCount) / (rest + 1))));
    }
    return { photoId: p.id, url: p.url, caption: caption(p), afterParagraph: after };
  });
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Wall time of `at` in `zone` (Intl knows every IANA zone). */
function local(at: Date, zone: string): LocalTime {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone: zone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
    formatters.set(zone, f);
  }
  const parts: Record<string, number> = {};
  for (const part of f.formatToParts(at)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute };
}

/** The event's first and last local days (an end at midnight belongs to the day before). */
function eventDays(event: ArticleSource['event'], publishedAt: Date) {
  return {
    start: local(event.startsAt, event.timezone),
    end: local(new Date(Math.max(event.startsAt.getTime(), event.endsAt.getTime() - 1)), event.timezone),
    pubYear: local(publishedAt, event.timezone).year,
  };
}

function sameDay(a: LocalTime, b: LocalTime): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Trimmed text, or null when empty or missing. */
function clean(text: string | null | undefined): string | null {
  const t = text?.trim();
  return t ? t : null;
}

function texts(list: string[]): string[] {
  return list.map((t) => t.trim()).filter(Boolean);
}

function stripFinalStop(text: string | null | undefined): string | null {
  if (text == null) return null;
  const t = text.trim();
  return t.endsWith('.') && !t.endsWith('..') ? t.slice(0, -1) : t;
}
