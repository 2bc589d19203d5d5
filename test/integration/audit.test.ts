import { AuditService } from '../../src/audit/audit.service';
import { runInTransaction } from '../../src/database/transaction';
import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { createPublishedEvent, inDays } from '../factories/events';
import { checkIn, register } from '../factories/registrations';
import { startTestApp, TestApp } from '../support/test-app';

/** AuditService.record writes in the caller's transaction: an entry exists exactly when its change does. */
describe('AuditService.record', () => {
  let t: TestApp;
  let audit: AuditService;
  beforeAll(async () => {
    t = await startTestApp();
    audit = t.app.get(AuditService);
  });
  afterAll(async () => {
    await t?.close();
  });

  const entries = (entityId: string) => t.dataSource.query(`SELECT action, actor_email, changes FROM audit_log WHERE entity_id = $1`, [entityId]);

  it('keeps the entry of a committed change, with its changes as JSON', async () => {
    const id = '3f0c2a4e-1111-4a2b-9c3d-000000000001';
    await runInTransaction(t.dataSource, (m) => audit.record(m, { actor: { id, email: 'ai@test.local' }, action: 'event.publish', entity: 'event', entityId: id, changes: { status: { from: 'draft', to: 'published' } } }));
    expect(await entries(id)).toEqual([{ action: 'event.publish', actor_email: 'ai@test.local', changes: { status: { from: 'draft', to: 'published' } } }]);
  });

  it('leaves no entry when the change rolls back', async () => {
    const id = '3f0c2a4e-1111-4a2b-9c3d-000000000002';
    await expect(
      runInTransaction(t.dataSource, async (m) => {
        await audit.record(m, { actor: null, action: 'event.cancel', entity: 'event', entityId: id });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await entries(id)).toEqual([]);
  });

  describe("a domain's change and its entry commit together", () => {
    let organizer: Actor;
    let staff: Actor;
    beforeAll(async () => {
      const admin = await loginAdmin(t);
      const unit = await createOrganization(t, admin, { name: 'LĐLĐ tỉnh Bình Dương' });
      organizer = await createActor(t, admin, 'organizer', unit.id);
      staff = await createActor(t, admin, 'staff', unit.id);
    });
    afterEach(async () => {
      await t.dataSource.query('DROP TRIGGER IF EXISTS audit_test_fail ON outbox; DROP TRIGGER IF EXISTS audit_test_fail ON audit_log; DROP FUNCTION IF EXISTS audit_test_fail()');
    });
    /** Makes PostgreSQL refuse the next matching insert into `table`, failing the transaction it is in. */
    const failInsertsInto = async (table: 'outbox' | 'audit_log', when: string) => {
      await t.dataSource.query(`CREATE FUNCTION audit_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$`);
      await t.dataSource.query(`CREATE TRIGGER audit_test_fail BEFORE INSERT ON ${table} FOR EACH ROW WHEN (${when}) EXECUTE FUNCTION audit_test_fail()`);
    };

    it('a completion whose transaction fails after its entry was written (the article drafts cannot be queued) leaves neither the change nor the entry', async () => {
      const ev = await createPublishedEvent(t, organizer, { startsAt: inDays(-1), endsAt: inDays(-1, 4) });
      await failInsertsInto('outbox', `NEW.job_name = 'article.generate' AND NEW.payload->>'eventId' = '${ev.id}'`);
      const res = await t.http().post(`/api/v1/events/${ev.id}/complete`).set(organizer.auth);
      expect(res.status).toBe(500);
      expect((await t.dataSource.query('SELECT status FROM event WHERE id = $1', [ev.id]))[0].status).toBe('published');
      expect((await entries(ev.id)).map((e: { action: string }) => e.action).sort()).toEqual(['event.create', 'event.publish']);
      // Once the failure is gone, the same change commits with its entry.
      await t.dataSource.query('DROP TRIGGER audit_test_fail ON outbox');
      await t.http().post(`/api/v1/events/${ev.id}/complete`).set(organizer.auth).expect(200);
      expect((await entries(ev.id)).map((e: { action: string }) => e.action).sort()).toEqual(['event.complete', 'event.create', 'event.publish']);
    });

    it('a check-in undo whose entry cannot be written is not done either: the check-in stays', async () => {
      const ev = await createPublishedEvent(t, organizer);
      const r = await register(t, ev.id);
      const done = await checkIn(t, staff, ev.id, { code: r.code }).expect(201);
      await failInsertsInto('audit_log', `NEW.entity_id = '${r.id}'`);
      expect((await t.http().delete(`/api/v1/check-ins/${done.body.checkIn.id}`).set(organizer.auth)).status).toBe(500);
      expect(await t.dataSource.query('SELECT id FROM check_in WHERE registration_id = $1', [r.id])).toEqual([{ id: done.body.checkIn.id }]);
      expect(await entries(r.id)).toEqual([]);
    });
  });
});
