import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { createEvent, createSession, createSpeaker } from '../factories/events';
import { startTestApp, TestApp } from '../support/test-app';

describe('speakers API', () => {
  let t: TestApp;
  let admin: Actor;
  let organizer: Actor;
  let childOrganizer: Actor;
  let leader: Actor;
  let stranger: Actor;
  const unknown = '7d3f3c86-5f1b-4c1e-9f2a-1d2b3c4d5e6f';

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    const root = await createOrganization(t, admin, { name: 'LĐLĐ tỉnh' });
    const child = await createOrganization(t, admin, { name: 'CĐ ngành Giáo dục', parentId: root.id });
    const other = await createOrganization(t, admin, { name: 'LĐLĐ tỉnh khác' });
    organizer = await createActor(t, admin, 'organizer', root.id);
    childOrganizer = await createActor(t, admin, 'organizer', child.id);
    leader = await createActor(t, admin, 'leader', root.id);
    stranger = await createActor(t, admin, 'organizer', other.id);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('POST creates a speaker in the creator unit directory (201)', async () => {
    const res = await t.http().post('/api/v1/speakers').set(organizer.auth).send({
      fullName: ' Nguyễn Văn Hoài ', honorific: 'đồng chí', position: 'Phó Trưởng ban', affiliation: 'Ban Tuyên giáo Tỉnh ủy', email: 'hoai@example.vn', phone: '0912 345 678', bio: 'Giảng viên',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ fullName: 'Nguyễn Văn Hoài', honorific: 'đồng chí', affiliation: 'Ban Tuyên giáo Tỉnh ủy', organizationId: organizer.organizationId });
  });

  it('POST refuses bad input (400), leaders (403) and no token (401)', async () => {
    expect((await t.http().post('/api/v1/speakers').set(organizer.auth).send({ fullName: 'A', twitter: '@a' })).status).toBe(400);
    const noName = await t.http().post('/api/v1/speakers').set(organizer.auth).send({ honorific: 'ông' });
    expect(noName.status).toBe(400);
    expect(JSON.stringify(noName.body.message)).toContain('fullName');
    const email = await t.http().post('/api/v1/speakers').set(organizer.auth).send({ fullName: 'A', email: 'not-mail' });
    expect(email.status).toBe(400);
    expect(JSON.stringify(email.body.message)).toContain('email');
    expect((await t.http().post('/api/v1/speakers').set(leader.auth).send({ fullName: 'A' })).status).toBe(403);
    expect((await t.http().post('/api/v1/speakers').send({ fullName: 'A' })).status).toBe(401);
    expect((await t.http().post('/api/v1/speakers').set(stranger.auth).send({ fullName: 'A', organizationId: organizer.organizationId })).status).toBe(403);
  });

  it('GET lists what each user may see, paginated: own subtree and ancestors, not other trees', async () => {
    const mine = await createSpeaker(t, organizer, { fullName: 'Lê Thị Mai' });
    const childs = await createSpeaker(t, childOrganizer, { fullName: 'Lê Văn Con' });
    const foreign = await createSpeaker(t, stranger, { fullName: 'Lê Người Lạ' });
    const ids = async (a: Actor) => (await t.http().get('/api/v1/speakers').query({ q: 'le' }).set(a.auth).expect(200)).body.items.map((s: any) => s.id).sort();
    expect(await ids(organizer)).toEqual([mine.id, childs.id].sort());
    expect(await ids(childOrganizer)).toEqual([mine.id, childs.id].sort());
    expect(await ids(leader)).toEqual([mine.id, childs.id].sort());
    expect(await ids(stranger)).toEqual([foreign.id]);
    expect((await ids(admin)).length).toBe(3);
    const page = await t.http().get('/api/v1/speakers').query({ q: 'le', pageSize: 1, page: 2 }).set(organizer.auth).expect(200);
    expect(page.body).toMatchObject({ total: 2, page: 2, pageSize: 1 });
    expect((await t.http().get('/api/v1/speakers').query({ pageSize: 0 }).set(organizer.auth)).status).toBe(400);
    expect((await t.http().get('/api/v1/speakers')).status).toBe(401);
  });

  it('GET /:id reads a visible speaker; 404 for another tree or unknown id; 400 bad id', async () => {
    const s = await createSpeaker(t, organizer);
    expect((await t.http().get(`/api/v1/speakers/${s.id}`).set(leader.auth).expect(200)).body.fullName).toBe(s.fullName);
    expect((await t.http().get(`/api/v1/speakers/${s.id}`).set(stranger.auth)).status).toBe(404);
    expect((await t.http().get(`/api/v1/speakers/${unknown}`).set(organizer.auth)).status).toBe(404);
    expect((await t.http().get('/api/v1/speakers/abc').set(organizer.auth)).status).toBe(400);
    expect((await t.http().get(`/api/v1/speakers/${s.id}`)).status).toBe(401);
  });

  it('PATCH edits within the owner subtree; 403 for a child unit editing its parent directory and for leaders; 404 stranger', async () => {
    const s = await createSpeaker(t, organizer, { fullName: 'Hoàng Văn Sửa' });
    const res = await t.http().patch(`/api/v1/speakers/${s.id}`).set(organizer.auth).send({ position: 'Trưởng ban' }).expect(200);
    expect(res.body).toMatchObject({ position: 'Trưởng ban', fullName: 'Hoàng Văn Sửa' });
    expect((await t.http().patch(`/api/v1/speakers/${s.id}`).set(childOrganizer.auth).send({ position: 'x' })).status).toBe(403);
    expect((await t.http().patch(`/api/v1/speakers/${s.id}`).set(leader.auth).send({ position: 'x' })).status).toBe(403);
    expect((await t.http().patch(`/api/v1/speakers/${s.id}`).set(stranger.auth).send({ position: 'x' })).status).toBe(404);
    expect((await t.http().patch(`/api/v1/speakers/${s.id}`).set(organizer.auth).send({ fullName: null })).status).toBe(400);
    expect((await t.http().patch(`/api/v1/speakers/${s.id}`).set(organizer.auth).send({ age: 40 })).status).toBe(400);
    expect((await t.http().patch(`/api/v1/speakers/${unknown}`).set(organizer.auth).send({ position: 'x' })).status).toBe(404);
    expect((await t.http().patch(`/api/v1/speakers/${s.id}`).send({ position: 'x' })).status).toBe(401);
  });

  it('DELETE removes a speaker (204) unless on an agenda (409); 403/404/401 like PATCH', async () => {
    const free = await createSpeaker(t, organizer);
    expect((await t.http().delete(`/api/v1/speakers/${free.id}`).set(stranger.auth)).status).toBe(404);
    expect((await t.http().delete(`/api/v1/speakers/${free.id}`).set(leader.auth)).status).toBe(403);
    expect((await t.http().delete(`/api/v1/speakers/${free.id}`)).status).toBe(401);
    expect((await t.http().delete(`/api/v1/speakers/${free.id}`).set(organizer.auth)).status).toBe(204);
    expect((await t.http().get(`/api/v1/speakers/${free.id}`).set(organizer.auth)).status).toBe(404);
    const busy = await createSpeaker(t, organizer);
    const event = await createEvent(t, organizer);
    await createSession(t, organizer, event, { speakers: [{ speakerId: busy.id }] });
    const res = await t.http().delete(`/api/v1/speakers/${busy.id}`).set(organizer.auth);
    expect(res.status).toBe(409);
    expect(res.body.sessions).toBe(1);
  });
});
