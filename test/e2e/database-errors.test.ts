import { waitForLockWait } from '../support/lock-wait';
import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { createEvent, EventBody } from '../factories/events';
import { delegateFields } from '../factories/registrations';
import { startTestApp, TestApp } from '../support/test-app';

/** What PostgreSQL's detail and messages look like: none of it may reach a client. */
const POSTGRES_TEXT = /Key \(|is not present in table|still referenced|violates|_fkey|relation "/;

describe('database errors reach clients as domain errors, without PostgreSQL detail', () => {
  let t: TestApp;
  let admin: Actor;
  let organizer: Actor;
  let org: { id: string };
  let event: EventBody;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    org = await createOrganization(t, admin, { name: 'LĐLĐ tỉnh Đồng Nai' });
    organizer = await createActor(t, admin, 'organizer', org.id);
    event = await createEvent(t, organizer, { title: 'Tập huấn an toàn vệ sinh lao động' });
  });
  afterAll(async () => {
    await t?.close();
  });


  it('answers a foreign-key violation (a unit deleted while a registration names it) with 400 naming organizationId', async () => {
    const unit = await createOrganization(t, admin, { parentId: org.id, name: 'Công đoàn cơ sở sắp giải thể' });
    const deleter = t.dataSource.createQueryRunner();
    await deleter.connect();
    try {
      await deleter.startTransaction();
      await deleter.query('DELETE FROM organization WHERE id = $1', [unit.id]);
      // The service still sees the unit (the delete is not committed); the insert's foreign-key check waits for it.
      const pending = t.http().post(`/api/v1/events/${event.id}/registrations`).set(organizer.auth).send(delegateFields({ organizationId: unit.id })).then((r) => r);
      await waitForLockWait(t.dataSource, 'the request never waited for the deleting transaction');
      await deleter.commitTransaction();
      const res = await pending;
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        field: 'organizationId',
        message: 'organizationId refers to an organization that does not exist (any more); reload and choose another',
        code: 'missingReference',
        params: {},
      });
      expect(JSON.stringify(res.body)).not.toMatch(POSTGRES_TEXT);
      expect(JSON.stringify(res.body)).not.toContain(unit.id);
      const [{ n }] = await t.dataSource.query('SELECT count(*)::int AS n FROM registration WHERE event_id = $1', [event.id]);
      expect(n).toBe(0);
    } finally {
      if (deleter.isTransactionActive) await deleter.rollbackTransaction();
      await deleter.release();
    }
  });

  it('answers two concurrent users with one e-mail: one 201, one 409 naming the field, no detail', async () => {
    const body = { email: `cung-luc-${Date.now()}@test.local`, password: 'password-cung-luc', fullName: 'Trùng Thư', role: 'organizer', organizationId: org.id };
    const answers = await Promise.all([0, 1, 2].map(() => t.http().post('/api/v1/users').set(admin.auth).send(body)));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409]);
    for (const a of answers.filter((x) => x.status === 409)) {
      expect(a.body).toMatchObject({ statusCode: 409, field: 'email', message: `a user with the e-mail ${body.email} already exists` });
      expect(JSON.stringify(a.body)).not.toMatch(POSTGRES_TEXT);
    }
  });

  it('answers a wrong password with the 401 of the domain errors, in the usual shape', async () => {
    const res = await t.http().post('/api/v1/auth/login').send({ email: 'khong-co@test.local', password: 'sai-mat-khau-1' });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'email or password is wrong', code: 'unauthorized', params: {} });
  });
});
