import type { ArticleContent, ArticlePhoto } from './article-content';

type Block = { kind: 'paragraph'; text: string } | { kind: 'photo'; photo: ArticlePhoto; number: number };

/**
 * The body in reading order: paragraphs with the photos between them. A photo
 * placed after a paragraph that an edit removed moves up to the last one.
 */
export function bodyBlocks(a: Pick<ArticleContent, 'paragraphs' | 'photos'>): Block[] {
  const blocks: Block[] = [];
  const photos = a.photos.map((photo, i) => ({ photo, number: i + 1, after: Math.min(Math.max(0, photo.afterParagraph), a.paragraphs.length) }));
  const photosAfter = (n: number) => photos.filter((p) => p.after === n).forEach(({ photo, number }) => blocks.push({ kind: 'photo', photo, number }));
  photosAfter(0);
  a.paragraphs.forEach((text, i) => {
    blocks.push({ kind: 'paragraph', text });
    photosAfter(i + 1);
  });
  return blocks;
}

/** Plain text, laid out as articles.md shows it (photos as `[photo n: caption]`): what the golden files hold. */
export function renderText(a: ArticleContent): string {
  const lines = [a.dateline, a.title, a.lead];
  for (const b of bodyBlocks(a)) lines.push(b.kind === 'paragraph' ? b.text : `[photo ${b.number}: ${b.photo.caption}]`);
  if (a.byline) lines.push(a.byline);
  return lines.join('\n\n') + '\n';
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * The article as an HTML fragment: every text escaped, photos as `<figure>` with
 * `<figcaption>`. `photoUrl` turns a stored photo URL into the one to show (absolute for feeds).
 */
export function renderHtml(a: ArticleContent, photoUrl: (url: string) => string = (u) => u): string {
  const out = [
    `<p class="article-dateline">${escapeHtml(a.dateline)}</p>`,
    `<h1 class="article-title">${escapeHtml(a.title)}</h1>`,
    `<p class="article-lead">${escapeHtml(a.lead)}</p>`,
  ];
  for (const b of bodyBlocks(a)) {
    if (b.kind === 'paragraph') out.push(`<p>${escapeHtml(b.text)}</p>`);
    else {
      const caption = escapeHtml(b.photo.caption);
      out.push(`<figure class="article-photo"><img src="${escapeHtml(photoUrl(b.photo.url))}" alt="${caption}" loading="lazy"><figcaption>${caption}</figcaption></figure>`);
    }
  }
  if (a.byline) out.push(`<p class="article-byline">${escapeHtml(a.byline)}</p>`);
  return out.join('\n') + '\n';
}

/** Characters that would start Markdown (or inline HTML) formatting. */
function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>|])/g, '\\$1').replace(/^(#|>|[-+] |\d+\. )/, '\\$1');
}

/** The article as Markdown, for pasting into another site's editor. */
export function renderMarkdown(a: ArticleContent, photoUrl: (url: string) => string = (u) => u): string {
  const out = [`*${escapeMarkdown(a.dateline)}*`, `# ${escapeMarkdown(a.title)}`, `**${escapeMarkdown(a.lead)}**`];
  for (const b of bodyBlocks(a)) {
    if (b.kind === 'paragraph') out.push(escapeMarkdown(b.text));
    else out.push(`![${escapeMarkdown(b.photo.caption)}](${encodeURI(photoUrl(b.photo.url)).replace(/[()]/g, (c) => encodeURIComponent(c))})\n*${escapeMarkdown(b.photo.caption)}*`);
  }
  if (a.byline) out.push(`**${escapeMarkdown(a.byline)}**`);
  return out.join('\n\n') + '\n';
}
