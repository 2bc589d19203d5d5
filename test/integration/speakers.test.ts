import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { createSpeaker } from '../factories/events';
import { startTestApp, TestApp } from '../support/test-app';

/** Accent-insensitive speaker search, done by PostgreSQL. */
describe('speakers: accent-insensitive search', () => {
  let t: TestApp;
  let organizer: Actor;
  const names = ['Nguyễn Hoài Nam', 'Nguyễn Văn Hoài', 'Đỗ Thị Đào', 'Đinh Công Dũng', 'Trần Hoàng Long', 'NGUYỄN THỊ HOA'];
  const ids = new Map<string, string>();

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await loginAdmin(t);
    const org = await createOrganization(t, admin, { name: 'LĐLĐ tỉnh' });
    organizer = await createActor(t, admin, 'organizer', org.id);
    for (const fullName of names) ids.set(fullName, (await createSpeaker(t, organizer, { fullName })).id);
  });
  afterAll(async () => {
    await t?.close();
  });

  const search = async (q: string) => {
    const res = await t.http().get('/api/v1/speakers').query({ q }).set(organizer.auth).expect(200);
    return (res.body.items as { fullName: string }[]).map((s) => s.fullName).sort();
  };

  it('finds Nguyễn Hoài with plain "nguyen hoai", each word anywhere in the name', async () => {
    expect(await search('nguyen hoai')).toEqual(['Nguyễn Hoài Nam', 'Nguyễn Văn Hoài']);
  });

  it('folds Đ and đ to d both ways', async () => {
    expect(await search('do thi dao')).toEqual(['Đỗ Thị Đào']);
    expect(await search('Đinh')).toEqual(['Đinh Công Dũng']);
    expect(await search('dung')).toEqual(['Đinh Công Dũng']);
    expect(await search('đung')).toEqual(['Đinh Công Dũng']);
  });

  it('ignores case and accents in the query and the name', async () => {
    expect(await search('NGUYEN THI')).toEqual(['NGUYỄN THỊ HOA']);
    expect(await search('hoa')).toEqual(['NGUYỄN THỊ HOA', 'Nguyễn Hoài Nam', 'Nguyễn Văn Hoài', 'Trần Hoàng Long'].sort());
    expect(await search('HOÀNG')).toEqual(['Trần Hoàng Long']);
  });

  it('treats LIKE wildcards in the query as text', async () => {
    expect(await search('%')).toEqual([]);
    expect(await search('_')).toEqual([]);
  });

  it('searches in SQL with a trigram index on the folded name', async () => {
    const idx = await t.dataSource.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_speaker_name_search'`);
    expect(idx[0].indexdef).toContain('gin_trgm_ops');
    const folded = await t.dataSource.query(`SELECT td_search_fold('Đỗ Thị ĐÀO') AS v`);
    expect(folded[0].v).toBe('do thi dao');
    const plan = await t.dataSource.transaction(async (m) => {
      await m.query('SET LOCAL enable_seqscan = off');
      return m.query(`EXPLAIN SELECT id FROM speaker WHERE td_search_fold(full_name) LIKE '%' || td_search_fold('hoai') || '%'`);
    });
    expect(JSON.stringify(plan)).toContain('idx_speaker_name_search');
  });
});
