import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { createEvent } from '../factories/events';
import { startTestApp, TestApp } from '../support/test-app';

describe('unit quotas API', () => {
  let t: TestApp;
  let organizer: Actor;
  let leader: Actor;
  let stranger: Actor;
  let root: { id: string; name: string };
  let unitA: { id: string; name: string };
  let unitB: { id: string; name: string };
  let sibling: { id: string };

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await loginAdmin(t);
    root = await createOrganization(t, admin, { name: 'LĐLĐ tỉnh' });
    unitA = await createOrganization(t, admin, { name: 'A - CĐ ngành Y tế', parentId: root.id });
    unitB = await createOrganization(t, admin, { name: 'B - CĐ ngành Giáo dục', parentId: root.id });
    sibling = await createOrganization(t, admin, { name: 'C - CĐ KCN', parentId: root.id });
    const other = await createOrganization(t, admin, { name: 'Tỉnh khác' });
    organizer = await createActor(t, admin, 'organizer', root.id);
    leader = await createActor(t, admin, 'leader', root.id);
    stranger = await createActor(t, admin, 'organizer', other.id);
  });
  afterAll(async () => {
    await t?.close();
  });

  const put = (a: Actor | null, eventId: string, body: unknown) => {
    const r = t.http().put(`/api/v1/events/${eventId}/quotas`);
    return (a ? r.set(a.auth) : r).send(body as object);
  };

  it('PUT replaces the whole set (200) and GET reads it back', async () => {
    const e = await createEvent(t, organizer, { organizationId: root.id });
    const first = await put(organizer, e.id, [{ organizationId: unitA.id, seats: 10 }, { organizationId: unitB.id, seats: 5 }]);
    expect(first.status).toBe(200);
    expect(first.body).toEqual([
      { organizationId: unitA.id, organizationName: unitA.name, seats: 10 },
      { organizationId: unitB.id, organizationName: unitB.name, seats: 5 },
    ]);
    const second = await put(organizer, e.id, [{ organizationId: unitB.id, seats: 0 }]).expect(200);
    expect(second.body).toEqual([{ organizationId: unitB.id, organizationName: unitB.name, seats: 0 }]);
    const read = await t.http().get(`/api/v1/events/${e.id}/quotas`).set(leader.auth).expect(200);
    expect(read.body).toEqual(second.body);
    expect((await put(organizer, e.id, []).expect(200)).body).toEqual([]);
  });

  it('PUT refuses duplicates, negative or fractional seats and unknown fields with 400, writing nothing', async () => {
    const e = await createEvent(t, organizer, { organizationId: root.id });
    await put(organizer, e.id, [{ organizationId: unitA.id, seats: 3 }]).expect(200);
    const dup = await put(organizer, e.id, [{ organizationId: unitB.id, seats: 1 }, { organizationId: unitB.id, seats: 2 }]);
    expect(dup.status).toBe(400);
    expect(JSON.stringify(dup.body)).toContain('organizationId');
    const neg = await put(organizer, e.id, [{ organizationId: unitB.id, seats: -1 }]);
    expect(neg.status).toBe(400);
    expect(JSON.stringify(neg.body.message)).toContain('seats');
    expect((await put(organizer, e.id, [{ organizationId: unitB.id, seats: 1.5 }])).status).toBe(400);
    expect((await put(organizer, e.id, [{ organizationId: unitB.id, seats: 1, note: 'x' }])).status).toBe(400);
    expect((await put(organizer, e.id, [{ organizationId: 'x', seats: 1 }])).status).toBe(400);
    expect((await put(organizer, e.id, { organizationId: unitB.id, seats: 1 })).status).toBe(400);
    expect((await t.http().get(`/api/v1/events/${e.id}/quotas`).set(organizer.auth)).body).toEqual([{ organizationId: unitA.id, organizationName: unitA.name, seats: 3 }]);
  });

  it('PUT accepts only units in the organizer unit subtree: 403 outside, 404 unknown', async () => {
    const e = await createEvent(t, organizer, { organizationId: unitA.id });
    expect((await put(organizer, e.id, [{ organizationId: unitA.id, seats: 1 }])).status).toBe(200);
    expect((await put(organizer, e.id, [{ organizationId: sibling.id, seats: 1 }])).status).toBe(403);
    expect((await put(organizer, e.id, [{ organizationId: '7d3f3c86-5f1b-4c1e-9f2a-1d2b3c4d5e6f', seats: 1 }])).status).toBe(404);
  });

  it('refuses leaders (403), strangers (403), no token (401), unknown events (404); cancelled events 409', async () => {
    const e = await createEvent(t, organizer, { organizationId: root.id });
    const body = [{ organizationId: unitA.id, seats: 1 }];
    expect((await put(leader, e.id, body)).status).toBe(403);
    expect((await put(stranger, e.id, body)).status).toBe(403);
    expect((await put(null, e.id, body)).status).toBe(401);
    expect((await put(organizer, '7d3f3c86-5f1b-4c1e-9f2a-1d2b3c4d5e6f', body)).status).toBe(404);
    expect((await t.http().get(`/api/v1/events/${e.id}/quotas`).set(stranger.auth)).status).toBe(403);
    expect((await t.http().get(`/api/v1/events/${e.id}/quotas`)).status).toBe(401);
    await t.http().post(`/api/v1/events/${e.id}/cancel`).set(organizer.auth).expect(200);
    expect((await put(organizer, e.id, body)).status).toBe(409);
  });
});
