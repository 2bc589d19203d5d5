import { performance } from 'node:perf_hooks';
import type { ArticleSource } from '../../../src/articles/article-content';
import { generateArticle } from '../../../src/articles/article-generator';
import { renderHtml, renderMarkdown } from '../../../src/articles/article-render';
import { Scenario } from '../harness';

const IN_PROCESS_RUNS = 2000;
const END_TO_END_RUNS = 30;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** A large article's data: 30 officials, 1,234 delegates, 8 sessions with two presenters, 5 quotes, 10 photos. */
function bigSource(): ArticleSource {
  const start = new Date('2026-03-15T08:00:00+07:00').getTime();
  return {
    event: { kind: 'training', title: 'Nghiệp vụ công tác tài chính công đoàn', titleEn: 'Trade union financial work', audience: 'cán bộ làm công tác tài chính của các công đoàn cơ sở trực thuộc', audienceEn: null, startsAt: new Date(start), endsAt: new Date(start + 2 * 86_400_000), timezone: 'Asia/Ho_Chi_Minh' },
    organizer: { name: 'Liên đoàn Lao động tỉnh Bình Dương', nameEn: 'Binh Duong Provincial Federation of Labour', abbreviation: 'LĐLĐ', locality: 'tỉnh Bình Dương', shortName: 'LĐLĐ tỉnh' },
    officials: Array.from({ length: 30 }, (_, i) => ({ position: i % 3 === 0 ? 'Chủ tịch' : 'Phó Chủ tịch LĐLĐ tỉnh', fullName: `Nguyễn Văn ${i}` })),
    delegates: { checkedIn: 1234, confirmed: 1300 },
    sessions: Array.from({ length: 8 }, (_, i) => ({
      title: `Chuyên đề ${i + 1}`,
      topic: `Chủ đề số ${i + 1}`,
      description: 'Trong đó, báo cáo viên hướng dẫn lập dự toán và quyết toán thu, chi tài chính công đoàn.',
      startsAt: new Date(start + i * 3_600_000),
      presenters: [
        { honorific: 'bà', fullName: `Võ Thị ${i}`, affiliation: 'Ban Tài chính Tổng Liên đoàn' },
        { honorific: 'ông', fullName: `Lê Văn ${i}`, affiliation: 'Ban Tài chính LĐLĐ tỉnh' },
      ],
    })),
    recap: {
      highlights: Array.from({ length: 6 }, (_, i) => `Đoạn nổi bật thứ ${i + 1} của lớp tập huấn, với nhiều nội dung thiết thực.`),
      highlightsEn: [],
      outcome: 'Kết thúc lớp tập huấn, các học viên được cấp giấy chứng nhận.',
      outcomeEn: null,
      quotes: Array.from({ length: 5 }, (_, i) => ({ personName: `Trần Văn ${i}`, position: 'Chủ tịch LĐLĐ tỉnh', text: 'Công tác tài chính phải công khai, minh bạch.', textEn: null })),
      author: 'Minh Anh',
    },
    photos: Array.from({ length: 10 }, (_, i) => ({ id: `p${i}`, url: `/media/photos/p${i}/web.jpg`, caption: `Ảnh ${i + 1}`, captionEn: null })),
  };
}

/**
 * design.md: article generation p50 ≤ 20 ms in process (the generator and both renderings of a large
 * article), and ≤ 1 s from the request (POST /events/:id/articles, 202) to the draft being readable
 * (through the outbox, Redis and the worker).
 */
export const articleGeneration: Scenario = {
  name: 'article-generation',
  description: `${IN_PROCESS_RUNS} generations in process; ${END_TO_END_RUNS} requests → draft through the queue`,
  async run(ctx) {
    const scenario = this.name;
    const source = bigSource();
    const published = new Date('2026-03-16T09:30:00+07:00');
    const times: number[] = [];
    for (let i = 0; i < IN_PROCESS_RUNS; i++) {
      const t0 = performance.now();
      const language = i % 2 ? 'en' : 'vi';
      const a = generateArticle(source, language, published);
      renderHtml(a);
      renderMarkdown(a);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);

    const org = await ctx.createOrganization({ name: 'Liên đoàn Lao động tỉnh Bình Dương', abbreviation: 'LĐLĐ', locality: 'tỉnh Bình Dương' });
    const event = await ctx.createEvent(org.id);
    await ctx.api('POST', `/api/v1/events/${event.id}/publish`);
    await ctx.api('PUT', `/api/v1/events/${event.id}/recap`, { highlights: source.recap.highlights, quotes: source.recap.quotes.map(({ personName, position, text }) => ({ personName, position, text })), author: 'Minh Anh' });
    const e2e: number[] = [];
    for (let i = 0; i < END_TO_END_RUNS; i++) {
      const t0 = performance.now();
      const { id } = await ctx.api('POST', `/api/v1/events/${event.id}/articles`, { language: 'vi', overwriteEdits: true });
      for (;;) {
        const a = await ctx.api('GET', `/api/v1/articles/${id}`);
        if (a.status === 'draft') break;
        if (a.status === 'failed') throw new Error(`article generation failed: ${a.failureReason}`);
        if (performance.now() - t0 > 30_000) throw new Error('article generation did not finish in 30 s');
        await new Promise((r) => setTimeout(r, 5));
      }
      e2e.push(performance.now() - t0);
    }
    e2e.sort((a, b) => a - b);
    const p50 = percentile(times, 50);
    const e2eP50 = percentile(e2e, 50);
    const e2eP95 = percentile(e2e, 95);
    return [
      ctx.row({ scenario, metric: 'generation in process, p50', unit: 'ms', value: Number(p50.toFixed(3)), limit: 20, target: '≤ 20 ms', pass: p50 <= 20 }),
      ctx.row({ scenario, metric: 'generation in process, p99', unit: 'ms', value: Number(percentile(times, 99).toFixed(3)), limit: null, target: '', pass: null }),
      ctx.row({ scenario, metric: 'request → draft, p50', unit: 'ms', value: Math.round(e2eP50), limit: 1000, target: '≤ 1 s', pass: e2eP50 <= 1000 }),
      ctx.row({ scenario, metric: 'request → draft, p95', unit: 'ms', value: Math.round(e2eP95), limit: 1000, target: '≤ 1 s', pass: e2eP95 <= 1000 }),
    ];
  },
};
