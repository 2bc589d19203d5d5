/** One item of an RSS 2.0 feed. */
export interface FeedItem {
  title: string;
  link: string;
  guid: string;
  description: string;
  /** The whole article as HTML (content:encoded). */
  html: string;
  author: string | null;
  publishedAt: Date;
  image: string | null;
}

export interface Feed {
  title: string;
  description: string;
  link: string;
  self: string;
  language: string;
  items: FeedItem[];
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const xml = (s: string) => s.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/** An RSS 2.0 document (with Atom's self link and content:encoded, which readers expect). Every text is escaped. */
export function rssFeed(f: Feed): string {
  const items = f.items
    .map(
      (i) => `    <item>
      <title>${xml(i.title)}</title>
      <link>${xml(i.link)}</link>
      <guid isPermaLink="false">${xml(i.guid)}</guid>
      <pubDate>${i.publishedAt.toUTCString()}</pubDate>
      <description>${xml(i.description)}</description>
      <content:encoded>${xml(i.html)}</content:encoded>${i.author ? `\n      <dc:creator>${xml(i.author)}</dc:creator>` : ''}${i.image ? `\n      <enclosure url="${xml(i.image)}" type="image/jpeg" length="0"/>` : ''}
    </item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>${xml(f.title)}</title>
    <link>${xml(f.link)}</link>
    <description>${xml(f.description)}</description>
    <language>${xml(f.language)}</language>
    <atom:link href="${xml(f.self)}" rel="self" type="application/rss+xml"/>
${items}
  </channel>
</rss>
`;
}
