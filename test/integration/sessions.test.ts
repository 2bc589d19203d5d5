import { waitForLockWait } from '../support/lock-wait';
import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { createEvent, createSession, createSpeaker, EventBody } from '../factories/events';
import { startTestApp, TestApp } from '../support/test-app';

/** The speaker-overlap rule, decided by PostgreSQL's exclusion constraint. */
describe('sessions: a speaker is never in two overlapping sessions', () => {
  let t: TestApp;
  let organizer: Actor;
  let day1: EventBody;
  let day1b: EventBody;

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await loginAdmin(t);
    const org = await createOrganization(t, admin, { name: 'LĐLĐ tỉnh Bình Dương' });
    organizer = await createActor(t, admin, 'organizer', org.id);
    day1 = await createEvent(t, organizer, { title: 'Hội nghị tập huấn pháp luật', startsAt: '2031-05-06T07:30:00+07:00', endsAt: '2031-05-06T17:00:00+07:00' });
    day1b = await createEvent(t, organizer, { title: 'Tọa đàm an toàn lao động', startsAt: '2031-05-06T07:00:00+07:00', endsAt: '2031-05-06T18:00:00+07:00' });
  });
  afterAll(async () => {
    await t?.close();
  });


  const post = (eventId: string, body: object) => t.http().post(`/api/v1/events/${eventId}/sessions`).set(organizer.auth).send(body);

  it('refuses an overlapping session in another event with a 409 naming the session, the event and the times', async () => {
    const speaker = await createSpeaker(t, organizer, { fullName: 'Nguyễn Văn An', honorific: 'đồng chí' });
    await createSession(t, organizer, day1, { title: 'Khai mạc', startsAt: '2031-05-06T08:00:00+07:00', endsAt: '2031-05-06T09:00:00+07:00', speakers: [{ speakerId: speaker.id }] });
    const res = await post(day1b.id, { title: 'Báo cáo chuyên đề', startsAt: '2031-05-06T08:30:00+07:00', endsAt: '2031-05-06T10:00:00+07:00', speakers: [{ speakerId: speaker.id, role: 'moderator' }] });
    expect(res.status).toBe(409);
    expect(res.body.message).toBe('speaker đồng chí Nguyễn Văn An is already in "Khai mạc" of "Hội nghị tập huấn pháp luật" from 2031-05-06T08:00:00+07:00 to 2031-05-06T09:00:00+07:00');
    expect(res.body).toMatchObject({
      field: 'speakers',
      speakerId: speaker.id,
      conflictingSessionTitle: 'Khai mạc',
      conflictingEventId: day1.id,
      conflictingEventTitle: 'Hội nghị tập huấn pháp luật',
      conflictingStartsAt: '2031-05-06T01:00:00.000Z',
      conflictingEndsAt: '2031-05-06T02:00:00.000Z',
    });
    const rows = await t.dataSource.query('SELECT count(*)::int AS n FROM session WHERE event_id = $1', [day1b.id]);
    expect(rows[0].n).toBe(0);
  });

  it('accepts sessions that touch end to start', async () => {
    const speaker = await createSpeaker(t, organizer);
    await createSession(t, organizer, day1, { startsAt: '2031-05-06T13:00:00+07:00', endsAt: '2031-05-06T14:00:00+07:00', speakers: [{ speakerId: speaker.id }] });
    const after = await post(day1b.id, { title: 'Tiếp theo', startsAt: '2031-05-06T14:00:00+07:00', endsAt: '2031-05-06T15:00:00+07:00', speakers: [{ speakerId: speaker.id }] });
    expect(after.status).toBe(201);
    const before = await post(day1b.id, { title: 'Trước đó', startsAt: '2031-05-06T12:00:00+07:00', endsAt: '2031-05-06T13:00:00+07:00', speakers: [{ speakerId: speaker.id }] });
    expect(before.status).toBe(201);
  });

  it('lets exactly one of two concurrent requests win, the other gets the named 409', async () => {
    for (let round = 0; round < 5; round++) {
      const speaker = await createSpeaker(t, organizer, { fullName: `Trần Thị Bình ${round}` });
      const body = (title: string) => ({ title, startsAt: '2031-05-06T10:00:00+07:00', endsAt: '2031-05-06T11:00:00+07:00', speakers: [{ speakerId: speaker.id }] });
      const [a, b] = await Promise.all([post(day1.id, body(`A${round}`)), post(day1b.id, body(`B${round}`))]);
      expect([a.status, b.status].sort()).toEqual([201, 409]);
      const loser = a.status === 409 ? a : b;
      const winner = a.status === 201 ? a : b;
      expect(loser.body.conflictingSessionId).toBe(winner.body.id);
      expect(loser.body.message).toContain(`Trần Thị Bình ${round}`);
      const rows = await t.dataSource.query('SELECT count(*)::int AS n FROM session_speaker WHERE speaker_id = $1', [speaker.id]);
      expect(rows[0].n).toBe(1);
    }
  });

  it('lets one of many concurrent requests sharing speakers (listed in either order) win; every other one gets a 409, never a 500', async () => {
    for (let round = 0; round < 3; round++) {
      const s1 = await createSpeaker(t, organizer, { fullName: `Đỗ Văn Hải ${round}` });
      const s2 = await createSpeaker(t, organizer, { fullName: `Hoàng Thị Lan ${round}` });
      const body = (i: number) => ({
        title: `Song song ${round}-${i}`,
        startsAt: '2031-05-06T14:00:00+07:00',
        endsAt: '2031-05-06T15:00:00+07:00',
        speakers: i % 2 ? [{ speakerId: s1.id }, { speakerId: s2.id }] : [{ speakerId: s2.id }, { speakerId: s1.id }],
      });
      const answers = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => post(i % 2 ? day1.id : day1b.id, body(i))));
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
      const winner = answers.find((a) => a.status === 201)!;
      for (const loser of answers.filter((a) => a.status === 409)) expect(loser.body.conflictingSessionId).toBe(winner.body.id);
      const rows = await t.dataSource.query('SELECT count(*)::int AS n FROM session_speaker WHERE speaker_id = ANY($1::uuid[])', [[s1.id, s2.id]]);
      expect(rows[0].n).toBe(2);
    }
  });

  it('retries a real deadlock in the overlap check (40P01): the request answers the named 409, not a 500', async () => {
    const speaker = await createSpeaker(t, organizer, { fullName: 'Ngô Thị Mai' });
    const other = await t.dataSource.createQueryRunner();
    await other.connect();
    try {
      // Another writer holds an uncommitted overlapping row for the speaker...
      await other.startTransaction();
      const [{ id: otherSessionId }] = await other.query(
        `INSERT INTO session (event_id, title, starts_at, ends_at) VALUES ($1, 'Phiên chen ngang', '2031-05-06T03:00:00Z', '2031-05-06T04:00:00Z') RETURNING id`,
        [day1b.id],
      );
      await other.query(`INSERT INTO session_speaker (session_id, speaker_id, during) VALUES ($1, $2, tstzrange('2031-05-06T03:00:00Z', '2031-05-06T04:00:00Z', '[)'))`, [otherSessionId, speaker.id]);
      // ...so the request's exclusion check waits for it, while holding its FOR SHARE lock on day1...
      const pending = post(day1.id, { title: 'Bị chặn', startsAt: '2031-05-06T10:30:00+07:00', endsAt: '2031-05-06T11:30:00+07:00', speakers: [{ speakerId: speaker.id }] }).then((r) => r);
      await waitForLockWait(t.dataSource);
      // ...and the writer then waits for that lock: a cycle. PostgreSQL aborts the request's transaction (it waited first).
      await other.query('UPDATE event SET updated_at = updated_at WHERE id = $1', [day1.id]);
      await other.commitTransaction();
      const res = await pending;
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ field: 'speakers', speakerId: speaker.id, conflictingSessionId: otherSessionId, conflictingSessionTitle: 'Phiên chen ngang' });
    } finally {
      if (other.isTransactionActive) await other.rollbackTransaction();
      await other.release();
    }
  });

  it('answers 404 naming a speaker deleted while the session was being written, not a database error', async () => {
    const speaker = await createSpeaker(t, organizer, { fullName: 'Vũ Văn Nam' });
    const client = await t.dataSource.createQueryRunner();
    await client.connect();
    try {
      await client.startTransaction();
      await client.query('DELETE FROM speaker WHERE id = $1', [speaker.id]);
      // The request checks the speaker (still visible: the delete is not committed), then waits on its row.
      const pending = post(day1b.id, { title: 'Muộn', startsAt: '2031-05-06T12:00:00+07:00', endsAt: '2031-05-06T12:30:00+07:00', speakers: [{ speakerId: speaker.id }] }).then((r) => r);
      await waitForLockWait(t.dataSource);
      await client.commitTransaction();
      const res = await pending;
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ statusCode: 404, message: `Speaker ${speaker.id} was not found` });
      expect(JSON.stringify(res.body)).not.toMatch(/Key \(|session_speaker|fkey/);
    } finally {
      await client.release();
    }
  });

  it('keeps the rule when a PATCH moves a session, and keeps the denormalized range in step', async () => {
    const speaker = await createSpeaker(t, organizer, { fullName: 'Lê Văn Cường' });
    await createSession(t, organizer, day1, { title: 'Phiên sáng', startsAt: '2031-05-06T08:00:00+07:00', endsAt: '2031-05-06T09:00:00+07:00', speakers: [{ speakerId: speaker.id }] });
    const other = await createSession(t, organizer, day1b, { title: 'Phiên chiều', startsAt: '2031-05-06T15:00:00+07:00', endsAt: '2031-05-06T16:00:00+07:00', speakers: [{ speakerId: speaker.id }] });

    const clash = await t.http().patch(`/api/v1/sessions/${other.id}`).set(organizer.auth).send({ startsAt: '2031-05-06T08:45:00+07:00', endsAt: '2031-05-06T09:45:00+07:00' });
    expect(clash.status).toBe(409);
    expect(clash.body.conflictingSessionTitle).toBe('Phiên sáng');
    const unchanged = await t.dataSource.query('SELECT starts_at FROM session WHERE id = $1', [other.id]);
    expect(unchanged[0].starts_at.toISOString()).toBe('2031-05-06T08:00:00.000Z');

    const moved = await t.http().patch(`/api/v1/sessions/${other.id}`).set(organizer.auth).send({ startsAt: '2031-05-06T09:00:00+07:00', endsAt: '2031-05-06T09:30:00+07:00' });
    expect(moved.status).toBe(200);
    const ranges = await t.dataSource.query(
      `SELECT lower(ss.during) = s.starts_at AND upper(ss.during) = s.ends_at AS same FROM session_speaker ss JOIN session s ON s.id = ss.session_id WHERE ss.session_id = $1`,
      [other.id],
    );
    expect(ranges).toEqual([{ same: true }]);

    // Adding the speaker back to an overlapping slot through the speaker list is refused too.
    const third = await createSession(t, organizer, day1b, { title: 'Phiên ba', startsAt: '2031-05-06T08:15:00+07:00', endsAt: '2031-05-06T08:45:00+07:00' });
    const add = await t.http().patch(`/api/v1/sessions/${third.id}`).set(organizer.auth).send({ speakers: [{ speakerId: speaker.id }] });
    expect(add.status).toBe(409);
  });

  it('frees the speakers of a cancelled event', async () => {
    const speaker = await createSpeaker(t, organizer, { fullName: 'Phạm Thị Dung' });
    const doomed = await createEvent(t, organizer, { startsAt: '2031-06-01T08:00:00+07:00', endsAt: '2031-06-01T12:00:00+07:00' });
    const kept = await createEvent(t, organizer, { startsAt: '2031-06-01T08:00:00+07:00', endsAt: '2031-06-01T12:00:00+07:00' });
    await createSession(t, organizer, doomed, { speakers: [{ speakerId: speaker.id }] });
    expect((await post(kept.id, { title: 'X', startsAt: '2031-06-01T08:00:00+07:00', endsAt: '2031-06-01T09:00:00+07:00', speakers: [{ speakerId: speaker.id }] })).status).toBe(409);
    await t.http().post(`/api/v1/events/${doomed.id}/cancel`).set(organizer.auth).expect(200);
    expect((await post(kept.id, { title: 'X', startsAt: '2031-06-01T08:00:00+07:00', endsAt: '2031-06-01T09:00:00+07:00', speakers: [{ speakerId: speaker.id }] })).status).toBe(201);
    // The cancelled event's agenda is still readable.
    const agenda = await t.http().get(`/api/v1/events/${doomed.id}/sessions`).set(organizer.auth).expect(200);
    expect(agenda.body[0].speakers[0].speakerId).toBe(speaker.id);
  });

  it('is enforced by the database itself, whatever the code path', async () => {
    const speaker = await createSpeaker(t, organizer);
    const s1 = await createSession(t, organizer, day1, { startsAt: '2031-05-06T16:00:00+07:00', endsAt: '2031-05-06T16:30:00+07:00', speakers: [{ speakerId: speaker.id }] });
    const s2 = await createSession(t, organizer, day1b, { startsAt: '2031-05-06T16:30:00+07:00', endsAt: '2031-05-06T17:00:00+07:00' });
    await expect(
      t.dataSource.query(`INSERT INTO session_speaker (session_id, speaker_id, during) VALUES ($1, $2, tstzrange('2031-05-06T09:15:00Z', '2031-05-06T09:45:00Z', '[)'))`, [s2.id, speaker.id]),
    ).rejects.toMatchObject({ driverError: expect.objectContaining({ code: '23P01' }) });
    expect(s1.speakers).toHaveLength(1);
  });
});
