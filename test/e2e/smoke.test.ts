import { loginAdmin } from '../factories';
import { startTestApp, TestApp } from '../support/test-app';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(); });
  afterAll(async () => { await t?.close(); });
  it('health and login', async () => {
    const h = await t.http().get('/health');
    expect(h.status).toBe(200);
    const admin = await loginAdmin(t);
    const me = await t.http().get('/api/v1/users/me').set(admin.auth).expect(200);
    expect(me.body.role).toBe('admin');
  });
});
