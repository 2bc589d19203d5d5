import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { startTestApp, TestApp } from '../support/test-app';

const ORGS = '/api/v1/organizations';
type Org = Awaited<ReturnType<typeof createOrganization>>;

describe('organizations', () => {
  let t: TestApp;
  let admin: Actor;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = async (id: string, actor: Actor = admin) => (await t.http().get(`${ORGS}/${id}`).set(actor.auth).expect(200)).body;

  describe('as admin', () => {
    it('creates a root with every field, trimmed, and an empty path', async () => {
      const res = await t
        .http()
        .post(ORGS)
        .set(admin.auth)
        .send({ name: ' Liên đoàn Lao động tỉnh Bình Dương ', abbreviation: 'LĐLĐ', locality: 'tỉnh Bình Dương', shortName: 'LĐLĐ tỉnh', nameEn: 'Binh Duong Labour Federation' })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Liên đoàn Lao động tỉnh Bình Dương',
        abbreviation: 'LĐLĐ',
        locality: 'tỉnh Bình Dương',
        shortName: 'LĐLĐ tỉnh',
        nameEn: 'Binh Duong Labour Federation',
        parentId: null,
        path: [],
      });
      expect(await get(res.body.id)).toEqual(res.body);
    });

    it('creates children whose path lists the ancestors, root first', async () => {
      const root = await createOrganization(t, admin);
      const child = await createOrganization(t, admin, { parentId: root.id });
      const grandchild = await createOrganization(t, admin, { parentId: child.id });
      expect(child).toMatchObject({ parentId: root.id, path: [root.id] });
      expect(grandchild).toMatchObject({ parentId: child.id, path: [root.id, child.id] });
      expect(await get(grandchild.id)).toMatchObject({ id: grandchild.id, parentId: child.id, path: [root.id, child.id] });
    });

    it('lists the children of ?parentId=, and everything without it', async () => {
      const root = await createOrganization(t, admin, { name: 'Gốc danh sách' });
      const b = await createOrganization(t, admin, { parentId: root.id, name: 'B unit' });
      const a = await createOrganization(t, admin, { parentId: root.id, name: 'A unit' });
      await createOrganization(t, admin, { parentId: a.id, name: 'A1 unit' });
      const children = await t.http().get(ORGS).query({ parentId: root.id }).set(admin.auth).expect(200);
      expect(children.body.map((o: Org) => o.id)).toEqual([a.id, b.id]);
      const all = await t.http().get(ORGS).set(admin.auth).expect(200);
      expect(all.body.map((o: Org) => o.id)).toEqual(expect.arrayContaining([root.id, a.id, b.id]));
    });

    it('patches only the fields sent, and clears an optional one with null', async () => {
      const org = await createOrganization(t, admin, { name: 'Công đoàn ngành Y tế', abbreviation: 'CĐN', locality: 'tỉnh' });
      const res = await t.http().patch(`${ORGS}/${org.id}`).set(admin.auth).send({ nameEn: 'Health Trade Union', locality: null }).expect(200);
      expect(res.body).toMatchObject({ id: org.id, name: 'Công đoàn ngành Y tế', abbreviation: 'CĐN', locality: null, nameEn: 'Health Trade Union' });
      expect(await get(org.id)).toEqual(res.body);
    });

    it('refuses to blank the name (400), not a 500', async () => {
      const org = await createOrganization(t, admin);
      for (const name of [null, '', '   ', 42]) {
        const res = await t.http().patch(`${ORGS}/${org.id}`).set(admin.auth).send({ name }).expect(400);
        expect(res.body.message).toEqual([expect.stringMatching(/^name /)]);
      }
      expect((await get(org.id)).name).toBe(org.name);
    });

    it('moving a unit rewrites the paths of its whole subtree', async () => {
      const root = await createOrganization(t, admin);
      const a = await createOrganization(t, admin, { parentId: root.id });
      const a1 = await createOrganization(t, admin, { parentId: a.id });
      const a11 = await createOrganization(t, admin, { parentId: a1.id });
      const b = await createOrganization(t, admin, { parentId: root.id });
      const moved = await t.http().patch(`${ORGS}/${a.id}`).set(admin.auth).send({ parentId: b.id }).expect(200);
      expect(moved.body).toMatchObject({ parentId: b.id, path: [root.id, b.id] });
      expect(await get(a1.id)).toMatchObject({ parentId: a.id, path: [root.id, b.id, a.id] });
      expect(await get(a11.id)).toMatchObject({ parentId: a1.id, path: [root.id, b.id, a.id, a1.id] });
      // Up again, to the top: parentId null makes it a root.
      const top = await t.http().patch(`${ORGS}/${a1.id}`).set(admin.auth).send({ parentId: null }).expect(200);
      expect(top.body).toMatchObject({ parentId: null, path: [] });
      expect(await get(a11.id)).toMatchObject({ path: [a1.id] });
      expect(await get(b.id)).toMatchObject({ path: [root.id] });
    });

    it('refuses a cycle with 409: itself or a descendant as parent', async () => {
      const root = await createOrganization(t, admin);
      const child = await createOrganization(t, admin, { parentId: root.id });
      const grandchild = await createOrganization(t, admin, { parentId: child.id });
      const self = await t.http().patch(`${ORGS}/${root.id}`).set(admin.auth).send({ parentId: root.id }).expect(409);
      expect(self.body).toEqual({ statusCode: 409, message: expect.stringContaining('descendants'), error: 'Conflict', code: 'organization.cycle', params: {} });
      await t.http().patch(`${ORGS}/${root.id}`).set(admin.auth).send({ parentId: grandchild.id }).expect(409);
      expect(await get(root.id)).toMatchObject({ parentId: null, path: [] });
    });

    it('never lets two concurrent moves build a cycle', async () => {
      const root = await createOrganization(t, admin);
      const x = await createOrganization(t, admin, { parentId: root.id });
      const y = await createOrganization(t, admin, { parentId: root.id });
      // x under y and y under x at once: one must lose with 409.
      const [r1, r2] = await Promise.all([
        t.http().patch(`${ORGS}/${x.id}`).set(admin.auth).send({ parentId: y.id }),
        t.http().patch(`${ORGS}/${y.id}`).set(admin.auth).send({ parentId: x.id }),
      ]);
      expect([r1.status, r2.status].sort()).toEqual([200, 409]);
      const [gx, gy] = [await get(x.id), await get(y.id)];
      expect(gx.path.includes(x.id) || gy.path.includes(y.id)).toBe(false);
    });

    it('answers 404 for an unknown id or parentId, 400 naming the bad uuid', async () => {
      const missing = '0b0c3c59-1111-4111-8111-111111111111';
      const res = await t.http().get(`${ORGS}/${missing}`).set(admin.auth).expect(404);
      expect(res.body).toEqual({ statusCode: 404, message: `Organization ${missing} was not found`, error: 'Not Found', code: 'notFound.organization', params: {} });
      await t.http().patch(`${ORGS}/${missing}`).set(admin.auth).send({ name: 'x' }).expect(404);
      await t.http().post(ORGS).set(admin.auth).send({ name: 'x', parentId: missing }).expect(404);
      const bad = await t.http().get(`${ORGS}/not-a-uuid`).set(admin.auth).expect(400);
      expect(bad.body).toEqual({ statusCode: 400, message: ['id must be a UUID'], error: 'Bad Request' });
      const badPatch = await t.http().patch(`${ORGS}/123`).set(admin.auth).send({ name: 'x' }).expect(400);
      expect(badPatch.body.message).toEqual(['id must be a UUID']);
      const badQuery = await t.http().get(ORGS).query({ parentId: 'nope' }).set(admin.auth).expect(400);
      expect(badQuery.body.message).toEqual(['parentId must be a UUID']);
    });

    it('answers 400 for a missing name, a bad parentId or an unknown field, and writes nothing', async () => {
      const before = await t.dataSource.query('SELECT count(*)::int AS n FROM organization');
      expect((await t.http().post(ORGS).set(admin.auth).send({}).expect(400)).body.message).toEqual([expect.stringMatching(/^name /)]);
      expect((await t.http().post(ORGS).set(admin.auth).send({ name: 'x', parentId: 'p' }).expect(400)).body.message).toEqual(['parentId must be a UUID']);
      expect((await t.http().post(ORGS).set(admin.auth).send({ name: 'x', path: [] }).expect(400)).body.message).toEqual(['path is not an allowed field']);
      expect((await t.http().post(ORGS).set(admin.auth).send({ name: 'x'.repeat(301) }).expect(400)).body.message).toEqual([expect.stringMatching(/^name /)]);
      expect(await t.dataSource.query('SELECT count(*)::int AS n FROM organization')).toEqual(before);
    });

    it('answers 401 without a token', async () => {
      await t.http().get(ORGS).expect(401);
      await t.http().post(ORGS).send({ name: 'x' }).expect(401);
    });
  });

  describe('scope: an organizer acts inside their subtree only', () => {
    let root: Org;
    let mine: Org;
    let mineChild: Org;
    let other: Org;
    let otherChild: Org;
    let organizer: Actor;

    beforeAll(async () => {
      root = await createOrganization(t, admin, { name: 'Tỉnh' });
      mine = await createOrganization(t, admin, { parentId: root.id, name: 'Huyện A' });
      mineChild = await createOrganization(t, admin, { parentId: mine.id, name: 'Cơ sở A1' });
      other = await createOrganization(t, admin, { parentId: root.id, name: 'Huyện B' });
      otherChild = await createOrganization(t, admin, { parentId: other.id, name: 'Cơ sở B1' });
      organizer = await createActor(t, admin, 'organizer', mine.id);
    });

    it('creates and patches inside the subtree', async () => {
      const created = await createOrganization(t, organizer, { parentId: mineChild.id });
      expect(created.path).toEqual([root.id, mine.id, mineChild.id]);
      await t.http().patch(`${ORGS}/${mineChild.id}`).set(organizer.auth).send({ nameEn: 'Grassroots A1' }).expect(200);
      await t.http().patch(`${ORGS}/${mine.id}`).set(organizer.auth).send({ nameEn: 'District A' }).expect(200);
      const moved = await t.http().patch(`${ORGS}/${created.id}`).set(organizer.auth).send({ parentId: mine.id }).expect(200);
      expect(moved.body.path).toEqual([root.id, mine.id]);
    });

    it('sees only the subtree in the list', async () => {
      const res = await t.http().get(ORGS).set(organizer.auth).expect(200);
      const ids = res.body.map((o: Org) => o.id);
      expect(ids).toEqual(expect.arrayContaining([mine.id, mineChild.id]));
      for (const hidden of [root.id, other.id, otherChild.id]) expect(ids).not.toContain(hidden);
      const outside = await t.http().get(ORGS).query({ parentId: other.id }).set(organizer.auth).expect(200);
      expect(outside.body).toEqual([]);
    });

    it("gets 403 on another subtree's unit and on the ancestors", async () => {
      for (const id of [other.id, otherChild.id, root.id]) {
        const res = await t.http().get(`${ORGS}/${id}`).set(organizer.auth).expect(403);
        expect(res.body).toEqual({ statusCode: 403, message: expect.stringContaining('outside your unit'), error: 'Forbidden', code: 'unitOutsideSubtree', params: {} });
        await t.http().patch(`${ORGS}/${id}`).set(organizer.auth).send({ nameEn: 'hijacked' }).expect(403);
        await t.http().post(ORGS).set(organizer.auth).send({ name: 'intruder', parentId: id }).expect(403);
      }
      expect((await get(other.id)).nameEn).toBeNull();
    });

    it('cannot move a unit out of the subtree, nor move their own unit, nor make a root', async () => {
      await t.http().patch(`${ORGS}/${mineChild.id}`).set(organizer.auth).send({ parentId: other.id }).expect(403);
      await t.http().patch(`${ORGS}/${mineChild.id}`).set(organizer.auth).send({ parentId: null }).expect(403);
      await t.http().patch(`${ORGS}/${mine.id}`).set(organizer.auth).send({ parentId: other.id }).expect(403);
      await t.http().post(ORGS).set(organizer.auth).send({ name: 'new root' }).expect(403);
      expect(await get(mineChild.id)).toMatchObject({ parentId: mine.id, path: [root.id, mine.id] });
    });

    it('leader and staff read their subtree but cannot create or patch (403)', async () => {
      for (const role of ['leader', 'staff'] as const) {
        const actor = await createActor(t, admin, role, mine.id);
        expect((await get(mineChild.id, actor)).id).toBe(mineChild.id);
        await t.http().get(`${ORGS}/${other.id}`).set(actor.auth).expect(403);
        await t.http().post(ORGS).set(actor.auth).send({ name: 'x', parentId: mine.id }).expect(403);
        await t.http().patch(`${ORGS}/${mineChild.id}`).set(actor.auth).send({ name: 'x' }).expect(403);
      }
    });
  });
});
