import { rssFeed } from './rss';

describe('RSS 2.0 feed', () => {
  it('escapes every text and keeps the HTML of the article escaped in content:encoded', () => {
    const xml = rssFeed({
      title: 'Tin tức & sự kiện',
      description: 'Các lớp <tập huấn>',
      link: 'https://x.vn/news?lang=vi&page=1',
      self: 'https://x.vn/news/feed.xml?lang=vi',
      language: 'vi',
      items: [
        { title: '"Đối thoại" <b>', link: 'https://x.vn/news/doi-thoai', guid: 'g1', description: 'a & b', html: '<p>x &amp; y</p>', author: 'Minh Anh', publishedAt: new Date('2026-03-16T02:30:00Z'), image: 'https://x.vn/media/photos/1/web.jpg' },
      ],
    });
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<rss version="2.0"/);
    expect(xml).toContain('<title>Tin tức &amp; sự kiện</title>');
    expect(xml).toContain('<link>https://x.vn/news?lang=vi&amp;page=1</link>');
    expect(xml).toContain('<title>&quot;Đối thoại&quot; &lt;b&gt;</title>');
    expect(xml).toContain('<content:encoded>&lt;p&gt;x &amp;amp; y&lt;/p&gt;</content:encoded>');
    expect(xml).toContain('<pubDate>Mon, 16 Mar 2026 02:30:00 GMT</pubDate>');
    expect(xml).toContain('<dc:creator>Minh Anh</dc:creator>');
    expect(xml).toContain('<enclosure url="https://x.vn/media/photos/1/web.jpg" type="image/jpeg" length="0"/>');
    expect(xml).not.toMatch(/<b>|<p>/);
  });
});
