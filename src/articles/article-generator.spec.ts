import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ArticleSource } from './article-content';
import { delegateCountEn, delegateCountVi, generateArticle, withClosingMark } from './article-generator';
import { renderHtml, renderMarkdown, renderText } from './article-render';

/**
 * Golden files (golden/<case>.<lang>.txt) hold the whole expected article. After a deliberate change of
 * the house style, rewrite them with `UPDATE_GOLDEN=1 npx jest --selectProjects unit -- src/articles`
 * and read the diff: every changed word is a change readers will see.
 */
const GOLDEN = join(__dirname, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function golden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (UPDATE || !existsSync(file)) {
    if (!UPDATE) throw new Error(`missing golden file ${name}; write it with UPDATE_GOLDEN=1 and review it`);
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

const PUBLISHED = new Date('2026-03-16T09:30:00+07:00');
const HIGHLIGHT = 'Lớp tập huấn nhằm nâng cao năng lực quản lý tài chính cho cán bộ công đoàn cơ sở trong toàn tỉnh.';
const QUOTE = 'Công tác tài chính phải công khai, minh bạch, đúng quy định';

/** The worked example of articles.md. */
function workedExample(): ArticleSource {
  return {
    event: {
      kind: 'training',
      title: 'Nghiệp vụ công tác tài chính công đoàn',
      titleEn: 'Trade union financial work',
      audience: 'cán bộ làm công tác tài chính của các công đoàn cơ sở trực thuộc',
      audienceEn: 'finance officers of the affiliated grassroots unions',
      startsAt: new Date('2026-03-15T08:00:00+07:00'),
      endsAt: new Date('2026-03-15T11:30:00+07:00'),
      timezone: 'Asia/Ho_Chi_Minh',
    },
    organizer: {
      name: 'Liên đoàn Lao động tỉnh Bình Dương',
      nameEn: 'Binh Duong Provincial Federation of Labour',
      abbreviation: 'LĐLĐ',
      locality: 'tỉnh Bình Dương',
      shortName: 'LĐLĐ tỉnh',
    },
    officials: [
      { position: 'Chủ tịch LĐLĐ tỉnh', fullName: 'Trần Văn Nam' },
      { position: 'Phó Chủ tịch LĐLĐ tỉnh', fullName: 'Nguyễn Thị Hoa' },
      { position: 'Phó Chủ tịch LĐLĐ tỉnh', fullName: 'Lê Minh Tâm' },
    ],
    delegates: { checkedIn: 124, confirmed: 130 },
    sessions: [
      {
        title: 'Chuyên đề 1',
        topic: 'Quản lý tài chính, tài sản công đoàn',
        description: 'Trong đó, báo cáo viên hướng dẫn lập dự toán và quyết toán thu, chi tài chính công đoàn.',
        startsAt: new Date('2026-03-15T08:30:00+07:00'),
        presenters: [{ honorific: 'bà', fullName: 'Võ Thị Lan', affiliation: 'Ban Tài chính Tổng Liên đoàn' }],
      },
    ],
    recap: {
      highlights: [HIGHLIGHT],
      highlightsEn: ['The course aims to strengthen the financial management skills of grassroots union officers across the province.'],
      outcome: null,
      outcomeEn: null,
      quotes: [{ personName: 'Trần Văn Nam', position: 'Chủ tịch LĐLĐ tỉnh', text: QUOTE, textEn: 'Financial work must be open, transparent and by the rules' }],
      author: 'Minh Anh',
    },
    photos: [{ id: 'p1', url: '/media/photos/p1.jpg', caption: 'Quang cảnh lớp tập huấn', captionEn: 'The training course' }],
  };
}

type Change = (s: ArticleSource) => void;
const at = (iso: string) => new Date(iso);

/** Every case the issue lists; each is the worked example with one thing changed. */
const CASES: Record<string, Change> = {
  'worked-example': () => {},
  'no-officials': (s) => {
    s.officials = [];
  },
  'one-official': (s) => {
    s.officials = [{ position: 'Chủ tịch LĐLĐ tỉnh', fullName: 'Trần Văn Nam' }];
  },
  'officials-sharing-positions': (s) => {
    s.officials = [
      { position: null, fullName: 'Hoàng Thu Trang' },
      { position: 'Phó Chủ tịch LĐLĐ tỉnh', fullName: 'Nguyễn Thị Hoa' },
      { position: 'Phó Chủ tịch LĐLĐ tỉnh', fullName: 'Lê Minh Tâm' },
      { position: 'Trưởng Ban Tài chính LĐLĐ tỉnh', fullName: 'Phạm Quốc Bảo' },
      { position: 'Phó Chủ tịch LĐLĐ tỉnh', fullName: 'Đặng Văn Hùng' },
      { position: 'Ủy viên Ban Thường vụ', fullName: 'Bùi Anh Tuấn' },
      { position: 'Ủy viên Ban Thường vụ', fullName: 'Ngô Thị Mai' },
      { position: 'Ủy viên Ban Thường vụ', fullName: 'Đỗ Văn Khoa' },
    ];
  },
  'delegates-7': (s) => {
    s.delegates = { checkedIn: 7, confirmed: 9 };
  },
  'delegates-70': (s) => {
    s.delegates = { checkedIn: 70, confirmed: 80 };
  },
  'delegates-73': (s) => {
    s.delegates = { checkedIn: 73, confirmed: 80 };
  },
  'delegates-1234': (s) => {
    s.delegates = { checkedIn: 1234, confirmed: 1300 };
  },
  'nobody-checked-in': (s) => {
    s.officials = [];
    s.delegates = { checkedIn: 0, confirmed: 86 };
  },
  'multi-day-same-month': (s) => {
    s.event.startsAt = at('2026-03-15T08:00:00+07:00');
    s.event.endsAt = at('2026-03-16T17:00:00+07:00');
  },
  'multi-day-across-months': (s) => {
    s.event.startsAt = at('2026-03-30T08:00:00+07:00');
    s.event.endsAt = at('2026-04-01T11:00:00+07:00');
  },
  'noon-event': (s) => {
    s.event.startsAt = at('2026-03-15T11:30:00+07:00');
    s.event.endsAt = at('2026-03-15T13:30:00+07:00');
  },
  'afternoon-event': (s) => {
    s.event.startsAt = at('2026-03-15T13:00:00+07:00');
    s.event.endsAt = at('2026-03-15T17:00:00+07:00');
  },
  'evening-event': (s) => {
    s.event.startsAt = at('2026-03-15T18:00:00+07:00');
    s.event.endsAt = at('2026-03-15T21:00:00+07:00');
  },
  'other-year': (s) => {
    s.event.startsAt = at('2025-12-20T08:00:00+07:00');
    s.event.endsAt = at('2025-12-20T11:00:00+07:00');
  },
  'other-year-multi-day': (s) => {
    s.event.startsAt = at('2025-12-19T08:00:00+07:00');
    s.event.endsAt = at('2025-12-20T11:00:00+07:00');
  },
  'several-sessions-two-presenters': (s) => {
    s.sessions = [
      // Out of order on purpose: paragraphs follow the time.
      { title: 'Thảo luận', topic: 'Giải đáp vướng mắc', description: null, startsAt: at('2026-03-15T10:30:00+07:00'), presenters: [{ honorific: 'ông', fullName: 'Phan Văn Đức', affiliation: 'Kiểm toán Nhà nước khu vực IV' }] },
      { title: 'Khai mạc', topic: null, description: null, startsAt: at('2026-03-15T08:00:00+07:00'), presenters: [] },
      {
        title: 'Chuyên đề 1',
        topic: 'Quản lý tài chính, tài sản công đoàn',
        description: 'Trong đó, báo cáo viên hướng dẫn lập dự toán và quyết toán thu, chi tài chính công đoàn.',
        startsAt: at('2026-03-15T08:30:00+07:00'),
        presenters: [{ honorific: 'bà', fullName: 'Võ Thị Lan', affiliation: 'Ban Tài chính Tổng Liên đoàn' }],
      },
      {
        title: 'Chuyên đề 2',
        topic: 'Kiểm tra, giám sát tài chính công đoàn',
        description: null,
        startsAt: at('2026-03-15T09:30:00+07:00'),
        presenters: [
          { honorific: 'ông', fullName: 'Trịnh Công Sơn', affiliation: 'Ủy ban Kiểm tra LĐLĐ tỉnh' },
          { honorific: 'bà', fullName: 'Lý Thu Hà', affiliation: 'Văn phòng LĐLĐ tỉnh' },
        ],
      },
      { title: 'Tổng kết', topic: 'Phần mềm kế toán công đoàn', description: null, startsAt: at('2026-03-15T11:00:00+07:00'), presenters: [{ honorific: null, fullName: 'Mai Văn Phúc', affiliation: 'Ban Tài chính LĐLĐ tỉnh' }] },
    ];
  },
  'session-without-topic-or-affiliation': (s) => {
    s.sessions = [{ title: 'Hướng dẫn sử dụng phần mềm kế toán', topic: null, description: null, startsAt: at('2026-03-15T08:30:00+07:00'), presenters: [{ honorific: 'ông', fullName: 'Mai Văn Phúc', affiliation: null }] }];
  },
  'no-audience': (s) => {
    s.event.audience = null;
    s.event.audienceEn = null;
  },
  'no-quotes': (s) => {
    s.recap.quotes = [];
    s.recap.outcome = 'Kết thúc lớp tập huấn, các học viên được cấp giấy chứng nhận.';
    s.recap.outcomeEn = 'At the end of the course, participants received certificates.';
  },
  'quote-ending-with-full-stop': (s) => {
    s.recap.quotes = [
      { personName: 'Nguyễn Thị Hoa', position: 'Phó Chủ tịch LĐLĐ tỉnh', text: 'Mỗi cán bộ cần nắm vững nghiệp vụ.', textEn: null },
      { personName: 'Võ Thị Lan', position: null, text: 'Số liệu phải chính xác, kịp thời.', textEn: 'Figures must be accurate and on time.' },
    ];
  },
  'organizer-without-abbreviation-or-locality': (s) => {
    s.organizer = { name: 'Công đoàn Khu công nghiệp Việt Nam - Singapore', nameEn: null, abbreviation: null, locality: null, shortName: null };
  },
  'organizer-with-abbreviation-no-locality': (s) => {
    s.organizer = { name: 'Công đoàn Viên chức tỉnh', nameEn: 'Provincial Civil Servants Trade Union', abbreviation: 'CĐVC', locality: null, shortName: 'CĐVC tỉnh' };
  },
  'workshop-several-photos': (s) => {
    s.event.kind = 'workshop';
    s.event.title = 'Đối thoại chính sách tiền lương';
    s.event.titleEn = null;
    s.recap.highlights = ['Hội thảo thu hút nhiều ý kiến đóng góp.', 'Các đại biểu thống nhất kiến nghị gửi Tổng Liên đoàn.'];
    s.recap.highlightsEn = [];
    s.recap.outcome = 'Hội thảo đã thống nhất 5 kiến nghị.';
    s.photos = [1, 2, 3, 4].map((n) => ({ id: `p${n}`, url: `/media/photos/p${n}.jpg`, caption: `Ảnh ${n}`, captionEn: n === 2 ? 'Photo 2' : null }));
  },
  'seminar': (s) => {
    s.event.kind = 'seminar';
    s.event.title = 'Kỹ năng thương lượng tập thể';
    s.event.titleEn = 'Collective bargaining skills';
  },
  'conference-nothing-recorded': (s) => {
    s.event.kind = 'conference';
    s.officials = [];
    s.delegates = { checkedIn: 0, confirmed: 0 };
    s.sessions = [];
    s.recap = { highlights: [], highlightsEn: [], outcome: null, outcomeEn: null, quotes: [], author: null };
    s.photos = [];
  },
};

function source(change: Change): ArticleSource {
  const s = workedExample();
  change(s);
  return s;
}

describe('article generator (golden files)', () => {
  for (const [name, change] of Object.entries(CASES)) {
    it(`${name}: the Vietnamese article matches golden/${name}.vi.txt`, () => {
      golden(`${name}.vi.txt`, renderText(generateArticle(source(change), 'vi', PUBLISHED)));
    });
    it(`${name}: the English article matches golden/${name}.en.txt`, () => {
      golden(`${name}.en.txt`, renderText(generateArticle(source(change), 'en', PUBLISHED)));
    });
  }

  it('worked example: HTML and Markdown renderings match their golden files', () => {
    const vi = generateArticle(workedExample(), 'vi', PUBLISHED);
    golden('worked-example.vi.html', renderHtml(vi));
    golden('worked-example.vi.md', renderMarkdown(vi));
    const en = generateArticle(workedExample(), 'en', PUBLISHED);
    golden('worked-example.en.html', renderHtml(en));
    golden('worked-example.en.md', renderMarkdown(en));
  });
});

describe('article generator (the worked example of articles.md, word for word)', () => {
  it('writes exactly the expected article, with the placeholders filled by the recap', () => {
    // Copied from ../shared/articles.md; only the bracketed placeholders are replaced.
    const expected = `16/03/2026 - 09:30

Liên đoàn Lao động tỉnh Bình Dương tập huấn "Nghiệp vụ công tác tài chính công đoàn"

Sáng 15/3, Liên đoàn Lao động (LĐLĐ) tỉnh Bình Dương tổ chức tập huấn "Nghiệp vụ công tác tài chính công đoàn".

[photo 1: Quang cảnh lớp tập huấn]

Tham dự lớp tập huấn có Chủ tịch LĐLĐ tỉnh - Trần Văn Nam, Phó Chủ tịch LĐLĐ tỉnh - Nguyễn Thị Hoa, Lê Minh Tâm cùng hơn 120 đại biểu là cán bộ làm công tác tài chính của các công đoàn cơ sở trực thuộc.

${HIGHLIGHT}

Tại buổi tập huấn, các đại biểu được nghe bà Võ Thị Lan - Ban Tài chính Tổng Liên đoàn trình bày chuyên đề "Quản lý tài chính, tài sản công đoàn". Trong đó, báo cáo viên hướng dẫn lập dự toán và quyết toán thu, chi tài chính công đoàn.

Chủ tịch LĐLĐ tỉnh - Trần Văn Nam cho biết: "${QUOTE}"./.

Minh Anh
`;
    expect(renderText(generateArticle(workedExample(), 'vi', PUBLISHED))).toBe(expected);
  });

  it('gives the structured parts separately (dateline, title, lead, paragraphs, photos, byline)', () => {
    const a = generateArticle(workedExample(), 'vi', PUBLISHED);
    expect(a.dateline).toBe('16/03/2026 - 09:30');
    expect(a.paragraphs).toHaveLength(4);
    expect(a.photos).toEqual([{ photoId: 'p1', url: '/media/photos/p1.jpg', caption: 'Quang cảnh lớp tập huấn', afterParagraph: 0 }]);
    expect(a.byline).toBe('Minh Anh');
  });

  it('English: the conventions of articles.md (title, lead, attendance, session, quote, dateline, no closing mark)', () => {
    const a = generateArticle(workedExample(), 'en', PUBLISHED);
    expect(a.dateline).toBe('16 March 2026, 09:30');
    expect(a.title).toBe('Binh Duong Provincial Federation of Labour holds training on "Trade union financial work"');
    expect(a.lead).toBe('On the morning of 15 March, the Binh Duong Provincial Federation of Labour held a training course on "Trade union financial work".');
    expect(a.paragraphs[0]).toBe('Attending were Chủ tịch LĐLĐ tỉnh Trần Văn Nam, Phó Chủ tịch LĐLĐ tỉnh Nguyễn Thị Hoa, Lê Minh Tâm and more than 120 delegates, finance officers of the affiliated grassroots unions.');
    expect(a.paragraphs[2]).toMatch(/^Delegates heard Võ Thị Lan of the Ban Tài chính Tổng Liên đoàn present "Quản lý tài chính, tài sản công đoàn"\./);
    expect(a.paragraphs[3]).toBe('"Financial work must be open, transparent and by the rules," said Trần Văn Nam, Chủ tịch LĐLĐ tỉnh.');
    expect(a.paragraphs.join(' ')).not.toContain('./.');
  });

  it('is deterministic: the same data gives the same article', () => {
    expect(generateArticle(workedExample(), 'vi', PUBLISHED)).toEqual(generateArticle(workedExample(), 'vi', PUBLISHED));
  });
});

describe('article rules one by one', () => {
  it.each([
    [1, '1'],
    [7, '7'],
    [10, '10'],
    [70, '70'],
    [73, 'hơn 70'],
    [124, 'hơn 120'],
    [999, 'hơn 990'],
    [1000, '1.000'],
    [1234, 'hơn 1.200'],
    [1299, 'hơn 1.200'],
    [12345, 'hơn 12.300'],
  ])('%d delegates are "%s" (rule 5)', (n, words) => {
    expect(delegateCountVi(n)).toBe(words);
    expect(delegateCountEn(n)).toBe(words.replace('hơn', 'more than').replace(/\./g, ','));
  });

  it.each([
    ['Họ đã làm tốt.', 'Họ đã làm tốt./.'],
    ['Không có dấu chấm', 'Không có dấu chấm./.'],
    ['Ông A cho biết: "Rất tốt"', 'Ông A cho biết: "Rất tốt"./.'],
    ['Ông A cho biết: "Rất tốt."', 'Ông A cho biết: "Rất tốt"./.'],
    ['Đã xong./.', 'Đã xong./.'],
  ])('closing mark: %s → %s (rule 10)', (input, output) => {
    expect(withClosingMark(input)).toBe(output);
  });

  it('the year of an event published in another year is added to the date (rule 3)', () => {
    const s = source(CASES['other-year']);
    expect(generateArticle(s, 'vi', PUBLISHED).lead).toMatch(/^Sáng 20\/12\/2025, /);
    expect(generateArticle(s, 'en', PUBLISHED).lead).toMatch(/^On the morning of 20 December 2025, /);
  });

  it('times of day follow the local start, not UTC (rule 3)', () => {
    // 10:59 in Hanoi is 03:59 UTC; 11:00 is noon.
    const s = workedExample();
    s.event.startsAt = at('2026-03-15T10:59:00+07:00');
    expect(generateArticle(s, 'vi', PUBLISHED).lead).toMatch(/^Sáng 15\/3,/);
    s.event.startsAt = at('2026-03-15T11:00:00+07:00');
    expect(generateArticle(s, 'vi', PUBLISHED).lead).toMatch(/^Trưa 15\/3,/);
    s.event.startsAt = at('2026-03-15T12:59:00+07:00');
    expect(generateArticle(s, 'vi', PUBLISHED).lead).toMatch(/^Trưa 15\/3,/);
    s.event.startsAt = at('2026-03-15T17:59:00+07:00');
    s.event.endsAt = at('2026-03-15T20:00:00+07:00');
    expect(generateArticle(s, 'vi', PUBLISHED).lead).toMatch(/^Chiều 15\/3,/);
  });

  it('user text is escaped in HTML and in Markdown', () => {
    const s = workedExample();
    s.recap.quotes = [{ personName: 'X', position: null, text: '<script>alert(1)</script>', textEn: null }];
    s.photos = [{ id: 'p1', url: '/media/photos/p1.jpg', caption: '<img src=x onerror=alert(1)>', captionEn: null }];
    const a = generateArticle(s, 'vi', PUBLISHED);
    const html = renderHtml(a);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<figcaption>&lt;img src=x onerror=alert(1)&gt;</figcaption>');
    expect(renderMarkdown(a)).toContain('\\<script\\>');
  });
});
