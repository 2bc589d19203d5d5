import { AuditService } from '../../src/audit/audit.service';
import { runInTransaction } from '../../src/database/transaction';
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
});
