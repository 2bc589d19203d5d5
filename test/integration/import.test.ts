import { DataSource } from 'typeorm';
import { AuthUser } from '../../src/auth/auth-user';
import { UnprocessableFileError } from '../../src/http/domain-errors';
import { RegistrationImportService } from '../../src/registrations/registration-import.service';
import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { createPublishedEvent } from '../factories/events';
import { csvFile, register } from '../factories/registrations';
import { startTestApp, TestApp } from '../support/test-app';

describe('registration import (real PostgreSQL)', () => {
  let t: TestApp;
  let db: DataSource;
  let imports: RegistrationImportService;
  let organizer: Actor;
  let user: AuthUser;
  let unit: { id: string; name: string };

  beforeAll(async () => {
    t = await startTestApp();
    db = t.dataSource;
    imports = t.app.get(RegistrationImportService);
    const admin = await loginAdmin(t);
    const org = await createOrganization(t, admin);
    unit = await createOrganization(t, admin, { parentId: org.id, name: 'Công đoàn Khu công nghiệp Sóng Thần', abbreviation: 'CĐ KCN ST' });
    organizer = await createActor(t, admin, 'organizer', org.id);
    user = { id: organizer.id, email: organizer.email, fullName: 'x', role: 'organizer', organizationId: org.id };
  });
  afterAll(async () => {
    await t?.close();
  });

  const count = async (eventId: string) => (await db.query(`SELECT count(*)::int AS n FROM registration WHERE event_id = $1`, [eventId]))[0].n;
  const file = (lines: string[]) => ({ originalname: 'ds.csv', mimetype: 'text/csv', buffer: csvFile(lines, true) });

  it('an import with one bad row writes nothing and names the row and field', async () => {
    const ev = await createPublishedEvent(t, organizer);
    const lines = ['Họ và tên,Email,Đơn vị,Vai trò'];
    for (let i = 0; i < 99; i++) lines.push(`Người ${i},p${i}@x.vn,cđ kcn st,Đại biểu`);
    lines.push('Người xấu,not-an-email,,');
    const err = await imports.import(user, ev.id, file(lines)).catch((e) => e);
    expect(err).toBeInstanceOf(UnprocessableFileError);
    expect(err.details.errors).toEqual([{ row: 101, field: 'email', message: expect.stringContaining('not an e-mail'), code: 'email', params: { value: 'not-an-email' } }]);
    expect(await count(ev.id)).toBe(0);
    const [{ counter }] = await db.query(`SELECT confirmed_count AS counter FROM event WHERE id = $1`, [ev.id]);
    expect(counter).toBe(0);
  });

  it('rows duplicating each other or an existing registration are row errors; nothing is written', async () => {
    const ev = await createPublishedEvent(t, organizer);
    const existing = await register(t, ev.id);
    const err = await imports
      .import(user, ev.id, file(['fullName,email', `A,a@x.vn`, `B,A@X.VN`, `C,${existing.email}`, 'D,d@x.vn,', 'E,e@x.vn']))
      .catch((e) => e);
    expect(err.details.errors).toEqual([
      { row: 3, field: 'email', message: expect.stringContaining('first on row 2'), code: 'emailRepeated', params: { email: 'a@x.vn', first: 2 } },
      { row: 4, field: 'email', message: expect.stringContaining('already registered'), code: 'emailRegistered', params: { email: expect.any(String) } },
    ]);
    expect(await count(ev.id)).toBe(1);
  });

  it('imports 5,000 rows in one transaction within seconds, units matched by abbreviation, seats then waitlist', async () => {
    const ev = await createPublishedEvent(t, organizer, { capacity: 4000, waitlist: true });
    const lines = ['fullName,email,organization,role'];
    for (let i = 0; i < 5000; i++) lines.push(`Đại biểu ${i},d${i}@x.vn,CĐ KCN ST,${i % 100 === 0 ? 'guest' : 'delegate'}`);
    const started = Date.now();
    const result = await imports.import(user, ev.id, file(lines));
    const ms = Date.now() - started;
    expect(result).toEqual({ imported: 5000, confirmed: 4050, invited: 0, waitlisted: 950 });
    expect(ms).toBeLessThan(10_000);
    const [row] = await db.query(
      `SELECT e.confirmed_count AS counter, count(r.*) FILTER (WHERE r.organization_id = $2)::int AS matched
         FROM event e JOIN registration r ON r.event_id = e.id WHERE e.id = $1 GROUP BY e.confirmed_count`,
      [ev.id, unit.id],
    );
    expect(row).toEqual({ counter: 4000, matched: 5000 });
  });
});
